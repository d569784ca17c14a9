package io.trainscope.server;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** gRPC methods whose messages are raw bytes, so a test can send what no generated stub would: bad or empty bodies. */
public final class RawBytesMethods {

    /** Passes the bytes through as they are, both ways. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    private RawBytesMethods() {}

    /** The method of that full name and kind, with raw bytes as request and response. */
    public static MethodDescriptor<byte[], byte[]> method(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(fullMethodName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }
}
