package io.platform.deploy.cli;

import io.platform.deploy.node.NodeConfig;
import io.platform.deploy.node.PlatformNode;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code platform up}: runs the all-in-one node until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Run the all-in-one node (embedded Kafka, gateway, Flink, storage,"
        + " query) until Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
    @CommandLine.Mixin
    NodeOptions options;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = options.build(false);
        System.out.println("starting platform node, data dir " + config.dataDir() + " ...");
        long start = System.nanoTime();
        PlatformNode node = PlatformNode.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping platform node ...");
            node.close();
            stopped.countDown();
        }, "platform-shutdown"));
        System.out.printf("platform node ready in %.1f s%n%s%n", (System.nanoTime() - start) / 1e9, node.addresses());
        node.restoredCheckpoints().forEach((stream, checkpoint) ->
                System.out.println("aggregation of " + stream + " restored from checkpoint " + checkpoint));
        System.out.println("press Ctrl-C to stop");
        stopped.await();
        return 0;
    }
}
