package io.weir.cli.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Optional;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

import io.weir.cli.ExitCodes;
import io.weir.cli.client.CliException;

class GroupConsumptionTest {

    @Test
    void aClusterWithoutGroupApisIsAClusterError() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
        consumer.setPollException(new UnsupportedVersionException("The node does not support FIND_COORDINATOR"));
        GroupConsumption group = new GroupConsumption(consumer, "t", StartPosition.LATEST, false);
        RecordSink sink = RecordSink.formatted(RecordFormat.parse(RecordFormat.DEFAULT), new ByteArrayOutputStream());

        CliException e = catchThrowableOfType(CliException.class,
            () -> group.run((c, s, ends, printed) -> c.poll(Duration.ZERO), sink, Optional.empty()));

        assertThat(e.exitCode()).isEqualTo(ExitCodes.CLUSTER_ERROR);
        assertThat(e).hasMessage("the cluster does not support consumer groups "
            + "(The node does not support FIND_COORDINATOR)");
    }
}
