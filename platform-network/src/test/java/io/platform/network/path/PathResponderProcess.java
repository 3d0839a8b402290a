package io.platform.network.path;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PathResponder} as its own process, the peer {@code MultipathNetnsTest} starts in a network namespace:
 * standard output is the protocol with the test, {@code ready} once bound and the counts when its standard input
 * closes, so it is not a log.
 */
final class PathResponderProcess {
    private PathResponderProcess() {
    }

    public static void main(String[] args) throws Exception {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String arg : args) {
            int colon = arg.lastIndexOf(':');
            addresses.add(new InetSocketAddress(arg.substring(0, colon), Integer.parseInt(arg.substring(colon + 1))));
        }
        try (PathResponder responder = new PathResponder(addresses)) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the driving process closes our standard input
            }
            System.out.println("received=" + responder.received() + " duplicates=" + responder.duplicates());
            System.out.flush();
        }
    }
}
