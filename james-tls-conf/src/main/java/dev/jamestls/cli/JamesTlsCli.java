package dev.jamestls.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code james-tls.jar}. */
@Command(name = "james-tls", mixinStandardHelpOptions = true, versionProvider = JamesTlsCli.Version.class,
    description = "TLS connectors for Apache James: check a James configuration, explain which TLS rule applies, "
        + "publish our certificate facts, check revocation endpoints, probe a partner before enforcing TLS, print the per-partner TLS ledger of a running James.",
    subcommands = {CheckCommand.class, ExplainCommand.class, FactsCommand.class, RevocationCheckCommand.class, ProbeCommand.class,
        LedgerCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:clean", "1:errors found", "2:usage error"})
public final class JamesTlsCli implements Runnable {
    public static final int CLEAN = 0;
    public static final int ERRORS = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: check, explain, facts, revocation-check, probe or ledger");
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command line; tests reach subcommand objects through it to inject a {@code Clock}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new JamesTlsCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(e -> USAGE);
        return commandLine;
    }

    /** Reads the build's version.properties (Maven-filtered). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = JamesTlsCli.class.getResourceAsStream("/dev/jamestls/version.properties")) {
                if (in == null) {
                    throw new IOException("dev/jamestls/version.properties is missing from the jar");
                }
                properties.load(in);
            }
            return new String[] {"james-tls " + properties.getProperty("version") + " (built for Apache James "
                + properties.getProperty("james.version") + ")"};
        }
    }
}
