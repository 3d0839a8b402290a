package io.platform.deploy.service;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service started, closed in reverse order: a service pushes each part as it starts it, so a failed start
 * and a normal stop undo exactly what was done. Not thread-safe: a service's start and close run on one thread.
 */
public final class StartedResources {
    private static final Logger LOG = LoggerFactory.getLogger(StartedResources.class);

    private final String owner;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** @param owner the service's name, for the log line of a part that fails to close */
    public StartedResources(String owner) {
        this.owner = owner;
    }

    /** Remembers a started part; returns it for chaining. */
    public <T extends AutoCloseable> T add(T part) {
        started.push(part);
        return part;
    }

    /** Closes every part, newest first; a part that fails to close is logged and the others still close. */
    public void closeAll() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stop failed service={} part={} error={}", owner, part, e.toString());
            }
        }
    }
}
