package io.trainscope.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SubscribeRequest;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;

/**
 * One subscriber of the live stream over a real loopback gRPC connection: counts the batch
 * frames it receives in a measuring window and their step-to-client latency (client wall
 * clock minus the frame's server timestamp; same host, same clock).
 */
final class StreamProbe implements AutoCloseable {

    private final ManagedChannel channel;
    private final Thread reader;
    private final double[] latenciesMs = new double[1_000_000];
    private volatile int count;
    private volatile long windowStartMicros = Long.MAX_VALUE;
    private volatile long windowEndMicros = Long.MAX_VALUE;
    private volatile long bytes;
    private volatile long droppedAtServer;
    private final CountDownLatch firstFrame = new CountDownLatch(1);

    StreamProbe(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(256 << 20).build();
        reader = new Thread(this::read, "stream-probe");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            Iterator<MetricsResponse> feed = MetricsServiceGrpc.newBlockingStub(channel)
                    .subscribe(SubscribeRequest.newBuilder().setAfterSequence(Long.MAX_VALUE >> 1).build());
            while (feed.hasNext()) {
                MetricsResponse m = feed.next();
                long now = nowMicros();
                if (m.hasPerformanceData()) {
                    droppedAtServer = m.getPerformanceData().getDroppedFrames();
                }
                if (!m.hasBatchData()) {
                    continue;
                }
                firstFrame.countDown();
                if (now >= windowStartMicros && now < windowEndMicros && count < latenciesMs.length) {
                    latenciesMs[count] = (now - m.getBatchData().getServerTimestampUs()) / 1000.0;
                    bytes += m.getSerializedSize();
                    count++;
                }
            }
        } catch (RuntimeException e) {
            // the channel was shut down at the end of the run
        }
    }

    void awaitFirstFrame() throws InterruptedException {
        firstFrame.await();
    }

    void measureBetween(long startMicros, long endMicros) {
        windowStartMicros = startMicros;
        windowEndMicros = endMicros;
    }

    int frames() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    long droppedAtServer() {
        return droppedAtServer;
    }

    double[] latencies() {
        return java.util.Arrays.copyOf(latenciesMs, count);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
