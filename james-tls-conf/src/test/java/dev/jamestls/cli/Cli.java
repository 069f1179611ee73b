package dev.jamestls.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

import picocli.CommandLine;

/** Runs the CLI in-process with captured streams and an injected clock. */
final class Cli {
    private Cli() {
    }

    record Run(int code, String out, String err) {
    }

    static Run run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JamesTlsCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        ((FactsCommand) commandLine.getSubcommands().get("facts").getCommand()).clock = clock;
        ((RevocationCheckCommand) commandLine.getSubcommands().get("revocation-check").getCommand()).clock = clock;
        ((ProbeCommand) commandLine.getSubcommands().get("probe").getCommand()).clock = clock;
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
