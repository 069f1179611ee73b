package dev.jamestls.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.files.AtomicFiles;
import dev.jamestls.files.KeptFiles;

/**
 * The ledger in one JSON file, so it survives a restart: written whole to a temporary file beside it and moved over
 * it ({@link AtomicFiles}), read back at start. A file that cannot be read is set aside as {@code <name>.corrupt}
 * with a warning and the ledger starts empty: losing the ledger never stops mail.
 */
public final class LedgerFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The version of the file's layout, checked when read. */
    static final int FORMAT = 1;

    /** What the file holds: partners least recently seen first, reports oldest first. */
    public record Contents(List<PartnerRecord> partners, List<ReceivedReport> reports) {
        public static final Contents EMPTY = new Contents(List.of(), List.of());

        public Contents {
            partners = List.copyOf(partners);
            reports = List.copyOf(reports);
        }
    }

    private final Path file;
    private final Clock clock;

    public LedgerFile(Path file, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path file() {
        return file;
    }

    /** What the file holds; nothing when there is no file or it is unreadable (then set aside). */
    public Contents load() {
        return KeptFiles.readOrSetAside(file, "TLS ledger", Contents.EMPTY, text -> contents(MAPPER.readTree(text)));
    }

    private static Contents contents(JsonNode root) throws LedgerJson.FormatException {
        if (root == null || !root.path("format").isInt() || root.get("format").intValue() != FORMAT
            || !root.path("partners").isArray() || !root.path("reportsReceived").isArray()) {
            throw new LedgerJson.FormatException("$", "{\"format\": " + FORMAT + ", \"partners\": [...], \"reportsReceived\": [...]}");
        }
        List<PartnerRecord> partners = new ArrayList<>();
        JsonNode rows = root.get("partners");
        for (int i = 0; i < rows.size(); i++) {
            partners.add(LedgerJson.readPartner(rows.get(i), "$.partners[" + i + "]"));
        }
        List<ReceivedReport> reports = new ArrayList<>();
        JsonNode reportRows = root.get("reportsReceived");
        for (int i = 0; i < reportRows.size(); i++) {
            reports.add(LedgerJson.readReport(reportRows.get(i), "$.reportsReceived[" + i + "]"));
        }
        return new Contents(partners, reports);
    }

    /** Writes {@code contents} in place of the file's. */
    public void save(Contents contents) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("savedAt", clock.instant().toString());
        root.set("partners", LedgerJson.partners(contents.partners(), Optional.empty()));
        root.set("reportsReceived", LedgerJson.reports(contents.reports()));
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(root));
    }
}
