package dev.takeover.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin for proxy tests whose answers each test scripts per path, and which records every
 * request it got. Loopback only.
 */
final class ScriptedOrigin implements AutoCloseable {
    /** What the origin answers on a path. */
    @FunctionalInterface
    interface Script {
        void answer(HttpExchange exchange) throws IOException;
    }

    /** One request as the origin saw it. */
    record Seen(String method, String target, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    ScriptedOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()), body));
                Script s = scripts.get(ex.getRequestURI().getPath());
                if (s == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    s.answer(ex);
                }
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void on(String path, Script script) {
        scripts.put(path, script);
    }

    /** A fixed body with the given header fields (name, value, name, value...). */
    static Script fixed(int status, byte[] body, String... fields) {
        return ex -> {
            for (int i = 0; i < fields.length; i += 2) {
                ex.getResponseHeaders().add(fields[i], fields[i + 1]);
            }
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            }
            ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
            if (!head) {
                ex.getResponseBody().write(body);
            }
        };
    }

    /** Writes {@code body} in pieces with a pause between them; {@code chunked} hides the length. */
    static Script slow(byte[] body, int pieces, long pauseMillis, boolean chunked, String... fields) {
        return ex -> {
            for (int i = 0; i < fields.length; i += 2) {
                ex.getResponseHeaders().add(fields[i], fields[i + 1]);
            }
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            OutputStream out = ex.getResponseBody();
            int step = Math.max(1, body.length / pieces);
            for (int off = 0; off < body.length; off += step) {
                out.write(body, off, Math.min(step, body.length - off));
                out.flush();
                sleep(pauseMillis);
            }
        };
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int count(String target) {
        return (int) seen.stream().filter(s -> s.target().equals(target)).count();
    }

    Seen last(String target) {
        return seen.reversed().stream().filter(s -> s.target().equals(target)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return b;
    }

    static final AtomicInteger SEEDS = new AtomicInteger();
}
