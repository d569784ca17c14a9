package io.trainscope.server;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.trainscope.core.Experiment;
import io.trainscope.server.auth.TokenAuthInterceptor;
import io.trainscope.server.data.DataService;
import io.trainscope.server.data.LanguageModelQueries;
import io.trainscope.server.data.SampleImages;
import io.trainscope.server.data.SampleServiceImpl;
import io.trainscope.server.experiment.ExperimentServiceImpl;
import io.trainscope.server.experiment.RunServiceImpl;
import io.trainscope.server.live.LiveStreamService;
import io.trainscope.server.watchdog.SlowCall;
import io.trainscope.server.watchdog.SlowCallWatchdog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port for everything: native gRPC, gRPC-Web (binary and text), JSON, reflection and the
 * dashboard's static files, over one {@link Experiment}.
 *
 * <pre>{@code
 * try (TrainscopeServer server = TrainscopeServer.start(experiment, ServerSettings.loopback())) {
 *     System.out.println(server.url());
 * }
 * }</pre>
 */
public final class TrainscopeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainscopeServer.class);

    private final Server server;
    private final LiveStreamService live;
    private final SlowCallWatchdog watchdog;
    private final ServerSettings settings;
    private final SampleImages images;

    private TrainscopeServer(Server server, LiveStreamService live, SlowCallWatchdog watchdog, ServerSettings settings,
            SampleImages images) {
        this.server = server;
        this.images = images;
        this.live = live;
        this.watchdog = watchdog;
        this.settings = settings;
    }

    /** Starts serving {@code experiment}, without images for its samples; returns once the port is bound. */
    public static TrainscopeServer start(Experiment experiment, ServerSettings settings) {
        return start(experiment, SampleImages.none(), settings);
    }

    /** Starts serving {@code experiment}, whose samples' images are {@code images}; returns once the port is bound. */
    public static TrainscopeServer start(Experiment experiment, SampleImages images, ServerSettings settings) {
        requireNonNull(experiment, "experiment");
        requireNonNull(images, "images");
        requireNonNull(settings, "settings");
        DataService data = new DataService(experiment, images, LanguageModelQueries.fromEnvironment(System.getenv()));
        LiveStreamService live = new LiveStreamService(experiment);
        GrpcServiceBuilder grpc = GrpcService.builder()
                .supportedSerializationFormats(GrpcSerializationFormats.values())
                .enableUnframedRequests(true)
                .exceptionHandler(new MalformedRequests().orElse(GrpcExceptionHandlerFunction.of()))
                .maxRequestMessageLength(settings.maxMessageBytes())
                .maxResponseMessageLength(settings.maxMessageBytes());
        for (BindableService service : List.of(live, new ExperimentServiceImpl(experiment, data, images),
                new SampleServiceImpl(experiment.samples()), new RunServiceImpl(experiment),
                ProtoReflectionServiceV1.newInstance())) {
            grpc.addService(service);
        }
        SlowCallWatchdog watchdog = new SlowCallWatchdog(settings.slowCallThreshold());
        grpc.intercept(MalformedRequests.interceptor(), watchdog, ExperimentServiceImpl.clientIdReader());
        if (settings.tokens().enabled()) {
            grpc.intercept(new TokenAuthInterceptor(settings.tokens())); // added last: runs first
        }
        Server server = Server.builder()
                .http(new InetSocketAddress(settings.host(), settings.port()))
                .maxRequestLength(settings.maxMessageBytes())
                .service(grpc.build())
                .serviceUnder("/", FileService.builder(TrainscopeServer.class.getClassLoader(), "static").build())
                .build();
        server.start().join();
        warnIfExposed(settings);
        return new TrainscopeServer(server, live, watchdog, settings, images);
    }

    /** The bound port (useful when asked for port 0). */
    public int port() {
        return server.activeLocalPort();
    }

    /** Where a browser on this machine finds the dashboard. */
    public String url() {
        String host = settings.host();
        boolean any = host.equals("0.0.0.0") || host.equals("::");
        return "http://" + (any ? "localhost" : host) + ":" + port() + "/";
    }

    /** RPCs that were slower than the threshold, most recent last. */
    public List<SlowCall> slowCalls() {
        return watchdog.recent();
    }

    @Override
    public void close() {
        live.close();
        server.stop().join();
        images.close();
    }

    private static void warnIfExposed(ServerSettings settings) {
        try {
            if (!InetAddress.getByName(settings.host()).isLoopbackAddress() && !settings.tokens().enabled()) {
                log.warn("Listening on {} without auth tokens or TLS: anyone who can reach this port can steer the"
                        + " training. Set GRPC_AUTH_TOKEN, or --host 127.0.0.1.", settings.host());
            }
        } catch (java.net.UnknownHostException e) {
            log.warn("Cannot resolve host {}", settings.host());
        }
    }
}
