package io.platform.security.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file: edits by hand and by command take effect, a broken edit keeps the last good policy. */
class PolicyFileTest {
    /** Long enough that the watcher never runs during a test: reloads are driven by the test itself. */
    private static final long NO_BACKGROUND_CHECKS_MS = 3_600_000;

    @TempDir
    Path dir;

    private final List<String> problems = new ArrayList<>();

    @Test
    void aMissingFileStartsEmptySoNothingIsAllowedUntilGranted() throws Exception {
        Path file = dir.resolve("security/policy.json");
        try (PolicyFile policy = PolicyFile.open(file, NO_BACKGROUND_CHECKS_MS, problems::add)) {
            assertTrue(Files.exists(file));
            assertFalse(policy.authorizer().allows("ops", Action.OPERATE, Resource.NODE));
            policy.grant(new Binding("ops", Role.ADMIN, List.of()));
            assertTrue(policy.authorizer().allows("ops", Action.OPERATE, Resource.NODE));
            assertEquals(policy.authorizer().policy().bindings(), AccessPolicy.parse(Files.readString(file)).bindings(),
                    "the grant is in the file, for the next start and for other nodes reading it");
            policy.revoke("ops", null);
            assertFalse(policy.authorizer().allows("ops", Action.OPERATE, Resource.NODE));
        }
    }

    @Test
    void aHandEditIsReadAtTheNextCheckAndABrokenOneKeepsTheLastGoodPolicy() throws Exception {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, "{\"bindings\":[{\"principal\":\"ingest-svc\",\"role\":\"writer\",\"streams\":[\"readings\"]}]}");
        try (PolicyFile policy = PolicyFile.open(file, NO_BACKGROUND_CHECKS_MS, problems::add)) {
            Authorizer authorizer = policy.authorizer();
            assertTrue(authorizer.allows("ingest-svc", Action.INGEST, "readings"));
            Files.writeString(file, "{\"bindings\":[{\"principal\":\"ingest-svc\",\"role\":\"writer\",\"streams\":[\"other\"]}]}");
            policy.reloadIfChanged();
            assertFalse(authorizer.allows("ingest-svc", Action.INGEST, "readings"));
            assertTrue(authorizer.allows("ingest-svc", Action.INGEST, "other"));
            Files.writeString(file, "{\"bindings\":[{\"principal\":\"x\",\"role\":\"superuser\"}]}");
            policy.reloadIfChanged();
            policy.reloadIfChanged();
            assertTrue(authorizer.allows("ingest-svc", Action.INGEST, "other"), "the last good policy stays in force");
            assertEquals(1, problems.size(), "reported once, not at every check: " + problems);
            assertTrue(problems.get(0).contains("'superuser' is not a role"), problems.get(0));
        }
    }

    @Test
    void theWatcherPicksUpAnEditWithoutBeingAsked() throws Exception {
        Path file = dir.resolve("policy.json");
        try (PolicyFile policy = PolicyFile.open(file, 50, problems::add)) {
            Files.writeString(file, "{\"bindings\":[{\"principal\":\"ops\",\"role\":\"admin\"}]}");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!policy.authorizer().allows("ops", Action.OPERATE, Resource.NODE) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(policy.authorizer().allows("ops", Action.OPERATE, Resource.NODE));
        }
    }

    @Test
    void aNodeDoesNotStartOnAPolicyFileThatDoesNotParse() throws Exception {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, "not json");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PolicyFile.open(file, NO_BACKGROUND_CHECKS_MS, problems::add));
        assertTrue(refused.getMessage().startsWith("security.policy-file=" + file + ": not JSON"), refused.getMessage());
    }
}
