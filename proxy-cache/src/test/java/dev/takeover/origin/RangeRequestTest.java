package dev.takeover.origin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RangeRequestTest {

    private static RangeRequest partial(long first, long last) {
        return new RangeRequest.Partial(first, last);
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of(null, 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=0-99", 1000L, partial(0, 99)),
                Arguments.of("bytes=0-0", 1000L, partial(0, 0)),
                Arguments.of("bytes=999-999", 1000L, partial(999, 999)),
                Arguments.of("bytes=500-", 1000L, partial(500, 999)),
                Arguments.of("bytes=500-5000", 1000L, partial(500, 999)),
                Arguments.of("bytes=0-99999999999999999999999", 1000L, partial(0, 999)),
                Arguments.of("bytes=-100", 1000L, partial(900, 999)),
                Arguments.of("bytes=-5000", 1000L, partial(0, 999)),
                Arguments.of("Bytes=1-2 ", 1000L, partial(1, 2)),
                Arguments.of("bytes = 1-2", 1000L, RangeRequest.WHOLE),
                Arguments.of(" bytes= 1 - 2", 1000L, partial(1, 2)),
                Arguments.of("bytes=1000-", 1000L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=1000-2000", 1000L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=99999999999999999999-", 1000L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=-0", 1000L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=0-", 0L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=-1", 0L, RangeRequest.UNSATISFIABLE),
                Arguments.of("bytes=5-4", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=0-1,5-6", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=-", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=a-b", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=-1-2", 1000L, RangeRequest.WHOLE),
                Arguments.of("bytes=+1-2", 1000L, RangeRequest.WHOLE),
                Arguments.of("items=0-1", 1000L, RangeRequest.WHOLE),
                Arguments.of("0-1", 1000L, RangeRequest.WHOLE));
    }

    @ParameterizedTest
    @MethodSource("ranges")
    void evaluatesASingleByteRange(String header, long length, RangeRequest expected) {
        assertThat(RangeRequest.evaluate(header, length)).isEqualTo(expected);
    }

    @Test
    void partialDescribesItself() {
        RangeRequest.Partial partial = new RangeRequest.Partial(10, 19);

        assertThat(partial.count()).isEqualTo(10);
        assertThat(partial.contentRange(100)).isEqualTo("bytes 10-19/100");
    }
}
