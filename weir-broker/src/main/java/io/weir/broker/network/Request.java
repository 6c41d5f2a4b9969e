package io.weir.broker.network;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;

/**
 * One parsed request and the way back to its connection. It must be completed exactly once, by
 * {@link #sendResponse}, {@link #noResponse} or {@link #closeConnection}; until then its
 * connection reads nothing more, so a connection's responses go out in request order.
 *
 * <p>Thread-safe: the accessors return immutable data (the body is not modified by the network
 * layer) and the completion methods may be called from any thread; a second completion throws.
 */
public final class Request {

    private static final Logger LOG = LoggerFactory.getLogger(Request.class);

    private final RequestHeader header;
    private final AbstractRequest body;
    private final int sizeInBytes;
    private final ConnectionInfo connection;
    private final long receivedTimeNs;
    private final RequestCompletion completion;
    private final AtomicBoolean completed = new AtomicBoolean();
    /** The pooled frame a produce body's records are slices of; null once released or never kept. */
    private final AtomicReference<ByteBuf> frame;

    Request(RequestHeader header, AbstractRequest body, int sizeInBytes, ConnectionInfo connection,
            long receivedTimeNs, RequestCompletion completion, ByteBuf frame) {
        this.header = header;
        this.body = body;
        this.sizeInBytes = sizeInBytes;
        this.connection = connection;
        this.receivedTimeNs = receivedTimeNs;
        this.completion = completion;
        this.frame = new AtomicReference<>(frame);
    }

    /**
     * Gives the request frame back to the network buffer pool. Called once nothing reads the body
     * any more: by the request handler thread when its handler returns (a produce has appended its
     * records by then; a response still to come does not read them), or by the network layer for
     * a request dropped before any handler saw it. Idempotent.
     */
    void releaseFrame() {
        ByteBuf kept = frame.getAndSet(null);
        if (kept != null) {
            kept.release();
        }
    }

    public RequestHeader header() {
        return header;
    }

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    /**
     * The version the response is written at: the request's version, except 0 for an ApiVersions
     * request of a version this broker does not support (as Kafka does; the client then retries
     * with a version from the response). {@code header().apiVersion()} keeps what the client sent.
     */
    public short apiVersion() {
        return isUnsupportedApiVersions() ? 0 : header.apiVersion();
    }

    public AbstractRequest body() {
        return body;
    }

    public <T extends AbstractRequest> T body(Class<T> type) {
        if (!type.isInstance(body)) {
            throw new ClassCastException("expected a " + type.getSimpleName() + " but " + apiKey()
                + " carries a " + body.getClass().getSimpleName());
        }
        return type.cast(body);
    }

    public String clientId() {
        return header.clientId();
    }

    public int correlationId() {
        return header.correlationId();
    }

    public InetAddress clientAddress() {
        return connection.clientAddress();
    }

    public String connectionId() {
        return connection.connectionId();
    }

    public String listenerName() {
        return connection.listenerName();
    }

    /** {@code Time.nanoseconds()} when the network thread parsed the request. */
    public long receivedTimeNs() {
        return receivedTimeNs;
    }

    /** Size of the request frame without its 4-byte size prefix. */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    public boolean isCompleted() {
        return completed.get();
    }

    /** False once the connection closed; the response would be dropped. */
    public boolean isConnectionOpen() {
        return completion.isOpen();
    }

    /**
     * Serializes the response (on the calling thread) and queues it to the connection. If the
     * response cannot be written at this request's version, the connection is closed instead.
     */
    public void sendResponse(AbstractResponse response) {
        markCompleted();
        Send send;
        try {
            send = toSend(response);
        } catch (RuntimeException e) {
            LOG.error("Cannot serialize {} response v{} for {}, closing the connection: {}", apiKey(),
                apiVersion(), connectionId(), e.toString());
            completion.complete(this, null, true);
            return;
        }
        completion.complete(this, send, false);
    }

    /** Completes without a response (a produce with acks=0); the connection reads on. */
    public void noResponse() {
        markCompleted();
        completion.complete(this, null, false);
    }

    /** Completes by closing the connection (Kafka's answer to some protocol violations). */
    public void closeConnection() {
        markCompleted();
        completion.complete(this, null, true);
    }

    Send toSend(AbstractResponse response) {
        short version = apiVersion();
        ResponseHeader responseHeader = new ResponseHeader(header.correlationId(),
            apiKey().responseHeaderVersion(version));
        return SendBuilder.buildResponseSend(responseHeader, response.data(), version);
    }

    private boolean isUnsupportedApiVersions() {
        return body instanceof ApiVersionsRequest avr && avr.hasUnsupportedRequestVersion();
    }

    private void markCompleted() {
        if (!completed.compareAndSet(false, true)) {
            throw new IllegalStateException("request " + this + " was already completed");
        }
    }

    @Override
    public String toString() {
        return apiKey() + " v" + header.apiVersion() + " correlationId " + header.correlationId() + " from "
            + connection.connectionId() + " (clientId " + header.clientId() + ")";
    }
}
