package io.platform.deploy.cli;

import io.platform.deploy.node.NodeConfig;
import picocli.CommandLine.Command;

/** {@code platform config}: every node setting with its default. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "List every node setting with its default.")
public final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        NodeConfig.SETTINGS.forEach((key, v) -> System.out.printf("%-30s %-12s %s%n", key, v[0].isEmpty() ? "\"\"" : v[0], v[1]));
    }
}
