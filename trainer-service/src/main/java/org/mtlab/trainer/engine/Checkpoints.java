package org.mtlab.trainer.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;

import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.optim.OptimizerState;

/**
 * Where a {@link MultiTaskTrainer} keeps each run's latest checkpoint, one file per run id in one directory
 * ({@code <runId>.ckpt}), so that a redelivered request for the same run resumes instead of starting over.
 *
 * <p><b>What a checkpoint holds:</b> the position (steps done, the epoch and the index of the next batch within it,
 * epochs completed), the parameter vector, the optimizer's {@link OptimizerState}, the weighting method's learnable
 * parameters and their optimizer's state when it has any (UW, IMTL-L, GradNorm), and the last evaluation. The data
 * order needs no saving: the per-epoch shuffle is seeded from the run's seed and the epoch. Together with the
 * request this is all the state of a run trained with a stateless method (EW, STL, MGDA, CAGrad, IMTL-G, UPGrad,
 * Aligned-MTL, …) or a learnable one, and on CPU such a resumed run continues bit for bit as if never interrupted.
 * The other methods' internal state (RLW's, PCGrad's, GradVac's and GradDrop's random streams, GradVac's and
 * DB-MTL's moving averages, DWA's and STCH's loss history, FAMO's logits, GradNorm's initial losses, Nash-MTL's last
 * weights) is not saved: on resume it starts afresh, so those runs resume approximately.
 *
 * <p>A checkpoint is tied to the request by a fingerprint of everything that shapes training (all fields but the
 * ids and the attempt): a checkpoint of another configuration under the same run id, or one that cannot be read,
 * is ignored (logged) and the run starts over, overwriting it.
 *
 * <p>Writes are atomic: the file is written under a temporary name in the same directory and renamed over the
 * previous checkpoint, so a crashed process leaves either the old or the new checkpoint, never a torn one. The file
 * is not forced to disk (a checkpoint every few hundred milliseconds must not wait for the device): after a crash of
 * the whole node a checkpoint may be lost or torn, which its trailing CRC-32 detects, and the run then starts over. For a run to survive the loss of its pod, the directory must be on
 * storage the next pod sees (a shared volume); on local storage a run resumes when a worker of the same pod picks
 * it up again.
 *
 * <p>Thread-safe for distinct run ids.
 */
public final class Checkpoints {
    private static final Logger LOG = Logger.getLogger(Checkpoints.class.getName());
    private static final int MAGIC = 0x4d544c43; // "MTLC"
    /** 2: the model's buffers (batch-norm running statistics) after the last metrics; 1 (read too): none. */
    private static final int VERSION = 2;
    private static final String SUFFIX = ".ckpt";

    private final Path directory;
    private final int everySteps;

