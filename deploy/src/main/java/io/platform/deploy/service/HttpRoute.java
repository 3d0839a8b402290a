package io.platform.deploy.service;

import com.sun.net.httpserver.HttpHandler;

/**
 * A path prefix a service answers, and on which of the node's listeners: the node mounts each route where it says, so
 * a service need not know which other service owns the listener.
 *
 * @param path    the path prefix, e.g. {@code /v1/segments}
 * @param on      the listener(s) it is mounted on
 * @param handler the handler; called from listener threads, so it must be thread-safe
 */
public record HttpRoute(String path, Listener on, HttpHandler handler) {

    /** The node's HTTP listeners. */
    public enum Listener {
        /** The gateway's port (8080 by default). */
        GATEWAY,
        /** The query service's port (8081 by default); on an ingest-only node these routes are not served. */
        QUERY,
        /** Every HTTP listener of the node (dashboard, flows). */
        EVERY
    }

    /** Whether this route belongs on a listener of the given kind. */
    public boolean mountsOn(Listener listener) {
        return on == Listener.EVERY || on == listener;
    }
}
