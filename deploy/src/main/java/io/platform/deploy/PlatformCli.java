package io.platform.deploy;

import io.platform.deploy.cli.AccessCommands;
import io.platform.deploy.cli.AgentCommand;
import io.platform.deploy.cli.BenchCommand;
import io.platform.deploy.cli.CliErrors;
import io.platform.deploy.cli.ConfigCommand;
import io.platform.deploy.cli.DemoCommand;
import io.platform.deploy.cli.DiagnoseCommand;
import io.platform.deploy.cli.DlqCommands;
import io.platform.deploy.cli.DoctorCommand;
import io.platform.deploy.cli.FlowsCommand;
import io.platform.deploy.cli.JobCommands;
import io.platform.deploy.cli.LogsCommand;
import io.platform.deploy.cli.ProfileCommand;
import io.platform.deploy.cli.QueryCommand;
import io.platform.deploy.cli.RouterCommand;
import io.platform.deploy.cli.SchemaCommands;
import io.platform.deploy.cli.SegmentsCommand;
import io.platform.deploy.cli.SendCommand;
import io.platform.deploy.cli.TlsCommands;
import io.platform.deploy.cli.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code platform} launcher: the root of the commands in {@link io.platform.deploy.cli}. Every subcommand answers {@code --help}. */
@Command(name = "platform", mixinStandardHelpOptions = true, version = "platform 0.1.0",
        description = "Low-latency streaming data platform: ingest, process, store and query events.",
        subcommands = {UpCommand.class, DemoCommand.class, SendCommand.class, QueryCommand.class, SchemaCommands.class, DlqCommands.class,
                JobCommands.class, AgentCommand.class, RouterCommand.class, SegmentsCommand.class, ProfileCommand.class,
                DiagnoseCommand.class,
                LogsCommand.class, FlowsCommand.class, TlsCommands.class, AccessCommands.class, BenchCommand.class, DoctorCommand.class,
                ConfigCommand.class,
                HelpCommand.class})
public final class PlatformCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !(args.length > 0 && (args[0].equals("up") || args[0].equals("demo")))) {
            System.exit(code);
        }
    }

    /** The CLI with its error handling ({@link CliErrors}). */
    static CommandLine commandLine() {
        return new CommandLine(new PlatformCli()).setExecutionExceptionHandler(new CliErrors());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
