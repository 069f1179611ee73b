package dev.jamestls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;

import dev.jamestls.admin.AdminException;
import dev.jamestls.admin.TrustAnchors;
import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.JdkHttpFetcher;

/**
 * What every {@code james-tls.jar} command shares: its streams, its usage errors (exit 2), its failures
 * (exit 1, {@code command: message} on stderr) and the clock tests replace.
 */
abstract class CliCommand implements Callable<Integer> {
    /** Largest CRL or OCSP answer a command reads, as the verification core's default fetcher. */
    private static final long MAX_ANSWER_BYTES = 10L << 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error: picocli prints it with the command's usage and exits 2. */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Prints {@code command: message} on stderr; returns exit code 1. */
    int failed(AdminException e) {
        err().println(spec.name() + ": " + e.getMessage());
        return JamesTlsCli.ERRORS;
    }

    /** {@code --timeout} must be 1..120 seconds. */
    void checkTimeout(int seconds) {
        if (seconds < 1 || seconds > 120) {
            throw usage("--timeout " + seconds + " is out of range; accepted: 1..120 seconds");
        }
    }

    /** Fetches CRLs and OCSP answers with {@code timeout} to connect and between reads. */
    static HttpFetcher fetcher(Duration timeout) {
        return new JdkHttpFetcher(timeout, timeout, MAX_ANSWER_BYTES);
    }

    /** The certificates of {@code --trust-anchors}, or the JDK's trust store when the option is not given. */
    static TrustAnchors anchors(Path pem) throws AdminException {
        return pem == null ? TrustAnchors.jdkDefault() : TrustAnchors.fromPem(pem);
    }
}
