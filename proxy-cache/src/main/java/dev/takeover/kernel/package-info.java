/**
 * The privileged Linux calls of a connection takeover, and nothing else: the only package of the project that talks
 * to the kernel directly (Java's foreign function and memory API, no JNI) or runs {@code ip} and {@code nft}.
 *
 * <p>On the serving node, at accept and on the event loop: {@link dev.takeover.kernel.TcpRepair#capture} records
 * the connection's sequence positions, options and timestamp clock; afterwards the proxy counts bytes itself
 * ({@link dev.takeover.kernel.SocketQueues} reads acknowledged progress without privilege).
 *
 * <p>On the survivor, in this order (design note {@code tcp-takeover.md}, "Takeover, in this order"):
 * <ol>
 *   <li>{@link dev.takeover.kernel.RstGuard}: no RST from this kernel for the connections being rebuilt;</li>
 *   <li>{@link dev.takeover.kernel.InterfaceAddresses#add} the virtual IP (one rtnetlink request), then
 *       {@link dev.takeover.kernel.GratuitousArp#send} a few times;</li>
 *   <li>{@link dev.takeover.kernel.PacketCapture#open} and {@link dev.takeover.kernel.PacketCapture#expect} each
 *       connection, then {@link dev.takeover.kernel.RawTcp#sendAck} the old-sequence ACK and
 *       {@link dev.takeover.kernel.PacketCapture#dispatch} until the replies are in (re-send after 500 ms);</li>
 *   <li>{@link dev.takeover.kernel.TcpRepair#rebuild} from
 *       {@link dev.takeover.kernel.RebuildSpec#afterReply}, release the guard for the connection, wrap the
 *       descriptor in netty's {@code EpollSocketChannel} and write from the offset.</li>
 * </ol>
 *
 * <p>Privileges: CAP_NET_ADMIN for repair, addresses and nftables; CAP_NET_RAW for raw and packet sockets.
 * {@link dev.takeover.kernel.Capabilities#detect} says which this process has. Failed calls throw
 * {@link dev.takeover.kernel.KernelException} with the call and {@code errno}; failed commands throw
 * {@link java.io.IOException} with the command and its message. Sequence numbers are unsigned 32-bit values in a
 * {@code long} ({@link dev.takeover.kernel.Seq}); only IPv4 is supported. Nulls are rejected with
 * {@link java.lang.NullPointerException}.
 */
package dev.takeover.kernel;
