package io.trainscope.djl.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps the memory that native code frees inside the process for reuse, instead of glibc
 * handing it back to the kernel. PyTorch frees a step's tensors when the step ends and
 * allocates the same sizes again in the next one. With glibc's defaults, a free that leaves
 * enough room at the top of a thread's heap returns those pages to the kernel, and the next
 * step takes a page fault, and a zeroed page, for every 4 KB it touches again. Whether that
 * happens depends on where the heap's free space happens to lie: the overhead benchmark saw
 * from 0 to 456 faults a training step, and the step's CPU time moved with them by up to 1 ms
 * (docs/BENCHMARKS.md, "Session 8"). Raising the trim threshold stops it; a fixed mmap
 * threshold keeps tensors of up to 32 MB in the heap, where freed memory is reused.
 * The process then keeps its peak native footprint, which for training is what the next step
 * needs anyway.
 */
public final class NativeHeap {

    /** glibc's {@code mallopt} parameters (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** Free memory at the top of a heap that glibc keeps rather than return: 1 GiB. */
    private static final int TRIM_THRESHOLD = 1 << 30;
    /** Allocations above this get their own mapping, returned on free: glibc's largest, 32 MiB. */
    private static final int MMAP_THRESHOLD = 32 << 20;

    private NativeHeap() {}

    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    /**
     * Applies the thresholds for the whole process, once at start, before training allocates.
     * Returns false, changing nothing, where the C library is not glibc or JNA cannot load:
     * training then runs as before, only with more page faults.
     */
    public static boolean keepFreedMemory() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            return libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 && libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1;
        } catch (LinkageError e) {
            return false; // JNA could not load, or a C library without mallopt: glibc's defaults stay
        }
    }
}
