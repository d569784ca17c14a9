package io.trainscope.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeHeapTest {

    private static final int BYTES = 20 << 20;

    @Test
    void memoryFreedAndAllocatedAgainIsReusedWithoutPageFaults() throws Exception {
        assertThat(NativeHeap.keepFreedMemory()).isTrue();
        touchAndFree(); // the first time, the pages are new to the process

        long before = minorFaults();
        touchAndFree();
        long faults = minorFaults() - before;

        // with glibc's defaults, 20 MB is mapped and unmapped each time: about 5000 faults
        assertThat(faults).isLessThan(BYTES / 4096 / 10);
    }

    private static void touchAndFree() {
        long address = Native.malloc(BYTES);
        assertThat(address).isNotZero();
        new Pointer(address).setMemory(0, BYTES, (byte) 1);
        Native.free(address);
    }

    /** This thread's minor page faults, from /proc/thread-self/stat. */
    private static long minorFaults() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
