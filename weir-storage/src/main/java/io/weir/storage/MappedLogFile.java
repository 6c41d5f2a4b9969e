package io.weir.storage;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.common.record.internal.FileRecords;

/**
 * One read-only memory mapping of the first {@link #length()} bytes of a segment's {@code .log},
 * with a count of the readers using it. {@link #retire()} waits until no reader holds the
 * mapping, stops new ones from taking it, then unmaps it; only after that may the file shrink.
 * The buffer never leaves the holder's scan, so no access can follow the unmap.
 *
 * <p>Threading: {@link #tryAcquire()} / {@link #release()} from any thread around each use;
 * {@link #retire()} once, by the {@link LogFileMapping} that made it.
 */
final class MappedLogFile {

    private static final int RETIRED = Integer.MIN_VALUE;
    private static final int SPINS_BEFORE_PARK = 1_000;
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

    private final MappedByteBuffer buffer;
    private final int length;
    private final AtomicInteger users = new AtomicInteger();

    private MappedLogFile(MappedByteBuffer buffer, int length) {
        this.buffer = buffer;
        this.length = length;
    }

    /** Maps the bytes of {@code log} up to its current size (which must not shrink while mapped). */
    static MappedLogFile map(FileRecords log) throws IOException {
        int length = log.sizeInBytes();
        return new MappedLogFile(log.channel().map(FileChannel.MapMode.READ_ONLY, 0, length), length);
    }

    /** Bytes mapped: positions {@code [0, length)} may be read. */
    int length() {
        return length;
    }

    /** The mapping; absolute reads only, and only between a successful {@link #tryAcquire()} and its release. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Takes the mapping for one scan; false once it is retired (read through the channel instead). */
    boolean tryAcquire() {
        while (true) {
            int n = users.get();
            if (n < 0) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        users.decrementAndGet();
    }

    /** Waits for the current readers (a header scan each, microseconds), refuses new ones, unmaps. */
    void retire() {
        int spins = 0;
        while (!users.compareAndSet(0, RETIRED)) {
            if (users.get() == RETIRED) {
                return;
            }
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
        unmap(buffer);
    }

    /**
     * Releases the mapping now rather than when the buffer is collected, so that the disk space
     * of a deleted segment is freed at once. Without {@code sun.misc.Unsafe} the GC does it.
     */
    private static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || buffer.capacity() == 0) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (Throwable e) {
            // Left to the garbage collector, as the index mappings are.
        }
    }

    private static MethodHandle findInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
