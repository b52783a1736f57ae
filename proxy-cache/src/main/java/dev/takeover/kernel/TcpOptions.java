package dev.takeover.kernel;

/**
 * The TCP options the two ends agreed on in the handshake. A rebuilt socket must use exactly these: the client
 * keeps applying them, and nothing renegotiates them after the SYN exchange.
 *
 * @param timestamps         RFC 7323 timestamps are on ({@code TCPI_OPT_TIMESTAMPS})
 * @param sack               selective acknowledgments are permitted ({@code TCPI_OPT_SACK})
 * @param windowScaling      window scaling is on ({@code TCPI_OPT_WSCALE}); when off both shifts are 0
 * @param sendWindowScale    the shift the client applies to the windows it advertises ({@code tcpi_snd_wscale}),
 *                           0 to 14
 * @param receiveWindowScale the shift this side applies to the windows it advertises ({@code tcpi_rcv_wscale}),
 *                           0 to 14
 * @param mss                the maximum segment size the client accepts (the kernel's {@code mss_clamp}),
 *                           1 to 65535
 */
public record TcpOptions(boolean timestamps, boolean sack, boolean windowScaling, int sendWindowScale,
                         int receiveWindowScale, int mss) {

    /** The largest window-scale shift (RFC 7323 section 2.3). */
    public static final int MAX_WINDOW_SCALE = 14;

    static final int TCPI_OPT_TIMESTAMPS = 1;
    static final int TCPI_OPT_SACK = 2;
    static final int TCPI_OPT_WSCALE = 4;

    /** @throws IllegalArgumentException for a shift or MSS out of range, or a shift without window scaling */
    public TcpOptions {
        requireScale(sendWindowScale, "sendWindowScale");
        requireScale(receiveWindowScale, "receiveWindowScale");
        if (!windowScaling && (sendWindowScale != 0 || receiveWindowScale != 0)) {
            throw new IllegalArgumentException("window scales " + sendWindowScale + "/" + receiveWindowScale
                    + " given but window scaling is off");
        }
        if (mss < 1 || mss > 0xffff) {
            throw new IllegalArgumentException("mss must be in [1, 65535], got " + mss);
        }
    }

    /**
     * Decodes {@code struct tcp_info}: {@code tcpi_options} (byte 5) and the packed shifts (byte 6: send shift in the
     * low nibble, receive shift in the high one). Bits other than timestamps, SACK and window scaling (ECN, SYN data,
     * USEC_TS) are ignored: TCP_REPAIR cannot restore them.
     */
    static TcpOptions fromTcpInfo(int tcpiOptions, int packedWindowScales, int mss) {
        boolean scaling = (tcpiOptions & TCPI_OPT_WSCALE) != 0;
        return new TcpOptions((tcpiOptions & TCPI_OPT_TIMESTAMPS) != 0, (tcpiOptions & TCPI_OPT_SACK) != 0, scaling,
                scaling ? packedWindowScales & 0x0f : 0, scaling ? (packedWindowScales >> 4) & 0x0f : 0, mss);
    }

    private static void requireScale(int shift, String what) {
        if (shift < 0 || shift > MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException(what + " must be in [0, " + MAX_WINDOW_SCALE + "], got " + shift);
        }
    }
}
