package org.mtlab.core.report;

import java.util.List;

/**
 * What the verdict leads with: one sentence that decides, then at most three bullets (the primary task's effect with
 * its interval, the cost of one model against the STL models, the largest risk to another task). Computed once, by
 * {@link VerdictRules}; the Markdown and HTML reports, the JSON the dashboard and the CLI read, and the demo all render
 * this record as it is.
 *
 * @param decision      the decision
 * @param configuration the MTL configuration the lead speaks of (the recommended one; when none keeps every margin,
 *                      the closest); null when there is no decision yet
 * @param headline      the decision in words; {@code sentence} starts with it
 * @param sentence      one sentence: the decision and why
 * @param bullets       at most three, each with its numbers and their sign convention
 */
public record VerdictLead(Decision decision, String configuration, String headline, String sentence,
                          List<String> bullets) {
    public static final int MAX_BULLETS = 3;

    public VerdictLead {
        if (!sentence.startsWith(headline)) {
            throw new IllegalArgumentException("the sentence must start with the headline: " + sentence);
        }
        if (bullets.size() > MAX_BULLETS) {
            throw new IllegalArgumentException("at most " + MAX_BULLETS + " bullets: " + bullets);
        }
        bullets = List.copyOf(bullets);
    }

    public enum Decision {
        /** Something differs beyond the seed spread and, by the task values, training together pays. */
        TRAIN_TOGETHER("Train together"),
        /** Training together does not pay by the task values, or no MTL configuration keeps every margin. */
        TRAIN_APART("Train apart"),
        /** No task differs beyond the seed spread, every margin is safe: one model is cheaper, so train together. */
        NO_MEASURABLE_DIFFERENCE_TOGETHER("No measurable difference: train together for the cost"),
        /**
         * No task differs beyond the seed spread, but a task's margin is at risk (its interval reaches a loss beyond
         * the margin, or one seed cannot bound it), or one model would not be cheaper.
         */
        NO_MEASURABLE_DIFFERENCE_APART("No measurable difference: train apart"),
        /** Baselines or MTL runs are missing. */
        NO_DECISION_YET("No decision yet");

        private final String headline;

        Decision(String headline) {
            this.headline = headline;
        }

        public String headline() {
            return headline;
        }

        /** Whether the decision is to train the tasks together. */
        public boolean together() {
            return this == TRAIN_TOGETHER || this == NO_MEASURABLE_DIFFERENCE_TOGETHER;
        }
    }

    /** The sentence after its headline (starts with ":" or " "), for renderers that set the headline apart. */
    public String afterHeadline() {
        return sentence.substring(headline.length());
    }

    /** Plain text: the sentence, then one "  - " line per bullet (the demo's final output). */
    public String plainText() {
        StringBuilder out = new StringBuilder(sentence);
        bullets.forEach(b -> out.append("\n  - ").append(b));
        return out.toString();
    }
}
