package io.trainscope.app.faults;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gRPC call written by hand over a plain socket (HTTP/2 without TLS), so a test can do what no
 * gRPC library does: drop the connection without a RST_STREAM or GOAWAY. It answers the server's
 * SETTINGS and counts the DATA bytes it receives; it never sends WINDOW_UPDATE.
 */
final class RawHttp2Stream implements AutoCloseable {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;

    private final Socket socket;
    private final OutputStream out;
    private final AtomicLong dataBytes = new AtomicLong();
    private final Thread reader;

    /** Opens {@code path} (e.g. {@code /trainscope.v1.MetricsService/Subscribe}) and sends {@code message} as its request. */
    RawHttp2Stream(int port, String path, byte[] message, boolean endStream) throws IOException {
        socket = new Socket("127.0.0.1", port);
        out = socket.getOutputStream();
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
        ByteBuffer headers = ByteBuffer.allocate(512);
        header(headers, ":method", "POST");
        header(headers, ":scheme", "http");
        header(headers, ":path", path);
        header(headers, ":authority", "127.0.0.1:" + port);
        header(headers, "content-type", "application/grpc");
        header(headers, "te", "trailers");
        byte[] block = new byte[headers.position()];
        headers.flip().get(block);
        frame(HEADERS, END_HEADERS, 1, block);
        ByteBuffer grpc = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        frame(DATA, endStream ? END_STREAM : 0, 1, grpc.array());
        out.flush();
        reader = new Thread(this::read, "raw-http2-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** DATA bytes the server has sent on this connection so far. */
    long dataBytes() {
        return dataBytes.get();
    }

    /** Closes the socket with a TCP reset: no RST_STREAM, no GOAWAY, no FIN. */
    void vanish() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void read() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt(); // stream id
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    synchronized (this) {
                        frame(SETTINGS, ACK, 0, new byte[0]);
                        out.flush();
                    }
                } else if (type == DATA) {
                    dataBytes.addAndGet(payload.length);
                }
            }
        } catch (IOException e) {
            // the socket is gone: that is how this client ends
        }
    }

    private synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(9);
        header.put((byte) (payload.length >>> 16)).putShort((short) payload.length).put((byte) type).put((byte) flags)
                .putInt(stream);
        out.write(header.array());
        out.write(payload);
    }

    /** HPACK "literal header field without indexing, new name", no Huffman coding (names and values under 127 bytes). */
    private static void header(ByteBuffer block, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        block.put((byte) 0).put((byte) n.length).put(n).put((byte) v.length).put(v);
    }
}
