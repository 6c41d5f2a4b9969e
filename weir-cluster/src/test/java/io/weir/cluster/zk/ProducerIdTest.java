package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProducerIdTest extends ZkTestSupport {

    @Test
    void firstBlockStartsAtZeroAndHasKafkasJson() throws Exception {
        ZkStore store = connect();
        ProducerIdBlock block = store.allocateProducerIdBlock(7, 1000);
        assertThat(block).isEqualTo(new ProducerIdBlock(7, 0, 1000));
        assertThat(rawJson(store, "/latest_producer_id_block").toString())
            .isEqualTo("{\"version\":1,\"broker\":7,\"block_start\":\"0\",\"block_end\":\"999\"}");
        assertThat(store.allocateProducerIdBlock(8, 10)).isEqualTo(new ProducerIdBlock(8, 1000, 10));
    }

    @Test
    void concurrentAllocationFromTwoClientsNeverOverlaps() throws Exception {
        ZkStore a = connect();
        ZkStore b = connect();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<ProducerIdBlock>> fa = pool.submit(allocate(a, 1));
            Future<List<ProducerIdBlock>> fb = pool.submit(allocate(b, 2));
            List<ProducerIdBlock> all = new ArrayList<>(fa.get(60, TimeUnit.SECONDS));
            all.addAll(fb.get(60, TimeUnit.SECONDS));

            all.sort(Comparator.comparingLong(ProducerIdBlock::firstProducerId));
            assertThat(all).hasSize(100);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).firstProducerId()).isEqualTo(i * 100L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<List<ProducerIdBlock>> allocate(ZkStore store, int brokerId) {
        return () -> {
            List<ProducerIdBlock> blocks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                blocks.add(store.allocateProducerIdBlock(brokerId, 100));
            }
            return blocks;
        };
    }

    @Test
    void managerHandsOutUniqueIdsAcrossBlocksAndRestarts() {
        ZkStore store = connect();
        ProducerIdManager first = new ProducerIdManager(store, 1, 3);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            assertThat(ids.add(first.generateProducerId())).isTrue();
        }
        assertThat(ids).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);

        ProducerIdManager restarted = new ProducerIdManager(connect(), 1, 3);
        assertThat(restarted.generateProducerId()).isEqualTo(9L);
        assertThat(first.generateProducerId()).isEqualTo(7L);
    }
}
