package io.weir.cluster.zk;

import org.apache.kafka.common.TopicPartition;

/**
 * Callbacks of {@link ZkStore#watchTopics}. All calls of one {@link ZkStore} come on its single
 * event thread ({@code weir-zk-events}), in the order ZooKeeper reported the changes; a slow
 * callback delays the others, so hand long work to another thread.
 */
public interface TopicListener {

    /** A topic znode was created or its assignment changed (also sent once per topic when the watch starts). */
    void onTopicChanged(TopicAssignment assignment);

    /** A topic znode was deleted. */
    void onTopicDeleted(String topic);

    /** A partition state znode was created or changed. Default: ignored. */
    default void onPartitionStateChanged(TopicPartition partition, LeaderAndIsr state) {
    }
}
