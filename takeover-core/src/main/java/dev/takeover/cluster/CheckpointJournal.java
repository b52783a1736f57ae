package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointFormatException;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.PutResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.infinispan.Cache;
import org.infinispan.commons.marshall.WrappedByteArray;
import org.infinispan.commons.marshall.WrappedBytes;
import org.infinispan.container.DataContainer;
import org.infinispan.metadata.EmbeddedMetadata;
import org.infinispan.metadata.Metadata;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestHandler;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.Response;
import org.jgroups.fork.ForkChannel;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.Rsp;
import org.jgroups.util.RspList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind queue's way to the replicas: each round of a node's writer becomes one JGroups message, which
 * every member applies to its own replica of the checkpoint cache, where a pessimistic transaction per round cost
 * each checkpoint a lock, a prepare and a commit through Infinispan's command chain on every node.
 *
 * <p><b>Contract.</b> {@link #putEachIfNewer} and {@link #removeEach} decide each operation on this node's replica
 * by the store's rules (version, claim, removal up to a version), write the outcome there, and send what they wrote
 * to every other member, which applies it by the same rules to its own replica. Messages from one node are applied
 * in the order it sent them (JGroups' FIFO delivery of regular messages per sender). When {@code durable} (for {@code
 * checkpoint.replication: batched}), a call returns once every member has applied the round, as the synchronous store
 * promises; otherwise it returns once sent, and {@link #barrier()} waits until every member has applied all that this
 * node sent before it. A round that cannot be applied here (this node's partition has no majority) or sent is
 * refused as a {@link CheckpointStoreException} and changes nothing elsewhere; sent again, a round it already
 * applied here counts as stored again (same version, same owner), so it reaches the others.
 *
 * <p><b>Why it may bypass Infinispan's transactions.</b> Only a connection's owner writes its checkpoints; claims,
 * bundles, removals of the takeover and multi-reads stay transactions of {@link ReplicatedCheckpointStore}, and the
 * write-behind store runs a {@link #barrier()} before them, so they see everything this node journaled. Each entry is
 * decided and written in one atomic step of the replica's data container, atomic against the transactions' commits
 * there too: a claim (which carries the checkpoint the claimant read) that lands first fences a journaled checkpoint,
 * one that lands after replaces it, on every replica alike. What stays open is the moment of a crash: a round that
 * some members applied and others did not, as with a one-phase commit whose writer dies. Survivors then hold older or
 * newer checkpoints, never torn ones, and the probe reconciles the positions.
 *
 * <p>Measured in {@code REPLICATION.md} ("The journal"), against a transaction per round.
 *
 * <p>Thread-safe. One fork channel ({@code FORK} is added to the stack if absent) per journal; {@link #close()} closes
 * it, not the channel underneath.
 */
final class CheckpointJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointJournal.class);
    static final String FORK_STACK = "takeover";
    static final String FORK_CHANNEL = "checkpoint-journal";
    private static final int FORMAT = 1;
    private static final byte PUT = 0;
    private static final byte REMOVE = 1;

    /** Entries written here carry no expiry, like those of the store's transactions. */
    private static final Metadata METADATA = new EmbeddedMetadata.Builder().build();

    private final String nodeName;
    private final Cache<String, byte[]> cache;
    /** Holds a value as Infinispan's cache API stores it ({@link WrappedByteArray}); a key as it is. */
    private final DataContainer<Object, Object> container;
    private final CheckpointEvents events;
    private final boolean durable;
    private final long timeoutMillis;
    private final ForkChannel fork;
    private final MessageDispatcher dispatcher;
    /** Applies other members' rounds, one at a time in arrival order. */
    private final ExecutorService applier;
    /** Whether a round went out without waiting for the members since the last {@link #barrier()}. */
    private final AtomicBoolean unconfirmed = new AtomicBoolean();

    private CheckpointJournal(String nodeName, Cache<String, byte[]> cache, CheckpointEvents events, ForkChannel fork,
            boolean durable, long timeoutMillis) {
        this.nodeName = nodeName;
        this.cache = cache;
        @SuppressWarnings("unchecked")
        DataContainer<Object, Object> raw = (DataContainer<Object, Object>) (DataContainer<?, ?>) cache
                .getAdvancedCache().getDataContainer();
        this.container = raw;
        this.events = events;
        this.durable = durable;
        this.timeoutMillis = timeoutMillis;
        this.fork = fork;
        this.applier = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("takeover-journal-" + nodeName)
                .daemon().factory());
        this.dispatcher = new MessageDispatcher(fork).asyncDispatching(true).setRequestHandler(new RequestHandler() {
            @Override
            public Object handle(Message message) {
                throw new UnsupportedOperationException("dispatching is asynchronous");
            }

            @Override
            public void handle(Message message, Response response) {
                receive(message, response);
            }
        });
    }

    /**
     * Opens the journal of this node on {@code channel}, which must be connected.
     *
     * @param channel  the node's JGroups channel, the one under {@code cache}
     * @param cache    the replicated checkpoint cache
     * @param events   the events of this node's replica of it, told of what the journal writes there
     * @param nodeName this node's name
     * @param durable  whether each round waits for every member to apply it
     * @throws ClusterException if the fork channel cannot be set up
     */
    static CheckpointJournal open(JChannel channel, Cache<String, byte[]> cache, CheckpointEvents events,
            String nodeName, boolean durable) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(nodeName, "nodeName");
        ForkChannel fork = null;
        try {
            fork = new ForkChannel(channel, FORK_STACK, FORK_CHANNEL, true, ProtocolStack.Position.ABOVE,
                    channel.getProtocolStack().getTopProtocol().getClass());
            CheckpointJournal journal = new CheckpointJournal(nodeName, cache, events, fork, durable,
                    CacheDefinitions.REMOTE_TIMEOUT.toMillis());
            fork.connect(channel.getClusterName());
            return journal;
        } catch (Exception e) {
            if (fork != null) {
                fork.close();
            }
            throw new ClusterException(nodeName + ": cannot open the checkpoint journal: " + e.getMessage(), e);
        }
    }

    /** One operation of a round: a checkpoint to put if newer, or a removal up to a version. */
    sealed interface Op {
        String key();
    }

    /** A stored entry to put if newer; its checkpoint's version and owner travel beside it, to decide undecoded. */
    record Put(String key, long version, String owner, byte[] entry) implements Op {}

    /** A removal of the checkpoint if its version is at most {@code version}. */
    record Remove(String key, long version) implements Op {}

    /**
     * Applies each checkpoint here by the {@code putIfNewer} rules and sends the stored ones to the other members.
     *
     * @param checkpoints at most one per connection
     * @return the result of each, in order
     * @throws CheckpointStoreException if this node cannot write (no majority) or the round could not be sent
     */
    List<PutResult> putEachIfNewer(List<ConnectionCheckpoint> checkpoints) {
        List<Op> ops = new ArrayList<>(checkpoints.size());
        for (ConnectionCheckpoint c : checkpoints) {
            ops.add(new Put(c.id().key(), c.version(), c.ownerNode(), StoredEntry.stored(c, null).encode()));
        }
        List<Outcome> outcomes = applyHere(ops, "putEachIfNewer of " + ops.size());
        List<PutResult> results = new ArrayList<>(outcomes.size());
        List<Op> send = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            ConnectionCheckpoint c = checkpoints.get(i);
            Outcome o = outcomes.get(i);
            results.add(switch (o.kind()) {
                case APPLIED -> PutResult.Stored.INSTANCE;
                case FENCED -> new PutResult.Fenced(c.id(), o.claimant());
                case STALE -> new PutResult.Stale(c.id(), o.version());
            });
            if (o.kind() == Kind.APPLIED) {
                send.add(ops.get(i));
            }
        }
        send(send);
        return results;
    }

    /**
     * Removes each connection's checkpoint here if its version is at most the given one, and sends the removals to the
     * other members.
     *
     * @throws CheckpointStoreException if this node cannot write (no majority) or the round could not be sent
     */
    void removeEach(Map<ConnectionId, Long> versions) {
        List<Op> ops = new ArrayList<>(versions.size());
        versions.forEach((id, version) -> ops.add(new Remove(id.key(), version)));
        applyHere(ops, "removeEach of " + ops.size());
        send(ops); // a member may hold what this replica no longer does
    }

    /**
     * Returns once every member has applied every round this node sent before the call. Cheap when every round since
     * the last barrier was durable.
     *
     * @throws CheckpointStoreException if a member did not answer in time
     */
    void barrier() {
        if (unconfirmed.getAndSet(false)) {
            try {
                cast(List.of(), true);
            } catch (RuntimeException e) {
                unconfirmed.set(true);
                throw e;
            }
        }
    }

    @Override
    public void close() {
        try {
            dispatcher.close();
        } catch (java.io.IOException e) {
            LOG.debug("{}: closing the journal's dispatcher: {}", nodeName, e.toString());
        }
        fork.close();
        applier.shutdown();
    }

    private void send(List<Op> ops) {
        if (!ops.isEmpty()) {
            cast(ops, durable);
        }
    }

    private void cast(List<Op> ops, boolean waitForAll) {
        Message message = new BytesMessage(null, encode(ops));
        // This node applied the round before sending it: no answer awaited from it, no copy delivered to it.
        RequestOptions options = (waitForAll ? RequestOptions.SYNC() : RequestOptions.ASYNC())
                .timeout(timeoutMillis).exclusionList(fork.getAddress())
                .transientFlags(Message.TransientFlag.DONT_LOOPBACK);
        RspList<Object> answers;
        try {
            answers = dispatcher.castMessage(null, message, options);
        } catch (Exception e) {
            throw new CheckpointStoreException(nodeName + ": sending a journal round of " + ops.size()
                    + " failed: " + e, e);
        }
        if (!waitForAll) {
            unconfirmed.set(true);
            return;
        }
        for (Map.Entry<Address, Rsp<Object>> e : answers.entrySet()) {
            Rsp<Object> rsp = e.getValue();
            if (rsp.hasException()) {
                throw new CheckpointStoreException(nodeName + ": " + e.getKey() + " failed to apply a journal round: "
                        + rsp.getException(), rsp.getException());
            }
            if (!rsp.wasReceived() && !rsp.wasSuspected() && !rsp.wasUnreachable()) {
                throw new CheckpointStoreException(nodeName + ": " + e.getKey() + " did not apply a journal round of "
                        + ops.size() + " within " + timeoutMillis + " ms");
            }
        }
    }

    /**
     * A round from another member, on the channel's delivery thread: decoded there, applied on {@link #applier}, in
     * the order rounds arrive (so each sender's in the order it sent them), and answered once applied if the sender
     * waits. Applying thousands of checkpoints (a survivor's resumed connections) on the delivery thread would hold
     * up every later message of that sender, Infinispan's among them.
     */
    private void receive(Message message, Response response) {
        if (message.src() == null || message.src().equals(fork.getAddress())) {
            answer(response, null, false); // the sender applied it already
            return;
        }
        List<Op> ops;
        try {
            ops = decode(message.getArray(), message.getOffset(), message.getLength());
        } catch (CheckpointFormatException e) {
            LOG.warn("{}: dropped a journal round from {}: {}", nodeName, message.src(), e.getMessage());
            answer(response, e, true);
            return;
        }
        Address from = message.src();
        try {
            applier.execute(() -> {
                try {
                    if (!ops.isEmpty()) {
                        applyHere(ops, "applying " + ops.size() + " from " + from);
                    }
                    answer(response, null, false);
                } catch (RuntimeException e) {
                    LOG.warn("{}: applying a journal round of {} from {} failed: {}", nodeName, ops.size(), from,
                            e.toString());
                    answer(response, e, true);
                }
            });
        } catch (RejectedExecutionException closed) {
            answer(response, new CheckpointStoreException(nodeName + ": checkpoint journal closed"), true);
        }
    }

    private static void answer(Response response, Object value, boolean exception) {
        if (response != null) {
            response.send(value, exception);
        }
    }

    private enum Kind { APPLIED, STALE, FENCED }

    /** What an operation did here: for a refused put, the stored version or the claimant that refused it. */
    private record Outcome(Kind kind, long version, String claimant) {
        static final Outcome APPLIED = new Outcome(Kind.APPLIED, 0, null);
    }

    /**
     * Applies {@code ops} to this node's replica, each as one atomic read-decide-write of its entry in the data
     * container: atomic against every other write there, the commits of the store's transactions included, so a claim
     * that lands first fences a journaled checkpoint and one that lands after replaces it. The transactions' locks are
     * not taken: they order the store's own read-decide-commit, and only the owner journals a connection's checkpoints.
     * Infinispan's command chain (a local transaction per round) cost the writer 15 µs per checkpoint under load.
     */
    private List<Outcome> applyHere(List<Op> ops, String what) {
        if (cache.getAdvancedCache().getAvailability() != AvailabilityMode.AVAILABLE) {
            throw new CheckpointStoreException(nodeName + ": " + what
                    + " refused: this node's partition does not hold a majority of the cluster");
        }
        List<Outcome> outcomes = new ArrayList<>(ops.size());
        try {
            for (Op op : ops) {
                Outcome[] outcome = new Outcome[1];
                byte[][] old = new byte[1][];
                container.compute(op.key(), (key, entry, factory) -> {
                    old[0] = entry == null ? null : bytes(entry.getValue());
                    StoredEntry.Head e = old[0] == null ? null : StoredEntry.head(old[0]);
                    outcome[0] = switch (op) {
                        case Put p -> decide(e, p);
                        case Remove r -> e != null && e.version() <= r.version()
                                ? Outcome.APPLIED : new Outcome(Kind.STALE, e == null ? 0 : e.version(), null);
                    };
                    if (outcome[0].kind() != Kind.APPLIED) {
                        return entry;
                    }
                    return op instanceof Put p ? factory.create(key, new WrappedByteArray(p.entry()), METADATA) : null;
                });
                if (outcome[0].kind() == Kind.APPLIED) {
                    events.applied(old[0], op instanceof Put p ? p.entry() : null);
                }
                outcomes.add(outcome[0]);
            }
            return outcomes;
        } catch (CheckpointFormatException | CheckpointStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointStoreException(nodeName + ": " + what + " failed after " + outcomes.size() + " of "
                    + ops.size() + ": " + e, e);
        }
    }

    /** A container value as bytes: wrapped as the cache API stores it, or bare. */
    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        WrappedBytes w = (WrappedBytes) value;
        byte[] back = w.getBytes();
        return w.backArrayOffset() == 0 && w.getLength() == back.length
                ? back : Arrays.copyOfRange(back, w.backArrayOffset(), w.backArrayOffset() + w.getLength());
    }

    /** The {@code putIfNewer} rule, except that the same version by the same owner is a round sent again. */
    private static Outcome decide(StoredEntry.Head e, Put p) {
        if (e == null) {
            return Outcome.APPLIED;
        }
        if (e.claimant() != null && !e.claimant().equals(p.owner())) {
            return new Outcome(Kind.FENCED, 0, e.claimant());
        }
        long stored = e.version();
        if (stored > p.version() || (stored == p.version() && !e.owner().equals(p.owner()))) {
            return new Outcome(Kind.STALE, stored, null);
        }
        return Outcome.APPLIED;
    }

    /*
     * A round, big-endian: u8 format (1), u32 count, then per operation u8 kind (0 put, 1 remove), u16 length and
     * UTF-8 connection key, i64 version, and for a put u16 length and UTF-8 owner, u32 length and the stored entry.
     */

    static byte[] encode(List<Op> ops) {
        List<byte[]> parts = new ArrayList<>();
        int size = 1 + 4;
        for (Op op : ops) {
            byte[] key = op.key().getBytes(StandardCharsets.UTF_8);
            parts.add(key);
            size += 1 + 2 + key.length + 8;
            if (op instanceof Put p) {
                byte[] owner = p.owner().getBytes(StandardCharsets.UTF_8);
                parts.add(owner);
                size += 2 + owner.length + 4 + p.entry().length;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) FORMAT).putInt(ops.size());
        int part = 0;
        for (Op op : ops) {
            byte[] key = parts.get(part++);
            StoredEntry.putShortBytes(b.put(op instanceof Put ? PUT : REMOVE), key);
            switch (op) {
                case Put p -> {
                    StoredEntry.putShortBytes(b.putLong(p.version()), parts.get(part++));
                    b.putInt(p.entry().length).put(p.entry());
                }
                case Remove r -> b.putLong(r.version());
            }
        }
        return b.array();
    }

    /** @throws CheckpointFormatException if the bytes are not a round this class wrote */
    static List<Op> decode(byte[] bytes, int offset, int length) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
            int format = b.get() & 0xff;
            if (format != FORMAT) {
                throw new CheckpointFormatException("unknown journal format " + format);
            }
            int count = b.getInt();
            List<Op> ops = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                byte kind = b.get();
                String key = StoredEntry.getShortString(b);
                long version = b.getLong();
                if (kind == PUT) {
                    String owner = StoredEntry.getShortString(b);
                    byte[] entry = new byte[b.getInt()];
                    b.get(entry);
                    ops.add(new Put(key, version, owner, entry));
                } else if (kind == REMOVE) {
                    ops.add(new Remove(key, version));
                } else {
                    throw new CheckpointFormatException("unknown journal operation " + kind);
                }
            }
            if (b.hasRemaining()) {
                throw new CheckpointFormatException(b.remaining() + " bytes after the journal round");
            }
            return ops;
        } catch (RuntimeException e) {
            if (e instanceof CheckpointFormatException f) {
                throw f;
            }
            throw new CheckpointFormatException("malformed journal round: " + e, e);
        }
    }
}
