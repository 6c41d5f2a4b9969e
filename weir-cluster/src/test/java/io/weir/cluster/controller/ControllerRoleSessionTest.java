package io.weir.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.cluster.zk.ZkSessions;
import io.weir.cluster.zk.ZkStore;

/**
 * One broker's {@link ControllerRole} through an expiry of its ZooKeeper session, on a real
 * ZooKeeper, with the controller queue run on the test's thread: the watches and the connection
 * listener queue their events as they would, and the test decides when each one runs, so an
 * interleaving the controller thread meets only by chance is played every time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerRoleSessionTest extends DriverTestSupport {

    private final ControllerEventQueue queue = new ControllerEventQueue(time);
    private final RecordingChannel channel = new RecordingChannel();

    /** Broker 1's role on the session of {@code store}, controller after its first election (epoch 1). */
    private ControllerRole controller(ZkStore store) {
        ControllerDriverConfig config = config(false);
        ControllerRole role = new ControllerRole(store, 1, config, new Controller(config.controllerConfig()), channel,
            time, queue);
        closeLater(role::onShutdown);
        role.elect();
        assertThat(role.isActive()).isTrue();
        return role;
    }

    /**
     * Expires the session; returns once the loss and then the reconnect on a new session are
     * queued. (A reconnect to the old session may come before them: the second client of
     * {@link ZkSessions#expire} and this one can take the session from each other before it closes.)
     */
    private void expireSession(ZkStore store) throws Exception {
        long oldSession = store.sessionId();
        ZkSessions.expire(store, zk.connectString());
        await("the session loss and the reconnect queued", () -> {
            List<String> names = queue.queuedNames();
            return names.lastIndexOf("Reconnected") > names.lastIndexOf("SessionLost")
                && names.contains("SessionLost") && store.sessionId() != oldSession;
        });
    }

    /** Runs the tasks waiting now, in order (not those they queue). */
    private void runQueued() {
        for (int n = queue.queuedNames().size(); n > 0; n--) {
            queue.runNext();
        }
    }

    /** Runs the tasks queued before the first {@code name}, and that one if {@code inclusive}. */
    private void runUntil(String name, boolean inclusive) {
        int n = queue.queuedNames().indexOf(name) + (inclusive ? 1 : 0);
        for (; n > 0; n--) {
            queue.runNext();
        }
    }

    @Test
    void aControllerWhoseSessionExpiresResignsThenWinsOneNewElection() throws Exception {
        ZkStore store = registerBroker(1);
        ControllerRole role = controller(store);
        await("the watch on /controller saw it created", () -> queue.queuedNames().contains("ControllerChange"));
        runQueued();
        assertThat(role.isActive()).isTrue();
        assertThat(channel.brokerChanges).last().extracting(List::size).isEqualTo(1);

        expireSession(store);
        runUntil("SessionLost", true);

        assertThat(channel.brokerChanges).as("resigned on the loss").contains(List.of());
        runQueued();
        assertThat(role.isActive()).as("won again on the new session").isTrue();
        assertThat(role.activeControllerId()).isEqualTo(1);
        assertThat(controllerEpoch(rawClient())).isEqualTo(2);
    }

    /**
     * Seen in CI as controller epoch 3 after one expiry. The check queued by the watch on the
     * new {@code /controller} had not run when the session expired: its read waited out the expiry
     * and it raced on the new session, winning epoch 2 ahead of the SessionLost queued behind it.
     * SessionLost then deposed the controller just elected; the reconnect found {@code /controller}
     * this session's but nobody acting on it, gave it up, and a third race won epoch 3, after a
     * gap with no controller.
     */
    @Test
    void anElectionThatWinsOnTheNewSessionBeforeTheLossIsHandledIsTheOnlyNewOne() throws Exception {
        ZkStore store = registerBroker(1);
        ControllerRole role = controller(store);
        await("the watch on /controller saw it created", () -> queue.queuedNames().contains("ControllerChange"));
        assertThat(channel.brokerChanges).last().extracting(List::size).isEqualTo(1);

        expireSession(store);
        assertThat(queue.queuedNames()).startsWith("ControllerChange").endsWith("SessionLost", "Reconnected");

        runUntil("SessionLost", false);
        assertThat(role.isActive()).as("the old check raced on the new session").isTrue();
        assertThat(controllerEpoch(rawClient())).isEqualTo(2);
        runQueued();
        runQueued(); // what the reconnect queued: its re-reads

        assertThat(role.isActive()).as("still the controller elected on this session").isTrue();
        assertThat(role.activeControllerId()).isEqualTo(1);
        assertThat(admin.activeControllerId()).hasValue(1);
        assertThat(controllerEpoch(rawClient())).as("one expiry, one new election").isEqualTo(2);
        assertThat(channel.brokerChanges).as("the old session's controller resigned").contains(List.of());
    }
}
