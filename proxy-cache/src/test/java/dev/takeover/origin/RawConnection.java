package dev.takeover.origin;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 connection for tests that must control the exact bytes sent: pipelining, keep-alive, malformed
 * requests and unnormalized paths. Reads responses framed by {@code Content-Length} only, which is all the origin
 * sends.
 */
final class RawConnection implements AutoCloseable {

    /** Guards against a hang when the server misbehaves; not a timing assertion. */
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Writes {@code text} (request heads, CRLFs included) in one go. */
    RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** A GET of {@code target} with a Host header and optional extra header lines (each ending in CRLF). */
    static String get(String target, String... headerLines) {
        return request("GET", target, headerLines);
    }

    static String request(String method, String target, String... headerLines) {
        return method + " " + target + " HTTP/1.1\r\nHost: origin\r\n" + String.join("", headerLines) + "\r\n";
    }

    /** Reads one response; {@code bodyless} for answers to HEAD, whose Content-Length announces no body. */
    Response read(boolean bodyless) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
        }
        byte[] body = new byte[0];
        String length = headers.get("content-length");
        if (!bodyless && status != 304 && length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (body.length != Integer.parseInt(length)) {
                throw new IOException("body truncated after " + body.length + " of " + length + " bytes");
            }
        }
        return new Response(parts[0], status, headers, body);
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Whether the server closed the connection: the next read sees end-of-stream (or a reset). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A parsed response; header names are lower case. */
    record Response(String version, int status, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
