package io.trainscope.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SubscribeRequest;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * One subscriber of the live stream over a real loopback gRPC connection: counts the batch
 * frames it receives in a measuring window and their step-to-client latency (client wall
 * clock minus the frame's server timestamp; same host, same clock). It handles messages on
 * the transport's thread, as an efficient client would.
 */
final class StreamProbe implements AutoCloseable {

    private final ManagedChannel channel;
    private final double[] latenciesMs = new double[1_000_000];
    private volatile int count;
    private volatile long windowStartMicros = Long.MAX_VALUE;
    private volatile long windowEndMicros = Long.MAX_VALUE;
    private volatile long bytes;
    private volatile long droppedAtServer;
    private final CountDownLatch firstFrame = new CountDownLatch(1);

    StreamProbe(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                .maxInboundMessageSize(256 << 20).build();
        MetricsServiceGrpc.newStub(channel).subscribe(
                SubscribeRequest.newBuilder().setAfterSequence(Long.MAX_VALUE >> 1).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(MetricsResponse m) {
                        receive(m);
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the channel was shut down at the end of the run
                    }

                    @Override
                    public void onCompleted() {}
                });
    }

    private void receive(MetricsResponse m) {
        long now = nowMicros();
        if (m.hasPerformanceData()) {
            droppedAtServer = m.getPerformanceData().getDroppedFrames();
        }
        if (!m.hasBatchData()) {
            return;
        }
        firstFrame.countDown();
        if (now >= windowStartMicros && now < windowEndMicros && count < latenciesMs.length) {
            latenciesMs[count] = (now - m.getBatchData().getServerTimestampUs()) / 1000.0;
            bytes += m.getSerializedSize();
            count++;
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
