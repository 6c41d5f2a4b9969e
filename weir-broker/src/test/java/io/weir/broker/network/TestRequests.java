package io.weir.broker.network;

import org.apache.kafka.common.network.Send;

/** A connection and a completion that ignores responses, for parsing requests outside a pipeline. */
final class TestRequests {

    static final ConnectionInfo CONNECTION = new ConnectionInfo("test-connection", null, "PLAINTEXT");

    static final RequestCompletion IGNORED = new RequestCompletion() {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void complete(Request request, Send response, boolean close) {
        }
    };

    private TestRequests() {
    }
}
