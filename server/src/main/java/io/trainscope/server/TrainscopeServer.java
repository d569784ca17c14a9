package io.trainscope.server;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.trainscope.core.Experiment;
import io.trainscope.server.auth.TokenAuthDecorator;
import io.trainscope.server.data.DataService;
import io.trainscope.server.data.LanguageModelQueries;
import io.trainscope.server.data.SampleImages;
import io.trainscope.server.data.SampleServiceImpl;
import io.trainscope.server.experiment.ExperimentServiceImpl;
import io.trainscope.server.experiment.RunServiceImpl;
import io.trainscope.server.limits.PerMessageLimit;
import io.trainscope.server.limits.RpcLimits;
import io.trainscope.server.limits.UnaryDeadlines;
import io.trainscope.server.live.LiveStreamService;
import io.trainscope.server.tls.TlsFiles;
import io.trainscope.server.tls.TlsSettings;
import io.trainscope.server.watchdog.SlowCall;
import io.trainscope.server.watchdog.SlowCallWatchdog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port for everything: native gRPC, gRPC-Web (binary and text), JSON, reflection and the
 * dashboard's static files, over one {@link Experiment}; HTTPS only when TLS is set, every
 * gRPC path behind the tokens when they are set.
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
    private final List<ServiceDescriptor> services;

    private TrainscopeServer(Server server, LiveStreamService live, SlowCallWatchdog watchdog, ServerSettings settings,
            SampleImages images, List<ServiceDescriptor> services) {
        this.server = server;
        this.services = services;
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
        return start(experiment, images, settings, LanguageModelQueries.fromEnvironment(System.getenv()));
    }

    /**
     * As {@link #start(Experiment, SampleImages, ServerSettings)}, with natural-language queries
     * going to {@code languageModel} instead of the one named by the environment.
     *
     * @throws IllegalArgumentException when TLS is set and a file is missing, unreadable or mismatched
     */
    public static TrainscopeServer start(Experiment experiment, SampleImages images, ServerSettings settings,
            Optional<LanguageModelQueries> languageModel) {
        requireNonNull(experiment, "experiment");
        requireNonNull(images, "images");
        requireNonNull(settings, "settings");
        requireNonNull(languageModel, "languageModel");
        Optional<TlsFiles> tls = settings.tls().map(TlsFiles::load); // before anything starts: a bad file stops here
        RpcLimits limits = settings.limits();
        DataService data = new DataService(experiment, images, languageModel, limits);
        LiveStreamService live = new LiveStreamService(experiment);
        UnaryDeadlines deadlines = new UnaryDeadlines(limits.unaryDeadline());
        GrpcServiceBuilder grpc = GrpcService.builder()
                .supportedSerializationFormats(GrpcSerializationFormats.values())
                .enableUnframedRequests(true)
                .exceptionHandler(deadlines.asDeadlineExceeded().orElse(new MalformedRequests())
                        .orElse(GrpcExceptionHandlerFunction.of()))
                .maxRequestMessageLength(settings.maxMessageBytes())
                .maxResponseMessageLength(settings.maxMessageBytes());
        for (BindableService service : List.of(live, new ExperimentServiceImpl(experiment, data, images),
                new SampleServiceImpl(experiment.samples()), new RunServiceImpl(experiment),
                ProtoReflectionServiceV1.newInstance())) {
            grpc.addService(service);
        }
        SlowCallWatchdog watchdog = new SlowCallWatchdog(settings.slowCallThreshold());
        grpc.intercept(MalformedRequests.interceptor(), watchdog, ExperimentServiceImpl.clientIdReader(), deadlines);
        GrpcService grpcService = grpc.build();
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        ServerBuilder builder = Server.builder()
                .maxRequestLength(settings.maxMessageBytes())
                .requestTimeout(limits.unaryDeadline()); // JSON calls and files; UnaryDeadlines sets framed unary calls'
        if (tls.isPresent()) {
            tls.get().serveHttps(builder, address);
        } else {
            builder.http(address);
        }
        Function<HttpService, HttpService> auth = settings.tokens().enabled()
                ? service -> service.decorate(new TokenAuthDecorator(settings.tokens())) : Function.identity();
        builder.service(grpcService, auth, PerMessageLimit.of(settings.maxMessageBytes()));
        Server server = builder
                .serviceUnder("/", FileService.builder(TrainscopeServer.class.getClassLoader(), "static").build())
                .build();
        server.start().join();
        warnIfExposed(settings);
        List<ServiceDescriptor> services = grpcService.services().stream()
                .map(ServerServiceDefinition::getServiceDescriptor).toList();
        return new TrainscopeServer(server, live, watchdog, settings, images, services);
    }

    /** The bound port (useful when asked for port 0). */
    public int port() {
        return server.activeLocalPort();
    }

    /** Where a browser on this machine finds the dashboard ({@code https://} when TLS is on). */
    public String url() {
        String host = settings.host();
        boolean any = host.equals("0.0.0.0") || host.equals("::");
        return (settings.tls().isPresent() ? "https://" : "http://") + (any ? "localhost" : host) + ":" + port() + "/";
    }

    /** Every gRPC service this server serves (ours and reflection), each with all its methods. */
    public List<ServiceDescriptor> services() {
        return services;
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

    /** Beyond loopback, says which protection is missing and how to turn it on. */
    private static void warnIfExposed(ServerSettings settings) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(settings.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            log.warn("Cannot resolve host {}", settings.host());
            return;
        }
        if (loopback) {
            return;
        }
        if (!settings.tokens().enabled()) {
            log.warn("Listening on {} without auth tokens: anyone who can reach this port can steer the training. Set"
                    + " GRPC_AUTH_TOKEN=<secret> (or GRPC_AUTH_TOKENS=alice=<t1>,bob=<t2>), or listen on loopback only"
                    + " with --host 127.0.0.1.", settings.host());
        }
        if (settings.tls().isEmpty()) {
            log.warn("Listening on {} without TLS: tokens and data cross the network in clear. Set GRPC_TLS_ENABLED=1"
                    + " with " + TlsSettings.CERT_FILE + " and " + TlsSettings.KEY_FILE + " (--tls-cert, --tls-key;"
                    + " scripts/make-certs DIR makes a local set), and " + TlsSettings.CA_FILE + " (--tls-ca) to require"
                    + " client certificates.", settings.host());
        }
    }
}
