package dev.takeover.origin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticObjectTest {

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    private static final long GIB = MIB * KIB;

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of("/synthetic/0", 0L),
                Arguments.of("/synthetic/1", 1L),
                Arguments.of("/synthetic/123", 123L),
                Arguments.of("/synthetic/007", 7L),
                Arguments.of("/synthetic/1k", KIB),
                Arguments.of("/synthetic/1K", KIB),
                Arguments.of("/synthetic/10k/a", 10 * KIB),
                Arguments.of("/synthetic/10k/a/b/", 10 * KIB),
                Arguments.of("/synthetic/256m", 256 * MIB),
                Arguments.of("/synthetic/256M?x=1", 256 * MIB),
                Arguments.of("/synthetic/1g", GIB),
                Arguments.of("/synthetic/1g?v=2", GIB),
                Arguments.of("/synthetic/0k", 0L),
                Arguments.of("/synthetic/1024g", 1L << 40),
                Arguments.of("/synthetic/1048576m", 1L << 40),
                Arguments.of("/synthetic/1099511627776", 1L << 40));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void parsesSizeWithBinarySuffix(String target, long expected) {
        SyntheticObject object = Synthetic.object(target);

        assertThat(object.length()).isEqualTo(expected);
        assertThat(object.target()).isEqualTo(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/synthetic", "/synthetic/", "/synthetic?v=1", "/synthetic//1k", "/synthetic/abc",
            "/synthetic/1x", "/synthetic/-1", "/synthetic/+1", "/synthetic/1kk", "/synthetic/k", "/synthetic/1t",
            "/synthetic/1.5m", "/synthetic/ 1", "/synthetic/1025g", "/synthetic/1048577m", "/synthetic/1099511627777",
            "/synthetic/99999999999999999999", "/synthetic/9223372036854775807", "/synthetic/%31k"})
    void rejectsInvalidSize(String target) {
        assertThatThrownBy(() -> SyntheticObject.parse(target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synthetic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/files/a.bin", "/syntheticfoo/1k", "/synthetics/1k", "/echo", "/Synthetic/1k",
            "/x/synthetic/1k"})
    void otherPathsAreNotSynthetic(String target) {
        assertThat(SyntheticObject.parse(target)).isEmpty();
    }

    @Test
    void contentAndValidatorsAreDeterministic() {
        SyntheticObject first = Synthetic.object("/synthetic/10k/a?v=2");
        SyntheticObject second = Synthetic.object("/synthetic/10k/a?v=2");

        assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(second.etag()).isEqualTo(first.etag());
        assertThat(second.lastModified()).isEqualTo(first.lastModified());
        assertThat(Synthetic.bytes("/synthetic/10k/a?v=2")).isEqualTo(Synthetic.bytes("/synthetic/10k/a?v=2"));
    }

    @Test
    void distinctTargetsHaveDistinctContentAndTags() {
        List<String> targets = List.of("/synthetic/4k", "/synthetic/4096", "/synthetic/4k/a", "/synthetic/4k/b",
                "/synthetic/4k?v=2", "/synthetic/4k?v=3", "/synthetic/4k/", "/synthetic/4K");
        Set<String> tags = new HashSet<>();
        List<byte[]> contents = new ArrayList<>();
        for (String target : targets) {
            tags.add(Synthetic.object(target).etag());
            byte[] bytes = Synthetic.bytes(target);
            for (byte[] other : contents) {
                assertThat(bytes).as(target).isNotEqualTo(other);
            }
            contents.add(bytes);
        }
        assertThat(tags).hasSameSizeAs(targets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/synthetic/1k", "/synthetic/1g?v=2", "/synthetic/0"})
    void validatorsAreStrongQuotedAndSecondPrecise(String target) {
        SyntheticObject object = Synthetic.object(target);

        assertThat(object.etag()).matches("\"[!#-~]+\"");
        assertThat(object.lastModified().getNano()).isZero();
        assertThat(object.lastModified()).isEqualTo(Synthetic.object("/synthetic/5").lastModified());
        assertThat(object.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void everySliceEqualsTheSameSliceOfAFullRead() {
        SyntheticObject object = Synthetic.object("/synthetic/10003?slices");
        byte[] full = Synthetic.bytes("/synthetic/10003?slices");
        // every alignment of start and end around the 8-byte words, near both ends of the object
        for (int offset : new int[]{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 4093, 9980, 9990}) {
            for (int length = 0; length <= 24 && offset + length <= full.length; length++) {
                assertThat(Synthetic.slice(object, offset, length))
                        .as("offset %d length %d", offset, length)
                        .isEqualTo(Arrays.copyOfRange(full, offset, offset + length));
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            int offset = random.nextInt(full.length + 1);
            int length = random.nextInt(full.length - offset + 1);
            int dstOff = random.nextInt(9);
            byte[] dst = new byte[dstOff + length + 3];
            object.read(offset, dst, dstOff, length);
            assertThat(Arrays.copyOfRange(dst, dstOff, dstOff + length))
                    .as("offset %d length %d", offset, length)
                    .isEqualTo(Arrays.copyOfRange(full, offset, offset + length));
            assertThat(Arrays.copyOfRange(dst, 0, dstOff)).as("before the slice").isEqualTo(new byte[dstOff]);
            assertThat(Arrays.copyOfRange(dst, dstOff + length, dst.length)).as("after the slice").isEqualTo(new byte[3]);
        }
    }

    @Test
    void contentLooksRandomNotConstant() {
        byte[] bytes = Synthetic.bytes("/synthetic/64k");
        int[] counts = new int[256];
        for (byte b : bytes) {
            counts[b & 0xff]++;
        }
        // 65536 uniform bytes average 256 per value; a broken generator (zeros, a short cycle) is far off
        assertThat(Arrays.stream(counts).min().orElseThrow()).isGreaterThan(150);
        assertThat(Arrays.stream(counts).max().orElseThrow()).isLessThan(380);
    }

    @Test
    void offsetsBeyondFourGibAreConsistentAndNotWrapped() {
        SyntheticObject object = Synthetic.object("/synthetic/8g");
        long offset = 5 * GIB + 3;
        byte[] bulk = Synthetic.slice(object, offset, 100);
        for (int i = 0; i < bulk.length; i++) {
            assertThat(Synthetic.slice(object, offset + i, 1)[0]).as("byte %d", offset + i).isEqualTo(bulk[i]);
        }
        byte[] aligned = Synthetic.slice(object, offset - 3, 103);
        assertThat(Arrays.copyOfRange(aligned, 3, 103)).isEqualTo(bulk);
        // a 32-bit truncation of the offset would repeat the first GiB's bytes
        assertThat(bulk).isNotEqualTo(Synthetic.slice(object, offset - 4 * GIB, 100))
                .isNotEqualTo(Synthetic.slice(object, 3, 100));
    }

    @Test
    void readsTheLastBytesOfTheLargestObject() {
        SyntheticObject object = Synthetic.object("/synthetic/1024g");
        byte[] tail = Synthetic.slice(object, object.length() - 13, 13);

        assertThat(Arrays.copyOfRange(tail, 12, 13)).isEqualTo(Synthetic.slice(object, object.length() - 1, 1));
    }

    static Stream<Arguments> outOfBoundsReads() {
        return Stream.of(
                Arguments.of(-1L, 0, 1, 4),
                Arguments.of(0L, 0, 101, 200),
                Arguments.of(100L, 0, 1, 4),
                Arguments.of(99L, 0, 2, 4),
                Arguments.of(Long.MAX_VALUE, 0, 1, 4),
                Arguments.of(0L, 3, 2, 4),
                Arguments.of(0L, -1, 1, 4),
                Arguments.of(0L, 0, -1, 4));
    }

    @ParameterizedTest
    @MethodSource("outOfBoundsReads")
    void rejectsReadsOutsideTheObjectOrTheArray(long offset, int dstOff, int len, int dstLength) {
        SyntheticObject object = Synthetic.object("/synthetic/100");

        assertThatThrownBy(() -> object.read(offset, new byte[dstLength], dstOff, len))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readingNothingAtTheEndIsAllowed() {
        SyntheticObject object = Synthetic.object("/synthetic/0");

        object.read(0, new byte[0], 0, 0);
        assertThat(object.length()).isZero();
    }
}
