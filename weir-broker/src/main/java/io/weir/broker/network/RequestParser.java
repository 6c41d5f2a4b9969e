package io.weir.broker.network;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;

import io.netty.buffer.ByteBuf;

/**
 * Turns one request frame (without its size prefix) into a {@link Request}: header, then body,
 * with kafka-clients' parsers reading the pooled frame in place. Every body field is copied out
 * while parsing except a produce request's records, which stay slices of the frame: a produce
 * {@link Request} therefore keeps a reference to the frame until its handler is done
 * ({@link Request#releaseFrame()}), and the records go from the socket's buffer to the log file
 * without passing through the heap. (Copying each frame to the heap was ~90% of the broker's
 * allocation under produce load, and the file write then copied it again into a direct buffer.)
 *
 * <p>Stateless apart from its immutable settings; thread-safe.
 */
final class RequestParser {

    /** A frame the broker will not handle; the connection is closed with one log line. */
    static final class InvalidFrameException extends Exception {
        InvalidFrameException(String message) {
            super(message, null, false, false);
        }
    }

    private final SupportedApis supportedApis;

    RequestParser(SupportedApis supportedApis) {
        this.supportedApis = supportedApis;
    }

    /** The caller keeps its reference to {@code frame}; a produce request takes one of its own. */
    Request parse(ByteBuf frame, ConnectionInfo connection, long receivedTimeNs, RequestCompletion completion)
            throws InvalidFrameException {
        int size = frame.readableBytes();
        boolean inPlace = frame.nioBufferCount() == 1;
        ByteBuffer buffer = inPlace ? frame.nioBuffer() : copyToHeap(frame);
        RequestHeader header = parseHeader(buffer);
        AbstractRequest body = parseBody(header, buffer);
        ByteBuf kept = inPlace && header.apiKey() == ApiKeys.PRODUCE ? frame.retain() : null;
        return new Request(header, body, size, connection, receivedTimeNs, completion, kept);
    }

    private static ByteBuffer copyToHeap(ByteBuf frame) {
        ByteBuffer buffer = ByteBuffer.allocate(frame.readableBytes());
        frame.getBytes(frame.readerIndex(), buffer);
        return buffer.flip();
    }

    private static RequestHeader parseHeader(ByteBuffer buffer) throws InvalidFrameException {
        try {
            return RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            // RequestHeader.parse wraps unknown api keys and short frames in InvalidRequestException.
            throw new InvalidFrameException(rootMessage(e));
        }
    }

    private AbstractRequest parseBody(RequestHeader header, ByteBuffer buffer) throws InvalidFrameException {
        ApiKeys api = header.apiKey();
        short version = header.apiVersion();
        if (!supportedApis.isSupported(api, version)) {
            if (api == ApiKeys.API_VERSIONS) {
                // Kafka answers with a v0 ApiVersions response carrying UNSUPPORTED_VERSION; the body is not parsed.
                return new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, version);
            }
            throw new InvalidFrameException("unsupported version " + version + " of " + api);
        }
        try {
            return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            throw new InvalidFrameException("malformed " + api + " v" + version + " body: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            message.append(": ").append(cause.getClass().getSimpleName()).append(' ').append(cause.getMessage());
        }
        return message.toString();
    }
}
