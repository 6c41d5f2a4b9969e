package io.weir.broker.api;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

import io.weir.broker.network.Request;
import io.weir.cluster.zk.BrokerRegistration;

/**
 * DescribeCluster and InitProducerId (idempotent producers; producer ids come in blocks from
 * ZooKeeper so they are unique across brokers and restarts).
 *
 * <p>Stateless apart from the producer id manager; runs on handler threads.
 */
public final class ClusterApis {

    private final BrokerContext ctx;

    public ClusterApis(BrokerContext ctx) {
        this.ctx = ctx;
    }

    public void describeCluster(Request request) {
        DescribeClusterResponseData data = new DescribeClusterResponseData()
            .setErrorCode(Errors.NONE.code())
            .setClusterId(ctx.clusterId())
            .setControllerId(ctx.metadataCache().snapshot().controllerId());
        for (BrokerRegistration b : ctx.metadataCache().aliveBrokers()) {
            b.endpoints().stream().filter(e -> e.listenerName().equalsIgnoreCase(request.listenerName())).findFirst()
                .ifPresent(e -> data.brokers().add(new DescribeClusterBroker().setBrokerId(b.id())
                    .setHost(e.host()).setPort(e.port()).setRack(b.rack().orElse(null))));
        }
        request.sendResponse(new DescribeClusterResponse(data));
    }

    public void initProducerId(Request request) {
        InitProducerIdRequest req = request.body(InitProducerIdRequest.class);
        InitProducerIdResponseData data = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (req.data().transactionalId() != null) {
            data.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        } else {
            data.setErrorCode(Errors.NONE.code())
                .setProducerId(ctx.producerIdManager().generateProducerId())
                .setProducerEpoch((short) 0);
        }
        request.sendResponse(new InitProducerIdResponse(data));
    }
}
