package dev.takeover.origin;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request target reduced to origin form ({@code /path?query}).
 *
 * @param originForm the path and query exactly as sent (still percent-encoded)
 * @param rawPath    the path part of {@code originForm}, still percent-encoded
 */
record RequestTarget(String originForm, String rawPath) {

    /**
     * Accepts origin form ({@code /a?b}) and absolute form ({@code http://host/a?b}), the latter reduced to its path
     * and query.
     *
     * @throws IllegalArgumentException for any other form (e.g. {@code *} or {@code host:port})
     */
    static RequestTarget parse(String uri) {
        String originForm = uri;
        if (!uri.startsWith("/")) {
            String lower = uri.toLowerCase(Locale.ROOT);
            int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
            if (schemeEnd < 0) {
                throw new IllegalArgumentException("unsupported request target: " + uri);
            }
            int pathStart = schemeEnd;
            while (pathStart < uri.length() && uri.charAt(pathStart) != '/' && uri.charAt(pathStart) != '?') {
                pathStart++;
            }
            originForm = pathStart == uri.length() ? "/" : uri.charAt(pathStart) == '?'
                    ? "/" + uri.substring(pathStart) : uri.substring(pathStart);
        }
        int query = originForm.indexOf('?');
        return new RequestTarget(originForm, query < 0 ? originForm : originForm.substring(0, query));
    }

    /**
     * The path with percent-escapes decoded as UTF-8. A {@code +} stays a {@code +}: it means space only in queries.
     *
     * @throws IllegalArgumentException if an escape is truncated, not hexadecimal, or the bytes are not UTF-8
     */
    String decodedPath() {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                // the HTTP decoder maps each request-line octet to one char, so a char is an octet here
                bytes.write(c <= 0xFF ? c : '?');
                continue;
            }
            if (i + 2 >= rawPath.length()) {
                throw new IllegalArgumentException("truncated percent-escape in path: " + rawPath);
            }
            int hi = Character.digit(rawPath.charAt(i + 1), 16);
            int lo = Character.digit(rawPath.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("malformed percent-escape in path: " + rawPath);
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent-decoded path is not UTF-8: " + rawPath, e);
        }
    }
}
