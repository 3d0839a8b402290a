package io.platform.security.access;

import java.util.HashSet;
import java.util.Set;

/**
 * The streams one principal may take one action on, compiled from its bindings: every stream, exact names, and
 * prefixes. A check is one flag read, one hash lookup, and one lookup per prefix length the set holds (stream names
 * are short), whatever the number of bindings. Built once per policy, then read-only: thread-safe.
 */
final class StreamSet {
    private boolean all;
    private final Set<String> exact = new HashSet<>();
    private final Set<String> prefixes = new HashSet<>();
    private int longestPrefix;

    void add(String pattern) {
        if (pattern.equals(Resource.NODE)) {
            all = true;
        } else if (pattern.endsWith("*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            prefixes.add(prefix);
            longestPrefix = Math.max(longestPrefix, prefix.length());
        } else {
            exact.add(pattern);
        }
    }

    void addAll() {
        all = true;
    }

    boolean contains(String stream) {
        if (all || exact.contains(stream)) {
            return true;
        }
        int longest = Math.min(longestPrefix, stream.length());
        for (int length = 1; length <= longest; length++) {
            if (prefixes.contains(stream.substring(0, length))) {
                return true;
            }
        }
        return false;
    }
}
