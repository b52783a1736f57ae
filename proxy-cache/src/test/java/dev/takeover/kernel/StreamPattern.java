package dev.takeover.kernel;

/** The deterministic byte stream of the takeover tests: byte {@code i} is {@code 7i + 3} modulo 256. */
final class StreamPattern {

    private StreamPattern() {
    }

    static byte at(long offset) {
        return (byte) (offset * 7 + 3);
    }

    static byte[] bytes(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(offset + i);
        }
        return b;
    }

    /** The index in {@code data[0..length)} of the first byte that differs from the stream at {@code offset}, or -1. */
    static int firstMismatch(long offset, byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] != at(offset + i)) {
                return i;
            }
        }
        return -1;
    }
}
