package dev.takeover.kernel;

/**
 * The two queue depths of a connected TCP socket, for progress checkpoints between full
 * {@link TcpRepair#capture captures}: two ioctls, no repair mode, no privilege.
 *
 * @param unreadBytes  bytes received that the application has not read ({@code SIOCINQ})
 * @param unackedBytes bytes written that the client has not acknowledged ({@code SIOCOUTQ})
 */
public record SocketQueues(int unreadBytes, int unackedBytes) {

    /**
     * Reads both depths of {@code fd}. Call it from the thread that reads and writes the socket (the event loop), so
     * the application's own byte counts match.
     *
     * @throws KernelException e.g. {@code EBADF} for a closed descriptor, {@code EINVAL} for a listening socket
     */
    public static SocketQueues read(int fd) throws KernelException {
        return new SocketQueues(Libc.ioctlInt(fd, Libc.SIOCINQ, "SIOCINQ"), Libc.ioctlInt(fd, Libc.SIOCOUTQ, "SIOCOUTQ"));
    }
}
