package dev.takeover.kernel;

import java.io.IOException;

/**
 * A system call of this package failed. The message names the call and the error, for example
 * {@code "setsockopt(TCP_REPAIR) failed: EPERM (1)"}; {@link #errno()} gives the number for decisions.
 *
 * <p>Typical causes: {@code EPERM} missing CAP_NET_ADMIN (repair) or CAP_NET_RAW (raw and packet sockets);
 * {@code EADDRNOTAVAIL} binding an address that is on no interface; {@code ENODEV} an unknown interface;
 * {@code EINVAL} a value the kernel rejects (for example a repair window that does not fit the sequence numbers).
 */
public final class KernelException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call  the call and, where useful, its subject, e.g. {@code "setsockopt(TCP_REPAIR)"}
     * @param errno the {@code errno} the call left, positive
     */
    public KernelException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (" + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code "bind"} or {@code "setsockopt(TCP_QUEUE_SEQ)"}. */
    public String call() {
        return call;
    }

    /** The {@code errno} value, e.g. 1 for {@code EPERM}. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, e.g. {@code "EPERM"}, or {@code "errno"} when not a usual one. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** Whether the process lacks the privilege for the call ({@code EPERM} or {@code EACCES}). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == 13;
    }
}
