package dev.takeover.origin;

/** Entity-tag list matching for {@code If-None-Match} (RFC 9110, section 8.8.3). Stateless. */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * Whether {@code header} ({@code *} or a comma-separated list of possibly weak tags) matches {@code etag} under weak
     * comparison, i.e. ignoring {@code W/} prefixes. A malformed list matches only up to the first malformed member.
     */
    static boolean anyMatchesWeakly(String header, String etag) {
        String wanted = opaque(etag);
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || header.charAt(i) != '"') {
                return false;
            }
            int close = header.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            if (header.substring(i, close + 1).equals(wanted)) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }

    /** The quoted opaque part of a tag, without any {@code W/} prefix. */
    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
