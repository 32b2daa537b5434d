package org.mtlab.analysis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A checkpoint's state of one topic-partition: per run, its id and the bytes of what that topic's records built
 * ({@link RunState#gradientState()}, or {@link RunState.EventFacts} as JSON). Length-prefixed binary: the gradient
 * states are binary already, and a run's bytes are copied, not parsed, until it is restored.
 */
final class PartitionImage {
    /** First int of an image: its format. */
    static final int FORMAT = 0x4d50_0001;

    private PartitionImage() {
    }

    static byte[] encode(Map<UUID, byte[]> runs) {
        int size = 8;
        for (byte[] bytes : runs.values()) {
            size += 20 + bytes.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.writeInt(FORMAT);
            data.writeInt(runs.size());
            for (Map.Entry<UUID, byte[]> run : runs.entrySet()) {
                data.writeLong(run.getKey().getMostSignificantBits());
                data.writeLong(run.getKey().getLeastSignificantBits());
                data.writeInt(run.getValue().length);
                data.write(run.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not an image of this format */
    static Map<UUID, byte[]> decode(byte[] image) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(image))) {
            int format = data.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("not a partition image of format " + FORMAT + " (found " + format + ")");
            }
            int count = data.readInt();
            Map<UUID, byte[]> runs = new LinkedHashMap<>();
            for (int r = 0; r < count; r++) {
                UUID run = new UUID(data.readLong(), data.readLong());
                byte[] bytes = new byte[data.readInt()];
                data.readFully(bytes);
                runs.put(run, bytes);
            }
            if (data.read() != -1) {
                throw new IllegalArgumentException("partition image longer than its content");
            }
            return runs;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated partition image: " + e, e);
        }
    }
}
