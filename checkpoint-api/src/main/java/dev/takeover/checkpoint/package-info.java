/**
 * The checkpoint of a client TCP connection, layer by layer, and the contract of the replicated store that holds it.
 *
 * <p>Each proxy node writes, for every client connection it serves, a {@link dev.takeover.checkpoint.ConnectionCheckpoint}
 * into a {@link dev.takeover.checkpoint.CheckpointStore}. When the node dies, a survivor
 * {@linkplain dev.takeover.checkpoint.CheckpointStore#claim claims} the connection, rebuilds the socket from the
 * {@link dev.takeover.checkpoint.TcpLayer} and resumes the response from the {@link dev.takeover.checkpoint.HttpLayer}.
 *
 * <p>Positions: the HTTP layer counts bytes since the connection started in 64-bit {@code long}s, which never wrap;
 * the TCP layer alone turns a byte count into a 32-bit sequence number ({@code start + count mod 2^32}, see
 * {@link dev.takeover.checkpoint.SeqNum}). A position of {@code 5 GiB} is unambiguous, its sequence number is not.
 *
 * <p>Nulls: no method of this package accepts or returns {@code null} unless its documentation says so; a
 * {@code null} argument throws {@link java.lang.NullPointerException}.
 */
package dev.takeover.checkpoint;
