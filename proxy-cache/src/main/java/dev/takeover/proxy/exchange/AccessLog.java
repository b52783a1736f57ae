package dev.takeover.proxy.exchange;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the SLF4J logger {@value #LOGGER}, in a combined-log-like format:
 * {@code client "METHOD target VERSION" status bytes cache-status duration-ms}. Route or silence the
 * logger in the logging configuration; formatting is skipped when it is off.
 */
public final class AccessLog {
    public static final String LOGGER = "dev.takeover.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    void log(Exchange ex, Reply reply, long bytes) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - ex.startNanos()) / 1000;
        log.info("{} \"{} {} {}\" {} {} {} {}.{}", host(ex.client()), ex.request().method(), ex.request().uri(),
                ex.request().protocolVersion(), reply.status(), bytes, reply.cacheStatus(),
                micros / 1000, String.format("%03d", micros % 1000));
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(address);
    }
}
