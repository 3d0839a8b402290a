package io.platform.deploy.service;

import com.sun.net.httpserver.HttpHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started in the order given and closed in reverse: a start that fails closes every service started before
 * it (and the failed one, which may have started parts) and rethrows, so a node never runs half-started. Routes are
 * mounted on the listeners they name once every service has started, and only then do the listeners take requests
 * ({@link Service#serve()}). Not thread-safe: one thread starts and closes.
 */
public final class ServiceGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceGroup.class);

    private final List<Service> services;
    private final List<Service> started = new ArrayList<>();

    /** @param services in start order */
    public ServiceGroup(List<Service> services) {
        this.services = List.copyOf(services);
    }

    /**
     * Starts each service in order, mounts every route on the listeners it names, then lets each serve.
     *
     * @param listeners the node's HTTP listeners by kind; a kind absent on this node mounts nothing
     */
    public void start(Map<HttpRoute.Listener, RouteTarget> listeners) throws Exception {
        try {
            for (Service service : services) {
                started.add(service);
                service.start();
                LOG.info("service started name={}", service.name());
            }
        } catch (Exception | Error e) {
            LOG.warn("service failed to start name={} error={}", started.get(started.size() - 1).name(), e.toString());
            close();
            throw e;
        }
        for (Service service : services) {
            for (HttpRoute route : service.routes()) {
                listeners.forEach((kind, target) -> {
                    if (route.mountsOn(kind)) {
                        target.route(route.path(), route.handler());
                    }
                });
            }
        }
        services.forEach(Service::serve);
    }

    /** The names of the services in start order, for logs. */
    public List<String> names() {
        return services.stream().map(Service::name).toList();
    }

    /** Closes every started service, newest first; each close is attempted whatever the others did. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Service service = started.get(i);
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.warn("service failed to stop name={} error={}", service.name(), e.toString());
            }
        }
        started.clear();
    }

    /** Where routes are mounted: an HTTP listener's {@code route(path, handler)}. */
    @FunctionalInterface
    public interface RouteTarget {
        void route(String path, HttpHandler handler);
    }
}
