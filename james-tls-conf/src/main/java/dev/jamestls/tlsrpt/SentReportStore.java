package dev.jamestls.tlsrpt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.files.AtomicFiles;
import dev.jamestls.tls.Spelled;

/**
 * The reports this node made and where each one is ({@link OutgoingReport}), kept in one JSON file so a restart
 * neither loses a report nor sends one twice to a destination that took it; with this node's name, made once
 * ({@link Reporter#node()}). Written whole after every change (a temporary file moved over it); a file that cannot be
 * read is set aside as {@code <name>.corrupt} with a warning, and the store starts empty under a new node name, so
 * its report-ids cannot collide with those already sent. Thread-safe.
 */
public final class SentReportStore {
    private static final Logger LOG = LoggerFactory.getLogger(SentReportStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The version of the file's layout, checked when read. */
    static final int FORMAT = 1;

    private final Path file;
    private final String node;
    private final Map<String, OutgoingReport> reports = new LinkedHashMap<>();

    private SentReportStore(Path file, String node, List<OutgoingReport> reports) {
        this.file = file;
        this.node = node;
        reports.forEach(report -> this.reports.put(key(report.domain(), report.day()), report));
    }

    /** The store kept in {@code file}, or a new one (with a new node name) when there is none or it is unreadable. */
    public static SentReportStore open(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new SentReportStore(file, newNode(), List.of());
        } catch (IOException e) {
            LOG.warn("TLS reports: cannot read {} ({}); starting anew under a new node name", file, e.toString());
            return new SentReportStore(file, newNode(), List.of());
        }
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || root.path("format").intValue() != FORMAT || !root.path("node").isTextual()
                || !root.path("reports").isArray()) {
                throw new IllegalArgumentException("expected {\"format\": " + FORMAT + ", \"node\": ..., \"reports\": [...]}");
            }
            List<OutgoingReport> reports = new ArrayList<>();
            for (JsonNode row : root.get("reports")) {
                reports.add(report(row));
            }
            return new SentReportStore(file, root.get("node").textValue(), reports);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            LOG.warn("TLS reports: {} is not a sent-reports file ({}); set aside as {}, starting anew", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warn("TLS reports: cannot set {} aside: {}", file, moveFailed.toString());
            }
            return new SentReportStore(file, newNode(), List.of());
        }
    }

    private static String newNode() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String key(String domain, LocalDate day) {
        return domain + " " + day;
    }

    public Path file() {
        return file;
    }

    /** This node's name, letters and digits, the same across restarts. */
    public String node() {
        return node;
    }

    /** Every report kept, oldest first. */
    public synchronized List<OutgoingReport> reports() {
        return List.copyOf(reports.values());
    }

    /** The report of {@code domain} for {@code day}, if one was made. */
    public synchronized Optional<OutgoingReport> find(String domain, LocalDate day) {
        return Optional.ofNullable(reports.get(key(domain, day)));
    }

    /** Adds or replaces the report of its domain and day. */
    public synchronized void put(OutgoingReport report) {
        reports.put(key(report.domain(), report.day()), report);
    }

    /** Forgets the reports {@code which} selects. */
    public synchronized void removeIf(Predicate<OutgoingReport> which) {
        reports.values().removeIf(which);
    }

    /** Writes the store; false, with a warning, when the file cannot be written (the next save tries again). */
    public synchronized boolean save() {
        ObjectNode root = NODES.objectNode();
        root.put("format", FORMAT);
        root.put("node", node);
        root.set("reports", toTree(List.copyOf(reports.values()), true));
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(root));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("TLS reports: cannot write {} ({}); kept in memory, the next save tries again", file, e.toString());
            return false;
        }
    }

    /**
     * The reports as JSON, for the file and for administrators ({@code withReport} false leaves the reports' JSON out).
     */
    public static ArrayNode toTree(List<OutgoingReport> reports, boolean withReport) {
        ArrayNode rows = NODES.arrayNode();
        for (OutgoingReport report : reports) {
            ObjectNode row = rows.addObject();
            row.put("domain", report.domain());
            row.put("day", report.day().toString());
            row.put("report-id", report.reportId());
            row.put("created", report.created().toString());
            row.put("phase", report.phase().spelling());
            row.put("lookups", report.lookups());
            row.put("next", report.next().toString());
            row.put("detail", report.detail());
            ArrayNode deliveries = row.putArray("deliveries");
            for (OutgoingReport.Delivery delivery : report.deliveries()) {
                ObjectNode item = deliveries.addObject();
                item.put("uri", delivery.uri());
                item.put("state", delivery.state().spelling());
                item.put("attempts", delivery.attempts());
                item.put("next", delivery.next().toString());
                delivery.last().ifPresent(last -> item.put("last", last.toString()));
                item.put("detail", delivery.detail());
            }
            if (withReport) {
                row.put("report", report.json());
            }
        }
        return rows;
    }

    private static OutgoingReport report(JsonNode row) {
        List<OutgoingReport.Delivery> deliveries = new ArrayList<>();
        for (JsonNode item : required(row, "deliveries")) {
            deliveries.add(new OutgoingReport.Delivery(text(item, "uri"),
                Spelled.parse(OutgoingReport.State.class, "state", text(item, "state")), required(item, "attempts").intValue(),
                Instant.parse(text(item, "next")),
                item.hasNonNull("last") ? Optional.of(Instant.parse(text(item, "last"))) : Optional.empty(), text(item, "detail")));
        }
        return new OutgoingReport(text(row, "domain"), LocalDate.parse(text(row, "day")), text(row, "report-id"),
            text(row, "report"), Instant.parse(text(row, "created")),
            Spelled.parse(OutgoingReport.Phase.class, "phase", text(row, "phase")), required(row, "lookups").intValue(),
            Instant.parse(text(row, "next")), text(row, "detail"), deliveries);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return value.textValue();
    }
}
