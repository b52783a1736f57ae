package dev.takeover.checkpoint;

/**
 * The state one protocol layer contributes to a {@link ConnectionCheckpoint}: exactly one record per layer.
 * Each layer's {@link LayerAppender} produces its own record; the checkpoint holds one of each.
 */
public sealed interface LayerState permits IpLayer, TcpLayer, HttpLayer {
}
