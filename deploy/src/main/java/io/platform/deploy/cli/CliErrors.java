package io.platform.deploy.cli;

import io.platform.deploy.node.ConfigException;
import java.net.ConnectException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * What a command prints when it fails: a config error names the key (exit 2), an unreachable service says what to start
 * (exit 1), anything else its message (exit 1). Shared by {@code platform} and {@code platform bench}.
 */
public final class CliErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof ConfigException) {
            commandLine.getErr().println("config error: " + e.getMessage());
            return 2;
        }
        if (causedBy(e, ConnectException.class)) {
            // the HTTP client's ConnectException has no message: say what could not be reached and what to do
            String endpoint = endpointOption(parseResult);
            commandLine.getErr().println("error: cannot connect" + (endpoint == null ? "" : " to " + endpoint)
                    + ": is a node running there? Start one with 'bin/platform up'" + (endpoint == null ? "" : ", or point "
                    + endpoint.substring(0, endpoint.indexOf(' ')) + " at yours"));
            return 1;
        }
        commandLine.getErr().println("error: " + e.getMessage());
        return 1;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The service address the command that ran was given, e.g. "--gateway http://127.0.0.1:8080"; null when it has none. */
    private static String endpointOption(ParseResult parseResult) {
        ParseResult command = parseResult;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        for (String name : new String[] {"--gateway", "--url"}) {
            OptionSpec option = command.commandSpec().findOption(name);
            if (option != null && option.getValue() != null) {
                return name + " " + option.getValue();
            }
        }
        return null;
    }
}
