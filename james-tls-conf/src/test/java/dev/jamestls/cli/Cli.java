package dev.jamestls.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ProxySelector;
import java.time.Clock;
import java.util.Optional;

import picocli.CommandLine;

/** Runs the CLI in-process with captured streams and an injected clock. */
final class Cli {
    private Cli() {
    }

    record Run(int code, String out, String err) {
    }

    static Run run(Clock clock, String... args) {
        return run(clock, Optional.empty(), args);
    }

    /** As {@link #run(Clock, String...)}, {@code probe} fetching MTA-STS policies through {@code stsRoute} (a loopback proxy). */
    static Run run(Clock clock, Optional<ProxySelector> stsRoute, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JamesTlsCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        ((FactsCommand) commandLine.getSubcommands().get("facts").getCommand()).clock = clock;
        ((RevocationCheckCommand) commandLine.getSubcommands().get("revocation-check").getCommand()).clock = clock;
        ProbeCommand probe = (ProbeCommand) commandLine.getSubcommands().get("probe").getCommand();
        probe.clock = clock;
        stsRoute.ifPresent(route -> probe.stsRoute = route);
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
