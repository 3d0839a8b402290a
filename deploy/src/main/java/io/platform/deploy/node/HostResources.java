package io.platform.deploy.node;

/**
 * What the host offers a node, read once at start: sizes that scale with the machine (threads, admission slots)
 * come from here or from config, never from a constant written for one machine.
 *
 * @param cores the processors this JVM may use
 */
public record HostResources(int cores) {

    /** The host this JVM runs on. */
    public static HostResources detect() {
        return new HostResources(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** {@code key}'s value, or {@code perCore} times the cores when it is {@code auto}. */
    public int perCore(NodeConfig config, String key, int perCore) {
        return config.get(key).equals("auto") ? perCore * cores : config.integer(key);
    }
}
