package io.platform.deploy.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's services start in order, close in reverse, and a failed start leaves nothing running. */
class ServiceGroupTest {
    private final List<String> events = new ArrayList<>();

    private final class Recording implements Service {
        private final String name;
        private final boolean failsToStart;
        private final List<HttpRoute> routes;

        Recording(String name, boolean failsToStart, HttpRoute... routes) {
            this.name = name;
            this.failsToStart = failsToStart;
            this.routes = List.of(routes);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            events.add("start " + name);
            if (failsToStart) {
                throw new IllegalStateException(name + " cannot start");
            }
        }

        @Override
        public List<HttpRoute> routes() {
            return routes;
        }

        @Override
        public void serve() {
            events.add("serve " + name);
        }

        @Override
        public void close() {
            events.add("close " + name);
        }
    }

    @Test
    void startsInOrderAndClosesInReverse() throws Exception {
        ServiceGroup group = new ServiceGroup(List.of(new Recording("kafka", false), new Recording("storage", false),
                new Recording("gateway", false)));
        group.start(Map.of());
        group.close();
        assertEquals(List.of("start kafka", "start storage", "start gateway", "serve kafka", "serve storage", "serve gateway",
                "close gateway", "close storage", "close kafka"), events);
        group.close();
        assertEquals(9, events.size(), "a second close stops nothing twice");
    }

    @Test
    void aFailedStartClosesWhatStartedIncludingTheFailedOneAndStartsNothingAfterIt() {
        ServiceGroup group = new ServiceGroup(List.of(new Recording("kafka", false), new Recording("storage", true),
                new Recording("gateway", false)));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> group.start(Map.of()));
        assertEquals("storage cannot start", failure.getMessage());
        assertEquals(List.of("start kafka", "start storage", "close storage", "close kafka"), events);
    }

    @Test
    void mountsEachRouteOnTheListenersItNamesAndNowhereElse() throws Exception {
        HttpHandler segments = exchange -> { };
        HttpHandler flows = exchange -> { };
        ServiceGroup group = new ServiceGroup(List.of(
                new Recording("storage", false, new HttpRoute("/v1/segments", HttpRoute.Listener.QUERY, segments)),
                new Recording("telemetry", false, new HttpRoute("/v1/flows", HttpRoute.Listener.EVERY, flows))));
        List<String> gatewayRoutes = new ArrayList<>();
        List<String> queryRoutes = new ArrayList<>();
        group.start(Map.of(HttpRoute.Listener.GATEWAY, (path, handler) -> gatewayRoutes.add(path),
                HttpRoute.Listener.QUERY, (path, handler) -> {
                    queryRoutes.add(path);
                    assertSame(path.equals("/v1/segments") ? segments : flows, handler);
                }));
        assertEquals(List.of("/v1/flows"), gatewayRoutes);
        assertEquals(List.of("/v1/segments", "/v1/flows"), queryRoutes);
    }

    @Test
    void listenersTakeRequestsOnlyOnceEveryServiceStartedAndEveryRouteIsMounted() throws Exception {
        HttpHandler segments = exchange -> { };
        ServiceGroup group = new ServiceGroup(List.of(new Recording("query", false),
                new Recording("storage", false, new HttpRoute("/v1/segments", HttpRoute.Listener.QUERY, segments))));
        group.start(Map.of(HttpRoute.Listener.QUERY, (path, handler) -> events.add("mount " + path)));
        assertEquals(List.of("start query", "start storage", "mount /v1/segments", "serve query", "serve storage"), events);
    }
}
