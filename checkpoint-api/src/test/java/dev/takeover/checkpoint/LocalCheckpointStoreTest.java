package dev.takeover.checkpoint;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The contract on the in-memory store, plus what it promises beyond it. */
class LocalCheckpointStoreTest extends CheckpointStoreContract {

    @Override
    protected CheckpointStore newStore() {
        return new LocalCheckpointStore();
    }

    @Test
    void eventsOfAWriteAreDeliveredBeforeItReturnsWhenNoOtherThreadDelivers() {
        List<CheckpointEvent> events = new ArrayList<>();
        store.addListener(events::add);
        ConnectionCheckpoint c = checkpoint(id(1), "node-a", 1);

        store.putIfNewer(c);
        assertThat(events).containsExactly(new CheckpointEvent.Stored(c));
        store.remove(id(1), 1);
        assertThat(events).containsExactly(new CheckpointEvent.Stored(c), new CheckpointEvent.Removed(id(1), 1));
    }

    @Test
    void listenerAddedLaterSeesOnlyLaterChanges() {
        store.putIfNewer(checkpoint(id(1), "node-a", 1));
        List<CheckpointEvent> events = new ArrayList<>();
        store.addListener(events::add);

        assertThat(events).isEmpty();
        store.putIfNewer(checkpoint(id(2), "node-a", 1));
        assertThat(events).containsExactly(new CheckpointEvent.Stored(checkpoint(id(2), "node-a", 1)));
    }

    @Test
    void closeDropsTheData() {
        CheckpointStore s = new LocalCheckpointStore();
        List<CheckpointEvent> events = new ArrayList<>();
        s.addListener(events::add);
        s.putIfNewer(checkpoint(id(1), "node-a", 1));
        s.close();

        CheckpointStore fresh = new LocalCheckpointStore();
        assertThat(fresh.get(id(1))).as("stores share nothing").isEmpty();
        assertThat(events).hasSize(1);
        fresh.close();
    }
}
