package io.trainscope.bench;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.FrameImage;
import io.trainscope.core.live.LiveEvent;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Publishes batch frames at a fixed rate without any training: each frame carries 16
 * different 256×256 RGB JPEG images (quality 85, about the size seed 003 assumes), so the
 * stream is measured on its own.
 */
final class SyntheticProducer implements AutoCloseable {

    static final int IMAGES = 16;
    static final int SIDE = 256;

    final Experiment experiment = new Experiment(new RunDescription("synthetic", "synthetic-jpeg", 1, IMAGES, 1e-3f, 0, 0,
            List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), "none"), false, BenchRuns.directory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<byte[]> pool;
    private long step;

    SyntheticProducer(int framesPerSecond) throws IOException {
        pool = jpegs(64);
        experiment.setStatus(RunStatus.RUNNING, "synthetic producer at " + framesPerSecond + " frames/s");
        long periodNanos = 1_000_000_000L / framesPerSecond;
        timer.scheduleAtFixedRate(this::publish, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    double averageImageBytes() {
        return pool.stream().mapToInt(b -> b.length).average().orElse(0);
    }

    private void publish() {
        step++;
        List<FrameImage> images = new ArrayList<>(IMAGES);
        int[] labels = new int[IMAGES];
        float[] confidences = new float[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            images.add(new FrameImage.Encoded("s" + (step * IMAGES + i), SIDE, SIDE, "jpeg",
                    pool.get((int) ((step * IMAGES + i) % pool.size()))));
            labels[i] = i % 10;
            confidences[i] = 0.5f;
        }
        experiment.stepCompleted(step, 0);
        experiment.feed().publish(new LiveEvent.StepScalars(step, 0, 1f, 0.5f, 1e-3f, IMAGES));
        experiment.feed().publish(new BatchFrame(0, (int) step, IMAGES, step, images, labels, confidences, labels, 1f, 0.5f,
                StreamProbe.nowMicros()));
    }

    private static List<byte[]> jpegs(int count) throws IOException {
        Random random = new Random(7);
        List<byte[]> out = new ArrayList<>();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        for (int n = 0; n < count; n++) {
            BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt()), SIDE, SIDE, new Color(random.nextInt())));
            g.fillRect(0, 0, SIDE, SIDE);
            for (int s = 0; s < 40; s++) {
                g.setColor(new Color(random.nextInt()));
                g.fillOval(random.nextInt(SIDE), random.nextInt(SIDE), 10 + random.nextInt(60), 10 + random.nextInt(60));
            }
            g.dispose();
            for (int y = 0; y < SIDE; y++) { // texture, as photos have
                for (int x = 0; x < SIDE; x++) {
                    int rgb = image.getRGB(x, y);
                    int noise = random.nextInt(33) - 16;
                    image.setRGB(x, y, clamp((rgb >> 16 & 255) + noise) << 16 | clamp((rgb >> 8 & 255) + noise) << 8
                            | clamp((rgb & 255) + noise));
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            out.add(bytes.toByteArray());
        }
        writer.dispose();
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        experiment.close();
    }
}
