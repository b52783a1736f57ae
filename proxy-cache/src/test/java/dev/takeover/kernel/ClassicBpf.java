package dev.takeover.kernel;

/**
 * A test interpreter for the subset of classic BPF this package's socket filters use, run over a packet that starts
 * at its IP header (as for {@code SOCK_DGRAM} packet sockets), so filters can be checked without a kernel.
 */
final class ClassicBpf {

    private ClassicBpf() {
    }

    /** The filter's verdict: bytes to keep, 0 to drop. */
    static int run(long[] program, byte[] packet, int packetType) {
        int a = 0;
        int x = 0;
        for (int pc = 0; pc < program.length; pc++) {
            long insn = program[pc];
            int code = (int) (insn >>> 48) & 0xffff;
            int jt = (int) (insn >>> 40) & 0xff;
            int jf = (int) (insn >>> 32) & 0xff;
            int k = (int) insn;
            switch (code) {
                case 0x20 -> a = k == 0xfffff004 ? packetType : Bytes.getInt(packet, k);
                case 0x28 -> a = Bytes.getShort(packet, k);
                case 0x30 -> a = packet[k] & 0xff;
                case 0x48 -> a = Bytes.getShort(packet, x + k);
                case 0xb1 -> x = (packet[k] & 0x0f) * 4;
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x45 -> pc += (a & k) != 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                default -> throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(code) + " at " + pc);
            }
        }
        throw new IllegalArgumentException("program fell off its end");
    }
}
