package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ByteSizeTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("0", 0L, "0"),
                Arguments.of("1", 1L, "1"),
                Arguments.of("1000", 1000L, "1000"),
                Arguments.of("1024", 1024L, "1k"),
                Arguments.of("1k", 1024L, "1k"),
                Arguments.of("16k", 16_384L, "16k"),
                Arguments.of("16K", 16_384L, "16k"),
                Arguments.of("1536k", 1_572_864L, "1536k"),
                Arguments.of("2048k", 2_097_152L, "2m"),
                Arguments.of("8m", 8_388_608L, "8m"),
                Arguments.of("512M", 536_870_912L, "512m"),
                Arguments.of("1g", 1_073_741_824L, "1g"),
                Arguments.of("3G", 3_221_225_472L, "3g"),
                Arguments.of("1024g", 1_099_511_627_776L, "1024g"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesAndFormats(String text, long bytes, String canonical) {
        ByteSize size = ByteSize.parse(text);
        assertThat(size.bytes()).isEqualTo(bytes);
        assertThat(size).hasToString(canonical);
        assertThat(ByteSize.parse(canonical)).isEqualTo(size);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("16kb", "'16kb' is not a size: expected a whole number with an optional k, m or g"
                        + " suffix (powers of 1024), e.g. 16k, 8m, 1g"),
                Arguments.of("", "'' is not a size"),
                Arguments.of("k", "'k' is not a size"),
                Arguments.of("1t", "'1t' is not a size"),
                Arguments.of("1.5m", "'1.5m' is not a size"),
                Arguments.of("-1k", "'-1k' is not a size"),
                Arguments.of("16 k", "'16 k' is not a size"),
                Arguments.of("8MiB", "'8MiB' is not a size"),
                Arguments.of("9999999999g", "'9999999999g' is too large a size"),
                Arguments.of("99999999999999999999", "'99999999999999999999' is too large a size"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSize.parse(text)).withMessageStartingWith(message);
    }

    @Test
    void factoriesUsePowersOf1024() {
        assertThat(ByteSize.ofKib(16)).isEqualTo(ByteSize.parse("16k"));
        assertThat(ByteSize.ofMib(512)).isEqualTo(ByteSize.parse("512m"));
        assertThat(ByteSize.ofGib(1).bytes()).isEqualTo(1L << 30);
        assertThat(ByteSize.ofGib(1)).isGreaterThan(ByteSize.ofMib(1023));
    }

    @Test
    void intBytesRefusesWhatAnIntCannotHold() {
        assertThat(ByteSize.ofKib(16).intBytes()).isEqualTo(16_384);
        assertThatExceptionOfType(ArithmeticException.class).isThrownBy(() -> ByteSize.ofGib(2).intBytes());
    }

    @Test
    void negativeSizesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSize.ofBytes(-1));
    }
}
