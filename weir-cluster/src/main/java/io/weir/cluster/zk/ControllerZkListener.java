package io.weir.cluster.zk;

/**
 * What a {@link ControllerZkStore}'s watches report. Each watch is one-shot, set again by the
 * next watching read ({@code watchX} methods), as in Kafka's controller: a callback says only
 * that something changed, the controller reads it. Calls come on ZooKeeper's or Curator's own
 * threads: implementations must only queue work (never call ZooKeeper from them).
 */
public interface ControllerZkListener {

    /** {@code /controller} was created, changed or deleted. */
    void onControllerChanged();

    /** The children of {@code /brokers/ids} changed. */
    void onBrokersChanged();

    /** The children of {@code /brokers/topics} changed. */
    void onTopicsChanged();

    /** The topic znode {@code /brokers/topics/<topic>} changed or was deleted. */
    void onTopicChanged(String topic);

    /** The children of {@code /admin/delete_topics} changed. */
    void onTopicDeletionsChanged();

    /** The children of {@code /isr_change_notification} changed. */
    void onIsrChangeNotificationsChanged();

    /** The ZooKeeper session is lost (expired): ephemeral znodes and watches are gone. */
    void onSessionLost();

    /** The connection is back, with the same session or (after {@link #onSessionLost}) a new one. */
    void onReconnected();
}
