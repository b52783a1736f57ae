package dev.takeover.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.util.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferedFileAppenderTest {
    @TempDir
    Path dir;
    private final LoggerContext context = new LoggerContext();

    BufferedFileAppenderTest() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // a context of one's own needs one to log at all
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** A logger writing "%msg%n" to {@code file} through a started appender that flushes every {@code interval}. */
    private Logger loggerTo(Path file, String interval) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BufferedFileAppender<ILoggingEvent> appender = new BufferedFileAppender<>();
        appender.setContext(context);
        appender.setName("test");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.setFlushInterval(Duration.valueOf(interval));
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }

    @Test
    void linesWaitInTheBufferUntilStopWritesThemAll() throws Exception {
        Path file = dir.resolve("access.log");
        Logger logger = loggerTo(file, "1 hour");
        logger.info("one");
        logger.info("two");
        assertThat(file).as("one write per buffer, not per line").isEmptyFile();
        logger.getAppender("test").stop();
        assertThat(Files.readString(file)).isEqualTo("one\ntwo\n");
    }

    @Test
    void aLineReachesTheFileWithinTheFlushInterval() throws Exception {
        Path file = dir.resolve("access.log");
        Logger logger = loggerTo(file, "100 milliseconds");
        logger.info("soon");
        for (int i = 0; i < 100 && Files.size(file) == 0; i++) { // bounded: 10 s
            Thread.sleep(100);
        }
        assertThat(Files.readString(file)).isEqualTo("soon\n");
    }

    @Test
    void aFullBufferIsWrittenWithoutWaitingForTheInterval() throws Exception {
        Path file = dir.resolve("access.log");
        Logger logger = loggerTo(file, "1 hour");
        for (int i = 0; i < 2_000; i++) {
            logger.info("a line of forty characters, give or take");
        }
        assertThat(Files.size(file)).as("several 8 KiB buffers written").isGreaterThanOrEqualTo(8 * 1024);
    }

    @Test
    void aFlushIntervalThatIsNotPositiveKeepsTheAppenderStopped() {
        BufferedFileAppender<ILoggingEvent> appender = new BufferedFileAppender<>();
        appender.setContext(context);
        appender.setFile(dir.resolve("never.log").toString());
        appender.setFlushInterval(Duration.buildByMilliseconds(0));
        appender.start();
        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(s -> assertThat(s.getMessage()).contains("flushInterval must be positive"));
    }
}
