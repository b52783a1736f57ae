package dev.takeover.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A byte-level HTTP/1.1 client for tests that must see exactly what went over the wire: pipelining,
 * malformed requests, framing. Reads responses by Content-Length, chunked coding, or until close.
 */
final class RawClient implements AutoCloseable {
    /** One response as received; {@code head} is the header block's exact text. */
    record Response(int status, String head, Map<String, String> fields, byte[] body) {
        String field(String name) {
            return fields.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 2000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response to a request of {@code method}. */
    Response read(String method) throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            fields.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body;
        if (method.equals("HEAD") || status == 304 || status == 204 || status / 100 == 1) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
            body = readChunked();
        } else if (fields.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(fields.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, head, fields, body);
    }

    Response read() throws IOException {
        return read("GET");
    }

    /** Reads and discards {@code n} bytes of whatever arrives. */
    void readSome(int n) throws IOException {
        in.readNBytes(n);
    }

    /** True when the server closed the connection (EOF within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a header block after: " + out);
            }
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        String s = out.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            String sizeLine = readLine();
            int size = Integer.parseInt(sizeLine.trim(), 16);
            if (size == 0) {
                readLine();
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed inside chunk framing");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
