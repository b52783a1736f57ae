package dev.takeover.proxy.cache.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * An entity tag (RFC 9110 §8.8.3): {@code [W/] DQUOTE *etagc DQUOTE}. Package-private helper.
 *
 * @param weak   whether it carries the {@code W/} prefix
 * @param opaque the characters between the quotes
 */
record EntityTag(boolean weak, String opaque) {

    /**
     * Parses exactly one entity tag, surrounding whitespace allowed.
     *
     * @return the tag, or null if {@code value} is null or not a valid entity tag
     */
    static EntityTag parse(String value) {
        if (value == null) {
            return null;
        }
        String v = FieldValues.trimOws(value);
        boolean weak = v.startsWith("W/");
        int open = weak ? 2 : 0;
        if (v.length() < open + 2 || v.charAt(open) != '"' || v.charAt(v.length() - 1) != '"') {
            return null;
        }
        for (int i = open + 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            // etagc = %x21 / %x23-7E / obs-text
            if (c < 0x21 || c == '"' || c == 0x7F || c > 0xFF) {
                return null;
            }
        }
        return new EntityTag(weak, v.substring(open + 1, v.length() - 1));
    }

    /**
     * Parses {@code 1#entity-tag} (empty list members allowed, RFC 9110 §5.6.1).
     *
     * @return the tags in order, or null if any member is not an entity tag or there is none
     */
    static List<EntityTag> parseList(String value) {
        List<EntityTag> tags = new ArrayList<>(2);
        // Entity tags cannot contain '"' inside, so splitting on commas outside quotes is exact.
        for (String member : FieldValues.splitList(value)) {
            EntityTag tag = parse(member);
            if (tag == null) {
                return null;
            }
            tags.add(tag);
        }
        return tags.isEmpty() ? null : tags;
    }

    /** Strong comparison (RFC 9110 §8.8.3.2): both strong and the same characters. */
    boolean strongMatch(EntityTag other) {
        return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** Weak comparison (RFC 9110 §8.8.3.2): the same characters, either or both may be weak. */
    boolean weakMatch(EntityTag other) {
        return opaque.equals(other.opaque);
    }

    @Override
    public String toString() {
        return (weak ? "W/\"" : "\"") + opaque + '"';
    }
}
