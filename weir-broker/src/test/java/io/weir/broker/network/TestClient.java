package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ResponseHeader;

/** A blocking raw-socket Kafka client for tests. */
final class TestClient implements AutoCloseable {

    /** A response as read off the wire. */
    record Response(int correlationId, AbstractResponse body) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    TestClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    Socket socket() {
        return socket;
    }

    InputStream input() {
        return in;
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Response receive(ApiKeys api, short version) throws IOException {
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        ResponseHeader header = ResponseHeader.parse(buffer, api.responseHeaderVersion(version));
        AbstractResponse body = AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version);
        return new Response(header.correlationId(), body);
    }

    /** Sends ApiVersions and checks the answer. */
    void assertWorks() throws IOException {
        short version = 3;
        send(Frames.apiVersions(version, 4242));
        Response response = receive(ApiKeys.API_VERSIONS, version);
        assertThat(response.correlationId()).isEqualTo(4242);
        assertThat(((ApiVersionsResponse) response.body()).data().errorCode()).isZero();
    }

    /** Waits until the server closes the connection (EOF or reset), failing if it sends data. */
    void assertClosedByServer() throws IOException {
        try {
            int b = in.read();
            assertThat(b).as("server should close the connection, not send data").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection", e);
        } catch (SocketException e) {
            // Reset by the server: closed too.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
