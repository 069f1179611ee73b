package dev.jamestls.it.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

/**
 * Captures what James's logback writes, as the text a log file would hold
 * ({@code HH:mm:ss.SSS LEVEL logger - message}, one event per line, stack traces
 * included), so a test can look for a line a peer forged. While it runs, our own
 * loggers ({@code dev.jamestls}) write everything down to DEBUG, whatever the test
 * class path's logback configuration says.
 */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root;
    private final Logger ours;
    private final ch.qos.logback.classic.Level oursBefore;

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %level %logger - %msg%n%ex");
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(bytes);
        appender.setImmediateFlush(true);
        appender.start();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        ours = context.getLogger("dev.jamestls");
        oursBefore = ours.getLevel();
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every line written so far, split where a log file would break it (CR, LF or CRLF). */
    public List<String> lines() {
        synchronized (bytes) {
            return List.of(bytes.toString(StandardCharsets.UTF_8).split("\r\n|\r|\n"));
        }
    }

    @Override
    public void close() {
        ours.setLevel(oursBefore);
        root.detachAppender(appender);
        appender.stop();
    }
}
