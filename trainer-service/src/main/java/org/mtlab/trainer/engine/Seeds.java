package org.mtlab.trainer.engine;

/** Independent random streams derived from a run's seed (SplitMix64 finaliser), one per purpose. */
final class Seeds {
    static final long TRUNK_INIT = 0x7472756e6bL;
    static final long HEAD_INIT = 0x68656164L;
    static final long SHUFFLE = 0x73687566L;
    /** The weighting method's own randomness (RLW's weights, PCGrad's and GradVac's task order, GradDrop's draws). */
    static final long METHOD = 0x6d6574686f64L;
    /** Which samples of a batch the single-task conflict baseline draws. */
    static final long BASELINE = 0x626173656c696e65L;

    private Seeds() {
    }

    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
