package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.checkpoint.CheckpointFormatException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StoredEntryTest {

    static Stream<Arguments> entries() {
        StoredEntry plain = StoredEntry.stored(checkpoint(id(1), "n1", 7), null);
        StoredEntry.BundleMark mark = new StoredEntry.BundleMark(-42L, 1,
                List.of(id(1).key(), id(2).key(), id(3).key()));
        return Stream.of(
                Arguments.of("stored", plain),
                Arguments.of("claimed", plain.claimedBy("n2")),
                Arguments.of("claimed by a non-ASCII name", plain.claimedBy("nœud-2")),
                Arguments.of("released", plain.claimedBy("n2").released()),
                Arguments.of("bundle member", StoredEntry.stored(checkpoint(id(2), "n1", 1), mark)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void roundTrips(String description, StoredEntry entry) {
        assertThat(StoredEntry.decode(entry.encode())).isEqualTo(entry);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void theHeadSaysClaimVersionAndOwnerWithoutDecoding(String description, StoredEntry entry) {
        assertThat(StoredEntry.head(entry.encode())).isEqualTo(new StoredEntry.Head(entry.claimant(),
                entry.checkpoint().version(), entry.checkpoint().ownerNode()));
    }

    @Test
    void aHeadOfBytesThatAreNoEntryIsRefused() {
        byte[] good = StoredEntry.stored(checkpoint(id(1), "n1", 7), null).encode();
        assertThatThrownBy(() -> StoredEntry.head(Arrays.copyOf(good, 8))).isInstanceOf(CheckpointFormatException.class);
        assertThatThrownBy(() -> StoredEntry.head(new byte[0])).isInstanceOf(CheckpointFormatException.class);
    }

    @Test
    void claimAndReleaseKeepTheCheckpointAndSayWhatChanged() {
        StoredEntry e = StoredEntry.stored(checkpoint(id(1), "n1", 3), null);
        assertThat(e.claimedBy("n2")).extracting(StoredEntry::claimant, StoredEntry::change)
                .containsExactly("n2", StoredEntry.Change.CLAIMED);
        assertThat(e.claimedBy("n2").released()).extracting(StoredEntry::claimant, StoredEntry::change)
                .containsExactly(null, StoredEntry.Change.RELEASED);
        assertThat(e.claimedBy("n2").released().checkpoint()).isEqualTo(e.checkpoint());
    }

    static Stream<Arguments> malformed() {
        byte[] good = StoredEntry.stored(checkpoint(id(1), "n1", 7), null).encode();
        byte[] badFormat = good.clone();
        badFormat[0] = 9;
        byte[] badChange = good.clone();
        badChange[1] = 7;
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        return Stream.of(
                Arguments.of("empty", new byte[0], "malformed"),
                Arguments.of("unknown format", badFormat, "format 9"),
                Arguments.of("unknown change", badChange, "change 7"),
                Arguments.of("truncated", Arrays.copyOf(good, good.length - 3), "malformed"),
                Arguments.of("trailing bytes", trailing, "after the stored entry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBytesAreRejected(String description, byte[] bytes, String message) {
        assertThatThrownBy(() -> StoredEntry.decode(bytes)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void onlyAStoredCheckpointCarriesABundleMark() {
        StoredEntry.BundleMark mark = new StoredEntry.BundleMark(1, 0, List.of(id(1).key()));
        assertThatThrownBy(() -> new StoredEntry(checkpoint(id(1), "n1", 1), "n2", StoredEntry.Change.CLAIMED, mark))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredEntry.BundleMark(1, 1, List.of(id(1).key())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