    /**
     * @param directory  where checkpoints live (created when missing)
     * @param everySteps write a checkpoint every this many steps, besides one at each epoch end and one when the run
     *                   is cancelled; 0 for epoch ends and cancellation only
     */
    public Checkpoints(Path directory, int everySteps) {
        this.directory = Objects.requireNonNull(directory, "directory");
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint interval must not be negative, got " + everySteps);
        }
        this.everySteps = everySteps;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the checkpoint directory " + directory, e);
        }
    }

    /** The default directory: {@code mtlab-checkpoints} under {@code java.io.tmpdir}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mtlab-checkpoints");
    }

    public Path directory() {
        return directory;
    }

    public int everySteps() {
        return everySteps;
    }

    /** The file holding the run's checkpoint (which may not exist). */
    public Path file(UUID runId) {
        return directory.resolve(runId + SUFFIX);
    }

    public boolean exists(UUID runId) {
        return Files.exists(file(runId));
    }

    /** Removes the run's checkpoint, if any (after its outcome is published). */
    public void delete(UUID runId) {
        try {
            Files.deleteIfExists(file(runId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkpoint of run " + runId, e);
        }
    }

    private Path finishedMarker(UUID runId, int attempt) {
        return directory.resolve(runId + "-" + attempt + ".finished");
    }

    /**
     * Records that the run's outcome is acknowledged by Kafka and drops its checkpoint. Until {@link #clearFinished}
     * (after the request's offset is committed), a redelivery of the request — the trainer was killed between the
     * two — is recognised by {@link #finished} and not trained a second time.
     */
    public void markFinished(UUID runId, int attempt) {
        try {
            Files.writeString(finishedMarker(runId, attempt), "outcome published\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark run " + runId + " finished", e);
        }
        delete(runId);
    }

    public boolean finished(UUID runId, int attempt) {
        return Files.exists(finishedMarker(runId, attempt));
    }

    public void clearFinished(UUID runId, int attempt) {
        try {
            Files.deleteIfExists(finishedMarker(runId, attempt));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the finished mark of run " + runId, e);
        }
    }

    /**
     * A run's state at a step boundary.
     *
     * @param fingerprint        {@link #fingerprint} of the request
     * @param step               optimizer steps done
     * @param epoch              the epoch the next step runs in (epochs + 1 when training is over)
     * @param from               index, in that epoch's shuffled order, of the next batch's first sample
     * @param epochsDone         epochs completed (evaluated)
     * @param params             the parameter vector
     * @param optimizer          the optimizer's state
     * @param methodState        the method's learnable parameters and their optimizer, or null
     * @param lastMetrics        the last evaluation (empty before the first epoch end)
     * @param buffers            the model's state outside its parameters (ResNet-18's batch-norm running statistics),
     *                           flat; empty for a model without any
     */
    record Checkpoint(String fingerprint, long step, int epoch, int from, int epochsDone, float[] params,
                      OptimizerState optimizer, MethodState methodState, List<RunEvent.Metric> lastMetrics,
                      float[] buffers) {
        /** A checkpoint of a model without buffers. */
        Checkpoint(String fingerprint, long step, int epoch, int from, int epochsDone, float[] params,
                   OptimizerState optimizer, MethodState methodState, List<RunEvent.Metric> lastMetrics) {
            this(fingerprint, step, epoch, from, epochsDone, params, optimizer, methodState, lastMetrics, new float[0]);
        }
    }

    /** A method's learnable parameters as the trainer's {@link MethodAggregation} holds them, with their optimizer. */
    record MethodState(float[] learnableValues, OptimizerState optimizer) {
    }

    void save(UUID runId, Checkpoint checkpoint) {
        byte[] bytes = encode(checkpoint);
        Path target = file(runId);
        Path temp = directory.resolve(runId + SUFFIX + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort
            }
            throw new UncheckedIOException("cannot write the checkpoint of run " + runId + " to " + target, e);
        }
    }

    /**
     * The run's checkpoint if there is a readable one for this very configuration; an unreadable one, or one of
     * another configuration, is logged and ignored.
     */
    Optional<Checkpoint> load(TrainingRequest request) {
        Path path = file(request.runId());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the checkpoint " + path + "; the run starts over", e);
            return Optional.empty();
        }
        Checkpoint checkpoint;
        try {
            checkpoint = decode(bytes);
        } catch (IOException | RuntimeException e) {
            LOG.warning("ignoring the unreadable checkpoint " + path + " (" + e + "); the run starts over");
            return Optional.empty();
        }
        if (!checkpoint.fingerprint().equals(fingerprint(request))) {
            LOG.warning("ignoring the checkpoint " + path + ": it was written for another configuration of run "
                    + request.runId() + "; the run starts over");
            return Optional.empty();
        }
        return Optional.of(checkpoint);
    }

    /**
     * SHA-256 over everything in the request that shapes training: kind, tasks, dataset (parameters in key order),
     * model, optimizer, method, seed, epochs, batch size and telemetry; not the ids, the attempt or the schema.
     */
    static String fingerprint(TrainingRequest r) {
        Map<String, String> dataParams = new TreeMap<>();
        if (r.dataset() != null && r.dataset().params() != null) {
            r.dataset().params().forEach((k, v) -> dataParams.put(k, String.valueOf(v)));
        }
        String canonical = String.join("\n", String.valueOf(r.kind()), String.valueOf(r.datasetTasks()),
                String.valueOf(r.tasks()), r.dataset() == null ? "null" : r.dataset().kind(), dataParams.toString(),
                String.valueOf(r.model()), String.valueOf(r.optimizer()), String.valueOf(r.method()),
                Long.toString(r.seed()), Integer.toString(r.epochs()), Integer.toString(r.batchSize()),
                String.valueOf(r.telemetry()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encode(Checkpoint c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + c.params().length * 4 * 3);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(c.fingerprint());
            out.writeLong(c.step());
            out.writeInt(c.epoch());
            out.writeInt(c.from());
            out.writeInt(c.epochsDone());
            writeFloats(out, c.params());
            writeOptimizer(out, c.optimizer());
            out.writeBoolean(c.methodState() != null);
            if (c.methodState() != null) {
                writeFloats(out, c.methodState().learnableValues());
                writeOptimizer(out, c.methodState().optimizer());
            }
            out.writeInt(c.lastMetrics().size());
            for (RunEvent.Metric m : c.lastMetrics()) {
                out.writeUTF(m.task());
                out.writeUTF(m.split());
                out.writeUTF(m.name());
                out.writeDouble(m.value());
                out.writeBoolean(m.higherIsBetter());
            }
            writeFloats(out, c.buffers());
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Checkpoint decode(byte[] bytes) throws IOException {
        if (bytes.length < 16) {
            throw new IOException("truncated checkpoint (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new IOException("checksum mismatch");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
        if (in.readInt() != MAGIC) {
            throw new IOException("not an mtlab checkpoint");
        }
        int version = in.readInt();
        if (version != VERSION && version != 1) {
            throw new IOException("unsupported checkpoint version " + version);
        }
        String fingerprint = in.readUTF();
        long step = in.readLong();
        int epoch = in.readInt();
        int from = in.readInt();
        int epochsDone = in.readInt();
        float[] params = readFloats(in);
        OptimizerState optimizer = readOptimizer(in);
        MethodState methodState = null;
        if (in.readBoolean()) {
            methodState = new MethodState(readFloats(in), readOptimizer(in));
        }
        int metrics = in.readInt();
        List<RunEvent.Metric> last = new ArrayList<>(metrics);
        for (int i = 0; i < metrics; i++) {
            last.add(new RunEvent.Metric(in.readUTF(), in.readUTF(), in.readUTF(), in.readDouble(), in.readBoolean()));
        }
        float[] buffers = version == 1 ? new float[0] : readFloats(in);
        return new Checkpoint(fingerprint, step, epoch, from, epochsDone, params, optimizer, methodState,
                List.copyOf(last), buffers);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(in.readInt());
        }
        return values;
    }

    private static void writeOptimizer(DataOutputStream out, OptimizerState state) throws IOException {
        out.writeUTF(state.optimizer());
        out.writeLong(state.steps());
        out.writeInt(state.buffers().size());
        for (Map.Entry<String, double[]> e : state.buffers().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (double v : e.getValue()) {
                out.writeLong(Double.doubleToRawLongBits(v));
            }
        }
    }

    private static OptimizerState readOptimizer(DataInputStream in) throws IOException {
        String name = in.readUTF();
        long steps = in.readLong();
        int count = in.readInt();
        Map<String, double[]> buffers = new LinkedHashMap<>();
        for (int b = 0; b < count; b++) {
            String key = in.readUTF();
            double[] values = new double[in.readInt()];
            for (int i = 0; i < values.length; i++) {
                values[i] = Double.longBitsToDouble(in.readLong());
            }
            buffers.put(key, values);
        }
        return new OptimizerState(name, steps, buffers);
    }
}
