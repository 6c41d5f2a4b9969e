package io.weir.cluster.zk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a controller's writes as one ZooKeeper transaction whose first operation checks the version
 * of {@code /controller_epoch}: all writes or none, and none from a deposed controller. Missing
 * parents of new partition states are created in the same transaction; a topic deletion expands
 * to deletes of the znodes present when the transaction is built.
 *
 * <p>Thread-safe: stateless over {@link ZkOps}.
 */
final class ControllerZkMulti {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerZkMulti.class);

    private final ZkOps ops;
    private final ControllerElection election;

    ControllerZkMulti(ZkOps ops, ControllerElection election) {
        this.ops = ops;
        this.election = election;
    }

    ZkMultiResult multi(int controllerEpochZkVersion, List<ZkMultiOp> writes) {
        return ops.call("transaction", ZkPaths.CONTROLLER_EPOCH, () -> {
            List<CuratorOp> transaction = build(controllerEpochZkVersion, writes);
            try {
                ops.client().transaction().forOperations(transaction);
                return ZkMultiResult.COMMITTED;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                     | KeeperException.NodeExistsException | KeeperException.NotEmptyException e) {
                if (election.epochZkVersion() != controllerEpochZkVersion) {
                    return ZkMultiResult.CONTROLLER_EPOCH_CHANGED;
                }
                LOG.info("Controller transaction of {} writes found a znode changed: {}", writes.size(), e.code());
                return ZkMultiResult.CONFLICT;
            }
        });
    }

    private List<CuratorOp> build(int controllerEpochZkVersion, List<ZkMultiOp> writes) throws Exception {
        TransactionOp op = ops.client().transactionOp();
        List<CuratorOp> transaction = new ArrayList<>();
        transaction.add(op.check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH));
        Set<String> created = new HashSet<>();
        for (ZkMultiOp write : writes) {
            if (write instanceof ZkMultiOp.CreatePartitionState c) {
                addParentsIfMissing(op, transaction, created, c);
                transaction.add(op.create().forPath(ZkPaths.partitionState(c.partition()),
                    ZkJson.encodePartitionState(c.state())));
            } else if (write instanceof ZkMultiOp.SetPartitionState s) {
                transaction.add(op.setData().withVersion(s.expectedZkVersion())
                    .forPath(ZkPaths.partitionState(s.partition()), ZkJson.encodePartitionState(s.state())));
            } else if (write instanceof ZkMultiOp.SetTopic t) {
                transaction.add(op.setData().withVersion(t.assignment().zkVersion())
                    .forPath(ZkPaths.topic(t.assignment().topic()), ZkJson.encodeTopic(t.assignment())));
            } else if (write instanceof ZkMultiOp.DeleteTopic d) {
                for (String path : existingTopicZnodes(d.topic())) {
                    transaction.add(op.delete().forPath(path));
                }
            }
        }
        return transaction;
    }

    private void addParentsIfMissing(TransactionOp op, List<CuratorOp> transaction, Set<String> created,
                                     ZkMultiOp.CreatePartitionState c) throws Exception {
        for (String parent : List.of(ZkPaths.partitions(c.partition().topic()), ZkPaths.partition(c.partition()))) {
            if (!created.contains(parent) && ops.exists(parent).isEmpty()) {
                transaction.add(op.create().forPath(parent, new byte[0]));
                created.add(parent);
            }
        }
    }

    /** The topic's znodes that exist now, children before parents. */
    private List<String> existingTopicZnodes(String topic) {
        List<String> paths = new ArrayList<>();
        collectSubtree(ZkPaths.topic(topic), paths);
        for (String path : List.of(ZkPaths.topicConfig(topic), ZkPaths.topicDeletion(topic))) {
            if (ops.exists(path).isPresent()) {
                paths.add(path);
            }
        }
        return paths;
    }

    private void collectSubtree(String path, List<String> out) {
        Stat stat = ops.exists(path).orElse(null);
        if (stat == null) {
            return;
        }
        if (stat.getNumChildren() > 0) {
            ops.children(path).forEach(child -> collectSubtree(path + "/" + child, out));
        }
        out.add(path);
    }
}
