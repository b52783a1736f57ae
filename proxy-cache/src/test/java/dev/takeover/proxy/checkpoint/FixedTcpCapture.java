package dev.takeover.proxy.checkpoint;

import dev.takeover.checkpoint.TcpLayer;
import io.netty.channel.Channel;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link TcpCapture} without the kernel (which needs root and Linux): every connection has the same TCP layer, and
 * had received {@code receivedBytes} at accept.
 *
 * @param acknowledgesAll whether the client acknowledges every byte sent at once; else what it acknowledged is unknown
 */
public record FixedTcpCapture(TcpLayer tcp, int receivedBytes, boolean acknowledgesAll) implements TcpCapture {
    /** A TCP layer with every option, for tests that do not look at it. */
    public static final TcpLayer TCP = new TcpLayer(1000, 2000, 1448, true, 7, 7, true, true, 12345,
            1_700_000_000_000L, -1);

    @Override
    public Optional<AtAccept> atAccept(Channel channel) {
        return Optional.of(new AtAccept(tcp, receivedBytes));
    }

    @Override
    public OptionalLong ackedBytes(Channel channel, long sent) {
        return acknowledgesAll ? OptionalLong.of(sent) : OptionalLong.empty();
    }
}
