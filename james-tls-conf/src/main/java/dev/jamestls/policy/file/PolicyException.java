package dev.jamestls.policy.file;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be loaded; the message lists every error, one per line, so it stands on its own. */
public final class PolicyException extends Exception {
    private final transient List<Problem> problems;

    public PolicyException(List<Problem> problems) {
        super(problems.stream().filter(Problem::isError).map(Problem::toString)
            .collect(Collectors.joining("\n", "TLS policy not loaded:\n", "")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
