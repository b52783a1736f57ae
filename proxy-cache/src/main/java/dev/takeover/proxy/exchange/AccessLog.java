package dev.takeover.proxy.exchange;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the SLF4J logger {@value #LOGGER}, in a combined-log-like format:
 * {@code client "METHOD target VERSION" status bytes cache-status duration-ms}. Route or silence the
 * logger in the logging configuration; formatting is skipped when it is off.
 *
 * <p>The line is built here and logged as a plain message, without SLF4J placeholders: this runs on
 * the event loop once per request, where placeholder substitution and {@code String.format} showed
 * up as several percent of a busy node's CPU. A target containing {@code {}} is logged as is.
 */
public final class AccessLog {
    public static final String LOGGER = "dev.takeover.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    void log(Exchange ex, Reply reply, long bytes) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info(line(ex, reply, bytes, (System.nanoTime() - ex.startNanos()) / 1000));
    }

    /** The message for one exchange that took {@code micros} (not negative). */
    static String line(Exchange ex, Reply reply, long bytes, long micros) {
        StringBuilder b = new StringBuilder(96 + ex.request().uri().length())
                .append(host(ex.client())).append(" \"").append(ex.request().method().name()).append(' ')
                .append(ex.request().uri()).append(' ').append(ex.request().protocolVersion().text()).append("\" ")
                .append(reply.status()).append(' ').append(bytes).append(' ').append(reply.cacheStatus()).append(' ')
                .append(micros / 1000).append('.');
        long fraction = micros % 1000; // milliseconds with three decimals
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction).toString();
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(address);
    }
}
