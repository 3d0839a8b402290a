package io.platform.security.access;

/** Resource names beside stream names. */
public final class Resource {
    /** The node as a whole: the resource of actions that are not {@link Action#perStream() per stream}. */
    public static final String NODE = "*";

    private Resource() {
    }
}
