package io.weir.broker.network;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;

import java.util.List;

/** Request frames (4-byte size prefix included) built with kafka-clients, plus broken ones. */
final class Frames {

    static final String CLIENT_ID = "test-client";

    private Frames() {
    }

    static byte[] request(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
        return withSize(toBytes(request.serializeWithHeader(header)));
    }

    static byte[] apiVersions(short version, int correlationId) {
        return request(new ApiVersionsRequest.Builder().build(version), correlationId);
    }

    static byte[] metadata(short version, int correlationId, String topic) {
        return request(new MetadataRequest.Builder(List.of(topic), true).build(version), correlationId);
    }

    /** A request header for {@code api}/{@code version} followed by {@code body} bytes. */
    static byte[] headerWithBody(ApiKeys api, short version, int correlationId, byte[] body) {
        RequestHeader header = new RequestHeader(api, version, CLIENT_ID, correlationId);
        ByteBuffer full = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0).serializeWithHeader(
            new RequestHeader(ApiKeys.API_VERSIONS, (short) 0, CLIENT_ID, correlationId));
        // ApiVersions v0 has an empty body, so the serialization is exactly a v1 request header.
        byte[] headerBytes = toBytes(full);
        if (header.headerVersion() != 1) {
            throw new IllegalArgumentException("only header v1 APIs are supported here");
        }
        ByteBuffer frame = ByteBuffer.allocate(headerBytes.length + body.length);
        frame.put(headerBytes).put(body);
        frame.putShort(0, api.id).putShort(2, version);
        return withSize(frame.array());
    }

    static byte[] withSize(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] sizeOnly(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    static byte[] rawHeader(short apiKey, short version, int correlationId) {
        return withSize(ByteBuffer.allocate(10).putShort(apiKey).putShort(version).putInt(correlationId)
            .putShort((short) -1).array());
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
