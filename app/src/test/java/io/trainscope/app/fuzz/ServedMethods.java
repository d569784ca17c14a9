package io.trainscope.app.fuzz;

import com.google.protobuf.Descriptors;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.RunServiceGrpc;
import io.trainscope.proto.v1.SampleServiceGrpc;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Every RPC the server serves, as raw-bytes gRPC methods with their protobuf request and response types. */
final class ServedMethods {

    /** One RPC: its wire method (bytes in, bytes out) and the protobuf types the server expects and answers. */
    record Rpc(MethodDescriptor<byte[], byte[]> wire, Descriptors.MethodDescriptor proto) {
        String name() {
            return wire.getFullMethodName();
        }

        boolean clientStreaming() {
            return proto.isClientStreaming();
        }

        boolean serverStreaming() {
            return proto.isServerStreaming();
        }

        @Override
        public String toString() {
            return name();
        }
    }

    // The server module's tests hold the same marshaller (RawBytesMethods); no test code is shared between modules.
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final List<Rpc> ALL = all(ExperimentServiceGrpc.getServiceDescriptor(), MetricsServiceGrpc.getServiceDescriptor(),
            SampleServiceGrpc.getServiceDescriptor(), RunServiceGrpc.getServiceDescriptor());

    private ServedMethods() {}

    static Rpc named(String fullName) {
        return ALL.stream().filter(r -> r.name().equals(fullName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no RPC " + fullName));
    }

    private static List<Rpc> all(ServiceDescriptor... services) {
        List<Rpc> out = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            Descriptors.ServiceDescriptor proto = ((ProtoServiceDescriptorSupplier) service.getSchemaDescriptor())
                    .getServiceDescriptor();
            for (Descriptors.MethodDescriptor method : proto.getMethods()) {
                out.add(new Rpc(MethodDescriptor.<byte[], byte[]>newBuilder()
                        .setFullMethodName(MethodDescriptor.generateFullMethodName(proto.getFullName(), method.getName()))
                        .setType(type(method)).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build(), method));
            }
        }
        return List.copyOf(out);
    }

    private static MethodDescriptor.MethodType type(Descriptors.MethodDescriptor method) {
        if (method.isClientStreaming()) {
            return method.isServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING
                    : MethodDescriptor.MethodType.CLIENT_STREAMING;
        }
        return method.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY;
    }
}
