package dev.takeover.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.channel.local.LocalAddress;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.helpers.MessageFormatter;

class AccessLogTest {
    /** The line as it was first written: SLF4J placeholders and String.format. The format must not drift. */
    private static String reference(String host, HttpMethod method, String uri, HttpVersion version, int status,
                                    long bytes, String cacheStatus, long micros) {
        return MessageFormatter.arrayFormat("{} \"{} {} {}\" {} {} {} {}.{}", new Object[] {host, method, uri, version,
            status, bytes, cacheStatus, micros / 1000, String.format("%03d", micros % 1000)}).getMessage();
    }

    static Stream<Arguments> exchanges() throws UnknownHostException {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 40000);
        return Stream.of(
            arguments(v4, "127.0.0.1", HttpMethod.GET, "/synthetic/1k", HttpVersion.HTTP_1_1, 200, 1300L, "HIT", 0L),
            arguments(v4, "127.0.0.1", HttpMethod.GET, "/a", HttpVersion.HTTP_1_1, 200, 5L, "MISS", 7L),
            arguments(v4, "127.0.0.1", HttpMethod.HEAD, "/a?b=c", HttpVersion.HTTP_1_0, 304, 0L, "REVALIDATED", 42L),
            arguments(v6, "0:0:0:0:0:0:0:1", HttpMethod.POST, "/form", HttpVersion.HTTP_1_1, 502, 120L, "ERROR", 999L),
            arguments(v4, "127.0.0.1", HttpMethod.GET, "/{}/%7B%7D", HttpVersion.HTTP_1_1, 404, 17L, "PASS", 1_000L),
            arguments(v4, "127.0.0.1", HttpMethod.OPTIONS, "*", HttpVersion.HTTP_1_1, 200, 0L, "PASS", 1_005L),
            arguments(new LocalAddress("peer"), "local:peer", HttpMethod.GET, "/x", HttpVersion.HTTP_1_1, 206, 1L,
                "STALE", 1_234_567L),
            arguments(v4, "127.0.0.1", HttpMethod.GET, "/big", HttpVersion.HTTP_1_1, 200, 104_857_900L, "HIT",
                86_400_000_000L));
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void lineIsTheCombinedLogLikeFormat(SocketAddress client, String host, HttpMethod method, String uri,
                                        HttpVersion version, int status, long bytes, String cacheStatus, long micros) {
        Exchange ex = new Exchange(new DefaultHttpRequest(version, method, uri), client, 0, null);
        Reply reply = new Reply(status, new byte[0], null, -1, Framing.NONE, false, cacheStatus, null);

        String line = AccessLog.line(ex, reply, bytes, micros);

        assertThat(line).isEqualTo(reference(host, method, uri, version, status, bytes, cacheStatus, micros));
        assertThat(line).startsWith(host + " \"" + method + " " + uri + " " + version + "\" " + status + " ");
    }
}
