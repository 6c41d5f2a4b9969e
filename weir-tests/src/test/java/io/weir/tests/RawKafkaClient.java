package io.weir.tests;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking one-request-at-a-time Kafka protocol client over a plain socket, for tests that
 * need to send exact requests (the same produce twice, a raw frame) rather than what a client
 * library decides to send.
 */
final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawKafkaClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static RawKafkaClient connect(String bootstrap) throws IOException {
        int colon = bootstrap.lastIndexOf(':');
        return new RawKafkaClient(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)));
    }

    /** Sends the request at the given version and returns the parsed response. */
    <T extends AbstractResponse> T send(AbstractRequest.Builder<?> builder, short version, Class<T> type)
            throws IOException {
        AbstractRequest request = builder.build(version);
        ApiKeys api = request.apiKey();
        RequestHeader header = new RequestHeader(api, version, "raw-test", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        byte[] size = ByteBuffer.allocate(4).putInt(frame.remaining()).array();
        out.write(size);
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        ByteBuffer buf = ByteBuffer.wrap(body);
        ResponseHeader.parse(buf, api.responseHeaderVersion(version));
        return type.cast(AbstractResponse.parseResponse(api, new ByteBufferAccessor(buf), version));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
