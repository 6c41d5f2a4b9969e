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
 * with kafka-clients' parsers. The frame is copied into a heap buffer first because the parsed
 * body may keep slices of it (produce records) after the pooled frame is released.
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

    Request parse(ByteBuf frame, ConnectionInfo connection, long receivedTimeNs, RequestCompletion completion)
            throws InvalidFrameException {
        int size = frame.readableBytes();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        frame.readBytes(buffer);
        buffer.flip();
        RequestHeader header = parseHeader(buffer);
        AbstractRequest body = parseBody(header, buffer);
        return new Request(header, body, size, connection, receivedTimeNs, completion);
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
