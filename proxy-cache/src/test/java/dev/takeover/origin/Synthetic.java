package dev.takeover.origin;

/** Test shorthand for the expected bytes of synthetic objects. */
final class Synthetic {

    private Synthetic() {
    }

    static SyntheticObject object(String target) {
        return SyntheticObject.parse(target).orElseThrow(() -> new AssertionError("not synthetic: " + target));
    }

    /** All bytes of a (small) synthetic object. */
    static byte[] bytes(String target) {
        SyntheticObject object = object(target);
        return slice(object, 0, Math.toIntExact(object.length()));
    }

    static byte[] slice(SyntheticObject object, long offset, int length) {
        byte[] bytes = new byte[length];
        object.read(offset, bytes, 0, length);
        return bytes;
    }
}
