package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointFormatException;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.PutResult;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestOptions;
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
 * <p><b>Why it may bypass Infinispan's locking.</b> Only a connection's owner writes its checkpoints; claims, bundles,
 * removals of the takeover and multi-reads stay transactions of {@link ReplicatedCheckpointStore}, and the
 * write-behind store runs a {@link #barrier()} before them, so they see everything this node journaled. A claim
 * decides on the claimant's replica and writes the claim with the checkpoint it read to every node; a journaled
 * checkpoint arriving after it is fenced there. What stays open is the moment of a crash: a round that some members
 * applied and others did not (as with a one-phase commit whose writer dies), and a round of the dead node still being
 * applied on a replica while a survivor's claim commits there. The first leaves survivors with older or newer
 * checkpoints, never torn ones, which the probe reconciles; the second can leave that replica with the dead owner's
 * newest checkpoint in place of the claim's, until the claimant writes its own.
 *
 * <p>Measured (see {@code REPLICATION.md}): 50 checkpoints cost the three nodes about 1.5 µs of CPU each as one
 * message against 25-40 µs as one transaction.
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

    private final String nodeName;
    private final Cache<String, byte[]> cache;
    private final AdvancedCache<String, byte[]> lockingLocal;
    private final AdvancedCache<String, byte[]> writingLocal;
    private final TransactionManager tm;
    private final boolean durable;
    private final long timeoutMillis;
    private final ForkChannel fork;
    private final MessageDispatcher dispatcher;
    /** Whether a round went out without waiting for the members since the last {@link #barrier()}. */
    private final AtomicBoolean unconfirmed = new AtomicBoolean();

    private CheckpointJournal(String nodeName, Cache<String, byte[]> cache, ForkChannel fork, boolean durable,
            long timeoutMillis) {
        this.nodeName = nodeName;
        this.cache = cache;
        AdvancedCache<String, byte[]> advanced = cache.getAdvancedCache();
        this.tm = Objects.requireNonNull(advanced.getTransactionManager(), "the checkpoint cache is transactional");
        this.lockingLocal = advanced.withFlags(Flag.CACHE_MODE_LOCAL, Flag.FORCE_WRITE_LOCK);
        this.writingLocal = advanced.withFlags(Flag.CACHE_MODE_LOCAL, Flag.IGNORE_RETURN_VALUES);
        this.durable = durable;
        this.timeoutMillis = timeoutMillis;
        this.fork = fork;
        this.dispatcher = new MessageDispatcher(fork, this::receive);
    }

    /**
     * Opens the journal of this node on {@code channel}, which must be connected.
     *
     * @param channel  the node's JGroups channel, the one under {@code cache}
     * @param cache    the replicated, transactional checkpoint cache
     * @param nodeName this node's name
     * @param durable  whether each round waits for every member to apply it
     * @throws ClusterException if the fork channel cannot be set up
     */
    static CheckpointJournal open(JChannel channel, Cache<String, byte[]> cache, String nodeName, boolean durable) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(nodeName, "nodeName");
        ForkChannel fork = null;
        try {
            fork = new ForkChannel(channel, FORK_STACK, FORK_CHANNEL, true, ProtocolStack.Position.ABOVE,
                    channel.getProtocolStack().getTopProtocol().getClass());
            CheckpointJournal journal = new CheckpointJournal(nodeName, cache, fork, durable,
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
    }

    private void send(List<Op> ops) {
        if (!ops.isEmpty()) {
            cast(ops, durable);
        }
    }

    private void cast(List<Op> ops, boolean waitForAll) {
        Message message = new BytesMessage(null, encode(ops));
        RequestOptions options = (waitForAll ? RequestOptions.SYNC() : RequestOptions.ASYNC())
                .timeout(timeoutMillis).exclusionList(fork.getAddress());
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

    /** A round from another member: applied here; the answer tells a durable sender it was. */
    private Object receive(Message message) {
        if (message.src() == null || message.src().equals(fork.getAddress())) {
            return null; // the sender applied it already
        }
        List<Op> ops = decode(message.getArray(), message.getOffset(), message.getLength());
        if (!ops.isEmpty()) {
            applyHere(ops, "applying " + ops.size() + " from " + message.src());
        }
        return null;
    }

    private enum Kind { APPLIED, STALE, FENCED }

    /** What an operation did here: for a refused put, the stored version or the claimant that refused it. */
    private record Outcome(Kind kind, long version, String claimant) {
        static final Outcome APPLIED = new Outcome(Kind.APPLIED, 0, null);
    }

    /**
     * Applies {@code ops} to this node's replica in one local transaction that locks their entries here, so a claim
     * or write of this node's own cannot come between a check and its write.
     */
    private List<Outcome> applyHere(List<Op> ops, String what) {
        if (cache.getAdvancedCache().getAvailability() != AvailabilityMode.AVAILABLE) {
            throw new CheckpointStoreException(nodeName + ": " + what
                    + " refused: this node's partition does not hold a majority of the cluster");
        }
        try {
            tm.begin();
            Map<String, byte[]> current = lockingLocal.getAll(new TreeSet<>(ops.stream().map(Op::key).toList()));
            List<Outcome> outcomes = new ArrayList<>(ops.size());
            Map<String, byte[]> puts = new HashMap<>();
            for (Op op : ops) {
                byte[] value = current.get(op.key());
                StoredEntry.Head e = value == null ? null : StoredEntry.head(value);
                Outcome o = switch (op) {
                    case Put p -> decide(e, p);
                    case Remove r -> e != null && e.version() <= r.version()
                            ? Outcome.APPLIED : new Outcome(Kind.STALE, e == null ? 0 : e.version(), null);
                };
                if (o.kind() == Kind.APPLIED) {
                    switch (op) {
                        case Put p -> puts.put(p.key(), p.entry());
                        case Remove r -> {
                            puts.remove(r.key());
                            writingLocal.remove(r.key());
                        }
                    }
                }
                outcomes.add(o);
            }
            if (!puts.isEmpty()) {
                writingLocal.putAll(puts);
            }
            tm.commit();
            return outcomes;
        } catch (CheckpointFormatException | CheckpointStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new CheckpointStoreException(nodeName + ": " + what + " failed: " + e, e);
        } finally {
            rollbackIfActive(what);
        }
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

    private void rollbackIfActive(String what) {
        try {
            if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tm.rollback();
            }
        } catch (SystemException | IllegalStateException | SecurityException e) {
            LOG.warn("{}: rolling back {} failed", nodeName, what, e);
            try {
                tm.suspend();
            } catch (SystemException ignored) {
                // nothing more to do
            }
        }
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
            b.put(op instanceof Put ? PUT : REMOVE).putShort((short) key.length).put(key);
            switch (op) {
                case Put p -> {
                    byte[] owner = parts.get(part++);
                    b.putLong(p.version()).putShort((short) owner.length).put(owner)
                            .putInt(p.entry().length).put(p.entry());
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
                String key = shortString(b);
                long version = b.getLong();
                if (kind == PUT) {
                    String owner = shortString(b);
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

    private static String shortString(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort() & 0xffff];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
