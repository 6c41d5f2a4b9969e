package io.weir.broker.replica;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small blocking Kafka-protocol client for one broker: one connection, one request at a time,
 * size-prefixed frames built and parsed with kafka-clients' serializers (RequestHeader,
 * AbstractRequest.serializeWithHeader, AbstractResponse.parseResponse). Connect and read time out
 * after {@code socketTimeoutMs}; any error closes the connection and the next call opens a new
 * one, so retry policy is the caller's.
 *
 * <p>Thread-safe: calls are serialized; {@link #close()} from another thread fails a blocked call.
 */
public final class BlockingKafkaClient implements AutoCloseable {

    /** A size above this is garbage, not a response (Kafka's default fetch limits are MiBs). */
    private static final int MAX_RESPONSE_BYTES = 1 << 30;

    private static final Logger LOG = LoggerFactory.getLogger(BlockingKafkaClient.class);

    private final BrokerEndpoint broker;
    private final String clientId;
    private final int socketTimeoutMs;
    private volatile Socket socket;
    private volatile boolean closed;
    private DataInputStream in;
    private DataOutputStream out;
    private int correlationId;

    public BlockingKafkaClient(BrokerEndpoint broker, String clientId, int socketTimeoutMs) {
        this.broker = broker;
        this.clientId = clientId;
        this.socketTimeoutMs = socketTimeoutMs;
    }

    /** Sends {@code request} (at its version) and waits for its response. */
    public synchronized AbstractResponse send(AbstractRequest request) throws IOException {
        try {
            connectIfNeeded();
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
            ByteBuffer payload = request.serializeWithHeader(header);
            byte[] frame = new byte[payload.remaining()];
            payload.get(frame);
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
            int size = in.readInt();
            if (size < 0 || size > MAX_RESPONSE_BYTES) {
                throw new IOException("Invalid response size " + size + " from " + broker);
            }
            byte[] bytes = new byte[size];
            in.readFully(bytes);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(bytes), header);
        } catch (IOException e) {
            disconnect();
            throw e;
        } catch (RuntimeException e) {
            // A response that does not parse or answers another request: the stream is unusable.
            disconnect();
            throw new IOException("Bad response from " + broker + ": " + e, e);
        }
    }

    private void connectIfNeeded() throws IOException {
        if (closed) {
            throw new IOException("Connection to " + broker + " is closed");
        }
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        socket = s;
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout(socketTimeoutMs);
            s.connect(new InetSocketAddress(broker.host(), broker.port()), socketTimeoutMs);
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
        } catch (IOException e) {
            disconnect();
            throw e;
        }
        if (closed) {
            // close() ran while we connected and may have missed this socket.
            disconnect();
            throw new IOException("Connection to " + broker + " is closed");
        }
        LOG.debug("Connected to {} as {}", broker, clientId);
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("Ignoring error closing a socket: {}", e.toString());
        }
    }

    /** Not synchronized: it must fail a call blocked in a read, which holds the monitor. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
    }

    @Override
    public String toString() {
        return "BlockingKafkaClient(" + broker + ", " + clientId + ")";
    }
}
