package dev.jamestls.tlsrpt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.files.AtomicFiles;
import dev.jamestls.files.KeptFiles;

/**
 * The report counters in one JSON file, so they survive a restart of one node: written to a temporary file
 * beside it and moved over it (atomically where the file system can), read back at start. A file that cannot be
 * read is set aside as {@code <name>.corrupt} with a warning and the counters start empty: losing a day's counts
 * never stops mail. Days older than {@code keepDays} before today (the injected clock's UTC day) are not read back.
 */
public final class CounterFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The version of the file's layout, checked when read. */
    static final int FORMAT = 1;

    private final Path file;
    private final Clock clock;
    private final int keepDays;

    public CounterFile(Path file, Clock clock, int keepDays) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (keepDays < 1) {
            throw new IllegalArgumentException("keepDays must be at least 1: " + keepDays);
        }
        this.keepDays = keepDays;
    }

    public Path file() {
        return file;
    }

    /** The counts kept, those of the last {@code keepDays} days; none when there is no file or it is unreadable. */
    public List<CounterEntry> load() {
        return KeptFiles.readOrSetAside(file, "TLS report counters", List.of(), this::entries);
    }

    private List<CounterEntry> entries(String text) throws TlsReportFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new TlsReportFormatException(TlsReportFormatException.Problem.NOT_JSON, "$", e.getMessage());
        }
        if (root == null || !root.path("format").isInt() || root.get("format").intValue() != FORMAT
            || !root.path("entries").isArray()) {
            throw new TlsReportFormatException(TlsReportFormatException.Problem.BAD_VALUE, "$",
                "expected {\"format\": " + FORMAT + ", \"entries\": [...]}");
        }
        LocalDate oldest = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(keepDays);
        List<CounterEntry> entries = new ArrayList<>();
        JsonNode rows = root.get("entries");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String path = "$.entries[" + i + "]";
            LocalDate day;
            try {
                day = LocalDate.parse(row.path("day").asText(""));
            } catch (DateTimeParseException e) {
                throw new TlsReportFormatException(TlsReportFormatException.Problem.BAD_DATE, path + ".day", e.getMessage());
            }
            if (!row.path("domain").isTextual() || !row.path("dropped-failure-details").canConvertToLong()
                || !row.path("dropped-failure-details").isIntegralNumber()) {
                throw new TlsReportFormatException(TlsReportFormatException.Problem.WRONG_TYPE, path,
                    "expected domain (a string) and dropped-failure-details (a whole number)");
            }
            PolicyReport counts = TlsReportJson.parsePolicyReport(row.path("policy-report"), path + ".policy-report");
            if (!day.isBefore(oldest)) {
                entries.add(new CounterEntry(row.get("domain").textValue(), day, counts,
                    row.get("dropped-failure-details").longValue()));
            }
        }
        return entries;
    }

    /** Writes {@code entries} in place of the file's content: a temporary file beside it, then a move over it. */
    public void save(List<CounterEntry> entries) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("saved-at", clock.instant().toString());
        ArrayNode rows = root.putArray("entries");
        for (CounterEntry entry : entries) {
            ObjectNode row = rows.addObject();
            row.put("domain", entry.domain());
            row.put("day", entry.day().toString());
            row.put("dropped-failure-details", entry.droppedFailureDetails());
            row.set("policy-report", TlsReportJson.policyReport(entry.counts()));
        }
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(root));
    }
}
