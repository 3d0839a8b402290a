package io.platform.deploy.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.platform.deploy.service.HttpRoute;
import io.platform.deploy.service.Service;
import io.platform.deploy.service.StartedResources;
import io.platform.ingest.gateway.IngestAccess;
import io.platform.observability.http.RequestGuard;
import io.platform.observability.logging.AuditLog;
import io.platform.query.http.QueryHttpApi;
import io.platform.security.access.Action;
import io.platform.security.access.Authorizer;
import io.platform.security.access.Decision;
import io.platform.security.access.PolicyFile;
import io.platform.security.tls.RevokedNames;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what on this node: the policy file (reloaded within {@link SecurityConfig#POLICY_CHECK_MS} of an edit,
 * edited with {@code platform access}) behind one {@link Authorizer}; the guard every HTTP listener passes; the query
 * API's per-table check; {@code /v1/access}. Started before any listener, so none serves a request unchecked. With
 * security off it allows everything. Thread-safe after {@link #start()}.
 */
public final class SecurityService implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityService.class);

    private final SecurityConfig config;
    private final Refusals refusals;
    private final StartedResources started = new StartedResources("security");
    private Authorizer authorizer = Authorizer.allowAll();
    private PolicyFile policyFile;
    private RevokedNames revoked;

    public SecurityService(SecurityConfig config, MeterRegistry registry) {
        this.config = config;
        this.refusals = new Refusals(registry);
    }

    @Override
    public String name() {
        return "security";
    }

    @Override
    public void start() throws Exception {
        if (!config.enabled()) {
            return;
        }
        policyFile = started.add(PolicyFile.open(config.policyFile(), SecurityConfig.POLICY_CHECK_MS,
                problem -> LOG.warn("policy file problem={}", problem)));
        authorizer = policyFile.authorizer();
        revoked = started.add(RevokedNames.watch(config.tlsDir(), SecurityConfig.POLICY_CHECK_MS));
        LOG.info("security on policy={} bindings={}", config.policyFile(), authorizer.policy().bindings().size());
    }

    /** True when listeners require client certificates and requests are authorized. */
    public boolean enabled() {
        return config.enabled();
    }

    /** The guard of every HTTP listener: open when security is off. */
    public RequestGuard guard() {
        return config.enabled() ? new HttpAccessRules(authorizer, config.openPaths(), refusals, revoked) : RequestGuard.OPEN;
    }

    /** The query API's per-table and per-statement check. */
    public QueryHttpApi.AccessCheck queryAccess() {
        if (!config.enabled()) {
            return QueryHttpApi.AccessCheck.OPEN;
        }
        return new QueryHttpApi.AccessCheck() {
            @Override
            public String readRefusal(String user, String stream) {
                return refusedOrNull(authorizer.decide(user == null ? Authorizer.ANONYMOUS : user, Action.QUERY, stream));
            }

            @Override
            public String statementRefusal(String user, String statement) {
                return refusedOrNull(authorizer.decide(user == null ? Authorizer.ANONYMOUS : user, Action.RUN_SQL_JOBS, "*"));
            }
        };
    }

    /**
     * The binary transports' per-frame check: the peer's certificate name must hold a writer grant on the frame's
     * stream. Aeron sessions prove no name yet, so with security on they are refused until session tokens exist.
     */
    public IngestAccess ingestAccess() {
        if (!config.enabled()) {
            return IngestAccess.OPEN;
        }
        return (principal, stream) -> {
            if (principal == null) {
                refusals.binaryNoCertificate();
                return "this node requires a client certificate: connect over TLS with one from 'platform tls issue-client'"
                        + " (Aeron sessions cannot present one yet)";
            }
            if (revoked.revoked(principal)) {
                refusals.binaryRevoked();
                return revokedMessage(principal);
            }
            if (authorizer.allows(principal, Action.INGEST, stream)) {
                return null;
            }
            refusals.binaryDenied();
            return authorizer.decide(principal, Action.INGEST, stream).reason();
        };
    }

    /** What a client whose certificate name was revoked is told. */
    static String revokedMessage(String principal) {
        return "the certificates of '" + principal + "' were revoked ('platform tls revoke'): issue this client a certificate"
                + " under a new name ('platform tls issue-client') and grant that name what it needs";
    }

    private String refusedOrNull(Decision decision) {
        if (decision.allowed()) {
            return null;
        }
        refusals.httpDenied();
        AuditLog.record("access.denied", decision.principal(), "action=" + decision.action() + " resource=" + decision.resource());
        return decision.reason();
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    @Override
    public List<HttpRoute> routes() {
        return policyFile == null ? List.of()
                : List.of(new HttpRoute("/v1/access", HttpRoute.Listener.EVERY, new AccessRoutes(policyFile)));
    }

    @Override
    public void close() {
        started.closeAll();
    }
}
