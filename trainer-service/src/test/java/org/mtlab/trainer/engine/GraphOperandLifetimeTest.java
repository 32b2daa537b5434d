package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every operand the autograd graph keeps must live until the step's backward passes are done. DJL turns a Java
 * number given to an operation into a tensor over a direct buffer and frees it right after the operation, while the
 * graph keeps that tensor; the second task's backward (graph kept after the first) then read freed memory. Here a
 * second thread keeps the collector busy and scribbles over freshly freed direct memory while one model computes the
 * same step again and again: every repeat must give exactly the first one's losses and gradients. Before the fix this
 * failed within a few repeats; without the scribbling thread it failed about once in a few thousand steps, more often
 * under load, and showed up as resumed (and even uninterrupted) MultiLeNet runs that differed.
 */
class GraphOperandLifetimeTest {
    private static final int REPEATS = 60;

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void perTaskGradientsRepeatExactlyWhileTheCollectorFreesAndReusesDirectMemory() throws InterruptedException {
        int side = 20;
        int rows = 8;
        MlpLayout layout = MlpLayout.multiLeNet(side, side, new int[] {10, 10});
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, 11, new int[] {0, 1});
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[rows * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        float[][] y = new float[2][rows];
        for (int r = 0; r < rows; r++) {
            y[0][r] = random.nextInt(10);
            y[1][r] = random.nextInt(10);
        }
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true});
        ReferencePasses.Gradients first = model.gradients(params, x, y, rows);
        float[] losses = first.losses().clone();
        float[][] shared = {first.sharedGradients()[0].clone(), first.sharedGradients()[1].clone()};
        float[] heads = first.headGradients().clone();
        float[] weightedLosses = {0.25f, 0.75f};
        ReferencePasses.WeightedGradient weightedFirst = model.weightedGradient(params, x, y, rows, l -> weightedLosses);
        float[] weightedShared = weightedFirst.sharedGradient().clone();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong collections = new AtomicLong();
        Thread scribbler = new Thread(() -> {
            while (!stop.get()) {
                System.gc(); // lets the cleaner free direct buffers nothing references any more
                for (int size = 4; size <= 4096; size *= 2) { // then takes such small blocks back and dirties them
                    ByteBuffer junk = ByteBuffer.allocateDirect(size);
                    for (int i = 0; i < size; i++) {
                        junk.put(i, (byte) 0x7f);
                    }
                }
                collections.incrementAndGet();
            }
        }, "scribbler");
        scribbler.setDaemon(true);
        scribbler.start();
        try {
            for (int repeat = 1; repeat <= REPEATS; repeat++) {
                ReferencePasses.Gradients again = model.gradients(params, x, y, rows);
                assertArrayEquals(losses, again.losses(), "losses, repeat " + repeat);
                assertArrayEquals(shared[0], again.sharedGradients()[0], "task 0's shared gradient, repeat " + repeat);
                assertArrayEquals(shared[1], again.sharedGradients()[1], "task 1's shared gradient (second backward "
                        + "of the kept graph), repeat " + repeat);
                assertArrayEquals(heads, again.headGradients(), "head gradients, repeat " + repeat);
                assertArrayEquals(weightedShared, model.weightedGradient(params, x, y, rows, l -> weightedLosses)
                        .sharedGradient(), "weighted single-backward gradient, repeat " + repeat);
            }
        } finally {
            stop.set(true);
            scribbler.join();
        }
        assertTrue(collections.get() >= 10, "the collector ran during the repeats: " + collections.get() + " rounds");
    }
}
