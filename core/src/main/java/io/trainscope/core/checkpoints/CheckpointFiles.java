package io.trainscope.core.checkpoints;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint on disk: {@code checkpoints/<runHash>/<step>/checkpoint.bin}, one file in a
 * plain binary layout written to a temporary name, forced to disk, then moved into place (and the
 * move forced too), so a checkpoint is either whole or absent, also after a crash or a power cut.
 */
final class CheckpointFiles {

    private static final int MAGIC = 0x54534350; // "TSCP"
    private static final int VERSION = 1;
    private static final String PARTIAL = "checkpoint.bin.partial";

    private final Path root;

    CheckpointFiles(Path runDirectory) {
        this.root = runDirectory.resolve("checkpoints");
    }

    Path fileOf(String runHash, long step) {
        return root.resolve(runHash).resolve(Long.toString(step)).resolve("checkpoint.bin");
    }

    void write(Checkpoint checkpoint, ModelState model) {
        Path file = fileOf(checkpoint.runHash(), checkpoint.step());
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(PARTIAL);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
                            1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(checkpoint.runHash());
                LoopPosition p = checkpoint.position();
                out.writeLong(p.step());
                out.writeInt(p.epoch());
                out.writeInt(p.epochPosition());
                out.writeInt(p.batchIndex());
                out.writeFloat(checkpoint.learningRate());
                out.writeInt(checkpoint.batchSize());
                out.writeLong(checkpoint.created().toEpochMilli());
                out.writeInt(checkpoint.discarded().size());
                for (Map.Entry<String, int[]> split : checkpoint.discarded().entrySet()) {
                    out.writeUTF(split.getKey());
                    writeInts(out, split.getValue());
                }
                writeTensors(out, model.parameters());
                writeTensors(out, model.firstMoments());
                writeTensors(out, model.secondMoments());
                out.writeInt(model.updateCounts().size());
                for (Map.Entry<String, Integer> count : model.updateCounts().entrySet()) {
                    out.writeUTF(count.getKey());
                    out.writeInt(count.getValue());
                }
                out.writeInt(model.updates());
                out.flush();
                channel.force(true); // the bytes are on disk before the name says the checkpoint is whole
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent()); // and the rename too, so a power cut keeps it
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Forces a directory's entries (a rename in it) to disk; where the platform cannot, the rename is durable on close. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; its entries are written with the file system's own care.
        }
    }

    /** Deletes what a write interrupted by a crash left behind: never a checkpoint, only its temporary file. */
    void deleteUnfinished() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root, 3)) {
            for (Path partial : files.filter(f -> f.getFileName().toString().equals(PARTIAL)).toList()) {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean " + root + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint's description (and, with {@code withModel}, its arrays). */
    Stored read(Path file, boolean withModel) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException("not a Trainscope checkpoint (version " + VERSION + ")");
            }
            String runHash = in.readUTF();
            LoopPosition position = new LoopPosition(in.readLong(), in.readInt(), in.readInt(), in.readInt());
            float learningRate = in.readFloat();
            int batchSize = in.readInt();
            Instant created = Instant.ofEpochMilli(in.readLong());
            Map<String, int[]> discarded = new LinkedHashMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                discarded.put(in.readUTF(), readInts(in));
            }
            Checkpoint checkpoint = new Checkpoint(runHash, position, learningRate, batchSize, discarded, created);
            if (!withModel) {
                return new Stored(checkpoint, null);
            }
            Map<String, Tensor> parameters = readTensors(in);
            Map<String, Tensor> means = readTensors(in);
            Map<String, Tensor> variances = readTensors(in);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                counts.put(in.readUTF(), in.readInt());
            }
            return new Stored(checkpoint, new ModelState(parameters, means, variances, counts, in.readInt()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every complete checkpoint file under the run directory. */
    List<Path> all() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root, 3)) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().equals("checkpoint.bin")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    record Stored(Checkpoint checkpoint, ModelState model) {}

    private static void writeTensors(DataOutputStream out, Map<String, Tensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            out.writeUTF(entry.getKey());
            long[] shape = entry.getValue().shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] values = entry.getValue().values();
            out.writeInt(values.length);
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
            bytes.asFloatBuffer().put(values);
            out.write(bytes.array());
        }
    }

    private static Map<String, Tensor> readTensors(DataInputStream in) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            float[] values = new float[in.readInt()];
            ByteBuffer.wrap(in.readNBytes(values.length * Float.BYTES)).asFloatBuffer().get(values);
            tensors.put(name, new Tensor(shape, values));
        }
        return tensors;
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] values = new int[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
