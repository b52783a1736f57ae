package dev.takeover.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The timers on a channel whose clock only moves when told. Each row is a script of steps:
 * {@code read} (request bytes arrive), {@code received} (a header block completed), {@code idle}
 * (every request answered), {@code +N} (N seconds pass), and the expectations {@code open},
 * {@code closed}, {@code 408} (a header timeout event was fired, once) and {@code no408}.
 * Header timeout 10 s, keep-alive 60 s; the channel becomes active (idle) at second 0.
 */
class ConnectionTimeoutsTest {

    static Stream<Arguments> scripts() {
        return Stream.of(
            arguments("an idle connection closes at the keep-alive timeout",
                "+59 open +1 closed no408"),
            arguments("a partial header block times out at the header timeout",
                "read +9 no408 open +1 408 open"),
            arguments("the header timeout fires once",
                "read +10 408 +100 408"),
            arguments("a complete header block stops the header timer",
                "read +5 received +100 no408 open"),
            arguments("no timer runs while a request is answered",
                "read received +1000 open no408"),
            arguments("keep-alive counts from the last answer",
                "read received +30 idle +59 open +1 closed"),
            arguments("a request late in the idle period gets its full header timeout",
                "+55 read +6 open no408 +3 no408 +1 408 open"),
            arguments("a header block completing late in the idle period keeps the connection",
                "+55 read +4 received +10 open idle +59 open +1 closed"),
            arguments("many quick requests, then silence: keep-alive from the last one",
                "read received idle +1 read received idle +1 read received idle +1 read received idle "
                    + "+7 read received idle +59 open no408 +1 closed"),
            arguments("bytes arriving while busy start no header timer",
                "read received read +100 no408 open idle +60 closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void timers(String description, String script) {
        MockTicker ticker = Ticker.newMockTicker();
        ConnectionTimeouts timeouts = new ConnectionTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));
        EventRecorder events = new EventRecorder();
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(ticker).handlers(timeouts, events).build();
        try {
            for (String step : script.split(" ")) {
                switch (step) {
                    case "read" -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G'}));
                    case "received" -> timeouts.requestReceived();
                    case "idle" -> timeouts.idle();
                    case "open" -> assertThat(ch.isOpen()).as("open at step %s", step).isTrue();
                    case "closed" -> assertThat(ch.isOpen()).as("closed").isFalse();
                    case "408" -> assertThat(events.headerTimeouts).as("header timeouts").isEqualTo(1);
                    case "no408" -> assertThat(events.headerTimeouts).as("header timeouts").isZero();
                    default -> {
                        if (!step.startsWith("+")) {
                            throw new IllegalArgumentException("bad step " + step);
                        }
                        // Second by second, so a check due in between runs at its time, as on a real loop.
                        for (int i = 0; i < Integer.parseInt(step.substring(1)); i++) {
                            ticker.advance(1, TimeUnit.SECONDS);
                            ch.runScheduledPendingTasks();
                        }
                    }
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static final class EventRecorder extends ChannelInboundHandlerAdapter {
        int headerTimeouts;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ConnectionTimeouts.HeaderTimeout.INSTANCE) {
                headerTimeouts++;
            }
        }
    }
}
