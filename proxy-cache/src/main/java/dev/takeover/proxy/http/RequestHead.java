package dev.takeover.proxy.http;

import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A parsed request's line and header fields written back as bytes, for a {@code Requested} checkpoint: a node that
 * takes the connection over replays them into its own parser. They need not be the client's exact bytes (spacing and
 * case may differ); they mean the same request. Header values are ISO-8859-1, as HTTP/1.1 allows.
 */
public final class RequestHead {
    private RequestHead() {
    }

    /** @return {@code METHOD SP target SP version CRLF (name: value CRLF)* CRLF} */
    public static byte[] encode(HttpRequest request) {
        StringBuilder b = new StringBuilder(256).append(request.method().name()).append(' ').append(request.uri())
                .append(' ').append(request.protocolVersion().text()).append("\r\n");
        for (Map.Entry<String, String> h : request.headers()) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
