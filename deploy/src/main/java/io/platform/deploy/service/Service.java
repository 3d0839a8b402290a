package io.platform.deploy.service;

import java.util.List;

/**
 * One part of a node with one lifecycle: built from its typed config, {@link #start() started} once in the node's
 * order, asked for its {@link #healthy() health} and {@link #routes() HTTP routes}, and {@link #close() closed} once
 * in reverse order. Meters are registered at start on the registry the node passes in, never on a global one.
 * <p>
 * Once every service started and every route is mounted, {@link #serve()} opens the listeners to requests, so none is
 * answered by a half-mounted node.
 * <p>
 * Thread-safety: {@code start}, {@code serve} and {@code close} are called by the node's thread only, one after the
 * other; {@code healthy} and the route handlers are called from listener threads at any time after {@code serve}.
 */
public interface Service extends AutoCloseable {

    /** A short name for logs and errors, e.g. {@code gateway}. */
    String name();

    /** Starts the service; on failure the node closes it (and everything started before) and reports the error. */
    void start() throws Exception;

    /**
     * True while the service does its job. A listener's {@code /health} reports what its requests depend on: the query
     * listener's answers 503 while storage is unhealthy (its writers stopped consuming).
     */
    default boolean healthy() {
        return true;
    }

    /** Starts taking requests on the service's own listeners, once the node mounted every route on them. */
    default void serve() {
    }

    /** The HTTP routes this service serves, mounted by the node on the listeners they name. */
    default List<HttpRoute> routes() {
        return List.of();
    }

    /** Stops the service and frees what it holds; called once, also after a failed start, and never throws. */
    @Override
    void close();
}
