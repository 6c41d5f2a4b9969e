package io.weir.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SkimpyOffsetMapTest {

    private static ByteBuffer key(int i) {
        return ByteBuffer.wrap(("key-" + i).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void putGetOverwriteAndClear() {
        SkimpyOffsetMap map = new SkimpyOffsetMap(SkimpyOffsetMap.BYTES_PER_ENTRY * 1000);
        for (int i = 0; i < 900; i++) {
            map.put(key(i), i);
        }
        for (int i = 0; i < 900; i++) {
            assertThat(map.get(key(i))).isEqualTo(i);
        }
        assertThat(map.get(key(5000))).isEqualTo(-1L);
        map.put(key(3), 10_000L);
        assertThat(map.get(key(3))).isEqualTo(10_000L);
        assertThat(map.size()).isEqualTo(900);
        assertThat(map.latestOffset()).isEqualTo(10_000L);

        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(key(3))).isEqualTo(-1L);
        assertThat(map.latestOffset()).isEqualTo(-1L);
    }

    @Test
    void fillsEverySlotAndThenRefuses() {
        SkimpyOffsetMap map = new SkimpyOffsetMap(SkimpyOffsetMap.BYTES_PER_ENTRY * 37);
        for (int i = 0; i < 37; i++) {
            map.put(key(i), i);
        }
        for (int i = 0; i < 37; i++) {
            assertThat(map.get(key(i))).isEqualTo(i);
        }
        assertThat(map.utilization()).isEqualTo(1.0);
        assertThatThrownBy(() -> map.put(key(99), 99)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyBufferPositionIsNotConsumed() {
        SkimpyOffsetMap map = new SkimpyOffsetMap(1024);
        ByteBuffer k = key(1);
        map.put(k, 5);
        assertThat(k.remaining()).isEqualTo(5);
        assertThat(map.get(k)).isEqualTo(5L);
    }
}
