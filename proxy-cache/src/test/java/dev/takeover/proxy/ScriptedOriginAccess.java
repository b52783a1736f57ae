package dev.takeover.proxy;

import java.io.IOException;
import java.net.URI;

/** {@link ScriptedOrigin} for tests in other packages. */
public final class ScriptedOriginAccess implements AutoCloseable {
    private final ScriptedOrigin origin;

    public ScriptedOriginAccess() throws IOException {
        origin = new ScriptedOrigin();
    }

    public URI uri() {
        return origin.uri();
    }

    public void fixed(String path, byte[] body, String... fields) {
        origin.on(path, ScriptedOrigin.fixed(200, body, fields));
    }

    /** {@code length} deterministic bytes in {@code pieces} writes with {@code pauseMillis} between them. */
    public void slow(String path, int length, int pieces, long pauseMillis) {
        origin.on(path, ScriptedOrigin.slow(ScriptedOrigin.bytes(length, 1), pieces, pauseMillis, false, "Cache-Control", "max-age=60"));
    }

    @Override
    public void close() {
        origin.close();
    }
}
