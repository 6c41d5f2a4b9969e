package io.weir.broker.control;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import io.weir.common.Time;

/**
 * A blocking client connection to a control-plane server: one request, then its response. The
 * response's size is checked against the frame limit before anything is allocated, and its
 * buffer grows with the bytes that actually arrive.
 *
 * <p>Used by one thread at a time, except {@link #close()}, which any thread may call to fail a
 * blocked connect, write or read.
 */
final class BlockingControlConnection implements Closeable {

    private static final int INITIAL_READ_BUFFER_BYTES = 64 * 1024;

    private final Socket socket = new Socket();
    private final Time time;
    private final int maxFrameBytes;

    BlockingControlConnection(Time time, int maxFrameBytes) {
        this.time = time;
        this.maxFrameBytes = maxFrameBytes;
    }

    void connect(String host, int port, int timeoutMs) throws IOException {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
    }

    /**
     * Writes {@code frame} (a whole encoded request) and reads the answer within
     * {@code timeoutMs}: a response of {@code expectedType} carrying {@code correlationId}.
     */
    Object roundTrip(ByteBuffer frame, int correlationId, ControlMessageType expectedType, int timeoutMs)
        throws IOException {
        long deadlineMs = time.hiResClockMs() + timeoutMs;
        OutputStream out = socket.getOutputStream();
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        ControlFrame response = readFrame(deadlineMs);
        if (response.correlationId() != correlationId) {
            throw new ControlProtocolException("response correlation id " + response.correlationId()
                + " does not match request " + correlationId);
        }
        if (response.type() != expectedType) {
            throw new ControlProtocolException("expected a " + expectedType + " frame, got " + response.type());
        }
        return response.message();
    }

    private ControlFrame readFrame(long deadlineMs) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] sizeField = new byte[ControlCodec.SIZE_FIELD_BYTES];
        readFully(in, sizeField, 0, sizeField.length, deadlineMs);
        int size = ByteBuffer.wrap(sizeField).getInt();
        ControlCodec.checkFrameSize(size, maxFrameBytes);
        byte[] body = new byte[Math.min(size, INITIAL_READ_BUFFER_BYTES)];
        int read = 0;
        while (read < size) {
            if (read == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(size, 2L * body.length));
            }
            read += readSome(in, body, read, body.length - read, deadlineMs);
        }
        return ControlCodec.decode(ByteBuffer.wrap(body));
    }

    private void readFully(InputStream in, byte[] buf, int offset, int length, long deadlineMs) throws IOException {
        int read = 0;
        while (read < length) {
            read += readSome(in, buf, offset + read, length - read, deadlineMs);
        }
    }

    private int readSome(InputStream in, byte[] buf, int offset, int length, long deadlineMs) throws IOException {
        long leftMs = deadlineMs - time.hiResClockMs();
        if (leftMs <= 0) {
            throw new SocketTimeoutException("no control-plane response from " + socket.getRemoteSocketAddress()
                + " in time");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
        int n = in.read(buf, offset, length);
        if (n < 0) {
            throw new EOFException("control-plane connection to " + socket.getRemoteSocketAddress()
                + " closed by the peer");
        }
        return n;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to do: the connection is abandoned either way.
        }
    }
}
