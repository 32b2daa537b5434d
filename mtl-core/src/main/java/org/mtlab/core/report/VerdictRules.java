package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.report.StudyReport.Configuration;
import org.mtlab.core.report.StudyReport.OptimizerCount;
import org.mtlab.core.report.StudyReport.ParetoSummary;
import org.mtlab.core.report.Verdict.Answer;
import org.mtlab.core.report.Verdict.Recommendation;
import org.mtlab.core.report.Verdict.TaskVerdict;
import org.mtlab.core.report.VerdictLead.Decision;

/** The verdict's rules ({@link SeedComparison#RULE}, {@link StudyReportBuilder#RECOMMENDATION_RULE}, warnings). */
final class VerdictRules {
    static final String LEAD_RULE = "the lead: with no configuration within every margin, train apart; when no task "
            + "differs from its STL baseline beyond the seed spread under the recommended configuration, there is no "
            + "measurable difference: train together for the cost, unless a task's margin is at risk (the worse end of "
            + "its 95% Welch interval, relative to the STL mean, is a loss beyond the margin, or one seed cannot bound "
            + "it) or one model is measurably not cheaper (more parameters and no faster to serve), then train apart; "
            + "otherwise train together when the value-weighted gain is positive, apart when it is not. Bullets: the "
            + "primary task's change with its interval, the cost of one model against the STL models, and the other "
            + "task with the worst end of its interval (a risk only when that end is a loss)";

    /** A task's smallest loss under every configuration is warned from here on: below it, it prints as 0.0%. */
    static final double WARN_LOSS_FROM = 0.05;

    private VerdictRules() {
    }

    /**
     * The configuration the verdict speaks of: among those within every margin the one with the best value-weighted
     * gain (ties by label); when none keeps every margin, the one whose largest breach is smallest; null when no
     * configuration's gain is known for every task (or baselines are missing).
     */
    static String subject(List<String> tasks, Map<String, StudyAnalysis.StlBaseline> baselines,
                          List<Configuration> configurations) {
        if (!baselines.keySet().containsAll(tasks) || configurations.isEmpty()) {
            return null;
        }
        Configuration c = recommended(configurations);
        if (c == null) {
            c = closest(configurations);
        }
        return c == null ? null : c.label();
    }

    private static Configuration recommended(List<Configuration> configurations) {
        return configurations.stream().filter(Configuration::withinMargins)
                .max(Comparator.comparingDouble((Configuration c) -> c.valueWeightedGainPercent())
                        .thenComparing(Configuration::label, Comparator.reverseOrder()))
                .orElse(null);
    }

    private static Configuration closest(List<Configuration> configurations) {
        return configurations.stream().filter(c -> !c.marginBreachPoints().isEmpty())
                .min(Comparator.comparingDouble((Configuration c) -> worstBreach(c)).thenComparing(Configuration::label))
                .orElse(null);
    }

    /**
     * @param savings one MTL model against the STL models, for the configuration {@link #subject} names; null when
     *                the cost was not measured
     */
    static Verdict decide(List<String> tasks, Map<String, StudyAnalysis.StlBaseline> baselines,
                          List<Configuration> configurations, ParetoSummary pareto, StudyDecision decision,
                          StudyReport.Savings savings) {
        List<String> rules = List.of(SeedComparison.RULE, StudyReportBuilder.PRIMARY_RULE,
                StudyReportBuilder.RECOMMENDATION_RULE, LEAD_RULE, StudyReportBuilder.WARNING_RULES);
        String primary = tasks.contains(decision.primaryTask()) ? decision.primaryTask() : tasks.get(0);
        List<String> warnings = new ArrayList<>();
        List<String> missing = tasks.stream().filter(t -> !baselines.containsKey(t)).toList();
        if (!missing.isEmpty() || configurations.isEmpty()) {
            String why = !missing.isEmpty() ? "no finished STL baseline for " + String.join(", ", missing)
                    : "no finished MTL run";
            return new Verdict(noDecisionYet(why), Answer.INSUFFICIENT_DATA, "No verdict yet: " + why + ".", List.of(),
                    null, warnings, rules, primary, null);
        }
        List<String> order = new ArrayList<>(tasks);
        order.remove(primary);
        order.add(0, primary);
        List<TaskVerdict> perTask = new ArrayList<>();
        for (String task : order) {
            StudyAnalysis.StlBaseline b = baselines.get(task);
            Comparator<Configuration> byMean = Comparator.comparingDouble(c -> c.perTask().get(task).mean());
            Configuration best = b.higherIsBetter() ? configurations.stream().max(byMean).orElseThrow()
                    : configurations.stream().min(byMean).orElseThrow();
            perTask.add(compare(task, b, best, true));
        }
        String primaryFinding = primaryFinding(primary, order, baselines, configurations, decision);

        Configuration rec = recommended(configurations);
        if (rec == null) {
            Configuration closest = closest(configurations);
            if (closest == null) {
                String why = "no configuration's gain against STL is known for every task (an STL baseline mean of 0 "
                        + "has no relative change)";
                return new Verdict(noDecisionYet(why), Answer.INSUFFICIENT_DATA, primaryFinding + " No configuration's "
                        + "gain against STL is known for every task (an STL baseline mean of 0 has no relative change).",
                        perTask, null, warnings, rules, primary, primaryFinding);
            }
            String breaches = closest.marginBreachPoints().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> e.getKey() + " loses " + Fmt.fixed(-closest.gainVsStlPercent().get(e.getKey()), 1)
                            + "% against its STL baseline where its margin accepts " + marginText(decision.marginOf(e.getKey()))
                            + " (" + Fmt.fixed(e.getValue(), 1) + " points beyond)")
                    .collect(Collectors.joining("; "));
            String summary = primaryFinding + " No MTL configuration keeps every task within its margin, so none is "
                    + "recommended: train apart, or relax a margin. The closest is " + closest.label() + ": " + breaches
                    + " — the smallest breach of the " + configurations.size()
                    + (configurations.size() == 1 ? " configuration." : " configurations.");
            addWarnings(tasks, baselines, configurations, pareto, warnings);
            List<TaskVerdict> closestTrades = order.stream().map(t -> compare(t, baselines.get(t), closest, false)).toList();
            String sentence = Decision.TRAIN_APART.headline() + ": no MTL configuration keeps every task within its "
                    + "margin; the closest, " + closest.label() + ", " + closest.marginBreachPoints().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> "loses " + Fmt.fixed(-closest.gainVsStlPercent().get(e.getKey()), 1) + "% on " + e.getKey()
                            + " where its margin accepts " + marginText(decision.marginOf(e.getKey())))
                    .collect(Collectors.joining(" and ")) + ".";
            VerdictLead lead = lead(Decision.TRAIN_APART, closest.label(), sentence, closestTrades, savings, decision,
                    tasks.size());
            return new Verdict(lead, Answer.NO_CONFIGURATION_WITHIN_MARGINS, summary, perTask, null, warnings, rules,
                    primary, primaryFinding);
        }

        // recommendation: the best value-weighted gain among the configurations within every margin
        List<Configuration> admissible = configurations.stream().filter(Configuration::withinMargins).toList();
        List<TaskVerdict> trades = order.stream().map(t -> compare(t, baselines.get(t), rec, false)).toList();
        double vg = rec.valueWeightedGainPercent();
        List<TaskVerdict> better = trades.stream().filter(t -> t.outcome() == SeedComparison.Outcome.MTL_BETTER).toList();
        List<TaskVerdict> worse = trades.stream().filter(t -> t.outcome() == SeedComparison.Outcome.MTL_WORSE).toList();
        boolean oneSeed = trades.stream().anyMatch(t -> t.comparison().oneSeed());
        String vgText = "value-weighted gain " + Fmt.pct(vg) + " (positive = better than STL; " + rec.seeds()
                + (rec.seeds() == 1 ? " seed" : " seeds") + (rec.deltaMPercent() == null ? ""
                : ", Δm " + Fmt.pct(rec.deltaMPercent().mean()) + " in the literature convention, lower is better") + ")";
        String margins = admissible.size() == configurations.size() ? ""
                : " (" + admissible.size() + " of " + configurations.size() + " configurations keep every margin)";
        String withinMargins = worse.stream().allMatch(t -> decision.marginOf(t.task()) != null)
                ? ", within the accepted margins" : "";
        Answer answer;
        String decisionSentence;
        if (vg > 0 && !worse.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER_WITH_TRADE_OFF;
            decisionSentence = "Training together with " + rec.label() + " pays on average (" + vgText + ")" + margins
                    + " but costs " + lossList(worse) + " beyond the seed spread" + withinMargins + ".";
        } else if (vg > 0 && !better.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER;
            decisionSentence = "Train together with " + rec.label() + ": " + vgText + margins + ", "
                    + gainList(better) + " beyond the seed spread, and no task worse beyond it.";
        } else if (vg <= 0 && !worse.isEmpty()) {
            answer = Answer.TRAIN_APART;
            decisionSentence = "Train apart: no MTL configuration within the margins beats the STL baselines on "
                    + "average (best: " + rec.label() + ", " + vgText + "), and even it costs " + lossList(worse)
                    + " beyond the seed spread.";
        } else if (vg <= 0 && !better.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER_WITH_TRADE_OFF;
            decisionSentence = "No MTL configuration within the margins beats the STL baselines on average (best: "
                    + rec.label() + ", " + vgText + "), although it is " + gainList(better)
                    + " beyond the seed spread: by the task values it does not pay.";
        } else {
            answer = Answer.NOT_DISTINGUISHABLE;
            decisionSentence = "Not distinguishable from training apart: the best MTL configuration within the margins, "
                    + rec.label() + ", has " + vgText + ", but no task differs from its STL baseline beyond the seed "
                    + "spread" + (oneSeed ? " — with one seed there is no spread to judge by; run more seeds." : ".");
        }
        VerdictLead lead = recommendedLead(answer, rec, trades, better, worse, savings, decision, tasks.size());
        String summary = primaryFinding + " " + decisionSentence;
        String recSentence = (lead.decision().together() ? "Recommended: " : "Best MTL configuration within the margins, "
                + "should you train together anyway: ") + rec.label() + " — " + vgText + ", improvement fraction "
                + (rec.improvementFraction() == null ? "n/a" : Fmt.signed(rec.improvementFraction().mean(), 4))
                + " (LibMTL convention, higher is better). Against STL it trades: "
                + trades.stream().map(t -> t.task() + " " + Fmt.pct(t.comparison().gainPercent()) + " ("
                        + (t.comparison().oneSeed() ? "not distinguishable: one seed" : t.outcome().words())
                        + marginNote(decision.marginOf(t.task())) + ")")
                        .collect(Collectors.joining(", "))
                + " (positive = better than STL).";
        Recommendation recommendation = new Recommendation(rec.label(), rec.optimizer(), rec.method(),
                rec.deltaMPercent(), trades, recSentence, vg);
        addWarnings(tasks, baselines, configurations, pareto, warnings);
        return new Verdict(lead, answer, summary, perTask, recommendation, warnings, rules, primary, primaryFinding);
    }

    private static VerdictLead noDecisionYet(String why) {
        return new VerdictLead(Decision.NO_DECISION_YET, null, Decision.NO_DECISION_YET.headline(),
                Decision.NO_DECISION_YET.headline() + ": " + why + ".", List.of());
    }

    /** The lead when a configuration keeps every margin: the rule of {@link #LEAD_RULE} from the answer onwards. */
    private static VerdictLead recommendedLead(Answer answer, Configuration rec, List<TaskVerdict> trades,
                                               List<TaskVerdict> better, List<TaskVerdict> worse,
                                               StudyReport.Savings savings, StudyDecision decision, int taskCount) {
        String vgText = "value-weighted gain " + Fmt.pct(rec.valueWeightedGainPercent())
                + ", positive = better than training apart";
        String label = rec.label();
        Decision d;
        String sentence;
        if (answer == Answer.NOT_DISTINGUISHABLE) {
            boolean oneSeed = trades.stream().anyMatch(t -> t.comparison().oneSeed());
            List<String> atRisk = trades.stream().map(t -> marginRisk(t, decision.marginOf(t.task())))
                    .filter(java.util.Objects::nonNull).toList();
            String none = "with " + label + " no task differs from training apart beyond the seed spread";
            if (!atRisk.isEmpty()) {
                d = Decision.NO_MEASURABLE_DIFFERENCE_APART;
                sentence = d.headline() + " — " + none + ", but " + String.join(" and ", atRisk) + ".";
            } else if (notCheaper(savings, label)) {
                d = Decision.NO_MEASURABLE_DIFFERENCE_APART;
                sentence = d.headline() + " — " + none + ", and one model of " + label + " is not cheaper than the "
                        + taskCount + " STL models (" + Fmt.fixed(-savings.parameterReductionPercent(), 1)
                        + "% more parameters, " + Fmt.fixed(savings.servingSpeedup(), 2) + "× the speed to serve).";
            } else {
                d = Decision.NO_MEASURABLE_DIFFERENCE_TOGETHER;
                sentence = d.headline() + " — " + none + (oneSeed ? " (with one seed nothing can be measured; run more "
                        + "seeds)" : "") + ", " + (trades.stream().anyMatch(t -> decision.marginOf(t.task()) != null)
                        ? "every margin holds even at the worse end of its interval, " : "")
                        + "and one model replaces the " + taskCount + " STL models.";
            }
        } else if (rec.valueWeightedGainPercent() > 0) {
            d = Decision.TRAIN_TOGETHER;
            String gains = better.isEmpty() ? "" : "better than training apart on " + names(better) + " beyond the seed "
                    + "spread";
            if (worse.isEmpty()) {
                sentence = d.headline() + " with " + label + ": " + gains + ", and no task worse beyond it.";
            } else {
                String losses = names(worse) + " " + (worse.size() == 1 ? "is" : "are") + " worse beyond the seed "
                        + "spread" + (worse.stream().allMatch(t -> decision.marginOf(t.task()) != null)
                        ? ", within " + (worse.size() == 1 ? "its margin" : "their margins") : "");
                sentence = d.headline() + " with " + label + ": " + (gains.isEmpty() ? "" : gains + " and ")
                        + "it pays by the task values (" + vgText + "), though " + losses + ".";
            }
        } else {
            d = Decision.TRAIN_APART;
            sentence = d.headline() + ": the best MTL configuration within the margins, " + label + ", "
                    + (worse.isEmpty() ? "is better on " + names(better) + " beyond the seed spread but"
                    : "is worse than training apart on " + names(worse) + " beyond the seed spread and")
                    + " does not pay by the task values (" + vgText + ").";
        }
        return lead(d, label, sentence, trades, savings, decision, taskCount);
    }

    /** The sentence with its bullets: the primary task (trades' first), the cost, the largest risk to another task. */
    private static VerdictLead lead(Decision d, String configuration, String sentence, List<TaskVerdict> trades,
                                    StudyReport.Savings savings, StudyDecision decision, int taskCount) {
        List<String> bullets = new ArrayList<>();
        TaskVerdict primary = trades.get(0);
        bullets.add("Primary task " + primary.task() + " with " + configuration + ": " + change(primary) + " — "
                + outcomeWords(primary) + marginNote(decision.marginOf(primary.task())) + ".");
        bullets.add(costBullet(configuration, savings, taskCount));
        List<TaskVerdict> others = trades.subList(1, trades.size());
        others.stream().min(Comparator.comparingDouble(VerdictRules::worstGain)).ifPresent(t -> {
            double worst = worstGain(t);
            if (!t.comparison().oneSeed() && !(worst <= -0.05)) {
                bullets.add("No other task at risk: " + (others.size() == 1 ? "even the worse end of " + t.task()
                        + "'s 95% interval is no loss" : "even the worse end of every other task's 95% interval is no "
                        + "loss, the lowest " + t.task() + "'s") + " — " + t.task() + " " + change(t) + ".");
                return;
            }
            Double margin = decision.marginOf(t.task());
            String marginText = margin == null ? "no margin set"
                    : -t.comparison().gainPercent() > 100 * margin ? "breaks its " + marginText(margin) + " margin"
                    : -worst > 100 * margin ? "its interval reaches beyond its " + marginText(margin) + " margin"
                    : "within its " + marginText(margin) + " margin even at the interval's worse end";
            String how = t.comparison().oneSeed() ? "one seed: the loss cannot be bounded"
                    : t.outcome() == SeedComparison.Outcome.MTL_WORSE ? "worse beyond the seed spread"
                    : "a loss of up to " + Fmt.fixed(-worst, 1) + "% not ruled out";
            bullets.add("Largest risk to another task: " + t.task() + " " + change(t) + " — " + how + "; " + marginText
                    + ".");
        });
        return new VerdictLead(d, configuration, d.headline(), sentence, bullets);
    }

    /** "+8.0% against training apart (95% interval +6.9% to +9.1%; positive = better)", or the one-seed form. */
    private static String change(TaskVerdict t) {
        String gain = pctOrNa(t.comparison().gainPercent()) + " against training apart";
        double[] interval = relativeInterval(t);
        return interval == null ? gain + " (one seed: no interval; positive = better)"
                : gain + " (95% interval " + pctOrNa(interval[0]) + " to " + pctOrNa(interval[1]) + "; positive = better)";
    }

    private static String outcomeWords(TaskVerdict t) {
        if (t.comparison().oneSeed()) {
            return "no difference can be measured with one seed";
        }
        return switch (t.outcome()) {
            case MTL_BETTER -> "better beyond the seed spread";
            case MTL_WORSE -> "worse beyond the seed spread";
            case NOT_DISTINGUISHABLE -> "not distinguishable from training apart";
        };
    }

    /**
     * The Welch interval of MTL − STL as a relative change against the STL mean, in percent, positive = MTL better,
     * low end first; null with one seed.
     */
    private static double[] relativeInterval(TaskVerdict t) {
        SeedComparison.Result r = t.comparison();
        if (r.oneSeed() || r.intervalLow() == null) {
            return null;
        }
        double scale = 100.0 / Math.abs(t.stl().mean());
        return t.higherIsBetter() ? new double[] {r.intervalLow() * scale, r.intervalHigh() * scale}
                : new double[] {-r.intervalHigh() * scale, -r.intervalLow() * scale};
    }

    /** The worse end of the relative interval (the mean with one seed), percent, positive = MTL better. */
    private static double worstGain(TaskVerdict t) {
        double[] interval = relativeInterval(t);
        return interval == null ? t.comparison().gainPercent() : interval[0];
    }

    /** Why the task's margin is at risk under the configuration, or null when it is not (or the task has none). */
    private static String marginRisk(TaskVerdict t, Double margin) {
        if (margin == null) {
            return null;
        }
        if (t.comparison().oneSeed()) {
            return "with one seed the loss on " + t.task() + " cannot be bounded against its " + marginText(margin)
                    + " margin";
        }
        double worst = worstGain(t);
        return -worst > 100 * margin ? t.task() + "'s 95% interval reaches a " + Fmt.fixed(-worst, 1) + "% loss, beyond "
                + "its " + marginText(margin) + " margin" : null;
    }

    /** One model measurably not cheaper: more parameters and no faster to serve (for the configuration named). */
    private static boolean notCheaper(StudyReport.Savings s, String configuration) {
        return s != null && configuration.equals(s.mtlConfiguration()) && s.parameterReductionPercent() != null
                && s.servingSpeedup() != null && s.parameterReductionPercent() <= 0 && s.servingSpeedup() <= 1;
    }

    private static String costBullet(String configuration, StudyReport.Savings s, int taskCount) {
        String head = "Cost: one model instead of " + taskCount;
        if (s == null || !configuration.equals(s.mtlConfiguration())) {
            return head + "; its parameters, serving latency and training time were not measured.";
        }
        List<String> parts = new ArrayList<>();
        if (s.parameterReductionPercent() != null) {
            double p = s.parameterReductionPercent();
            parts.add((p >= 0 ? Fmt.fixed(p, 1) + "% fewer" : Fmt.fixed(-p, 1) + "% more") + " parameters ("
                    + Math.round(s.mtlParameters()) + " vs " + Math.round(s.stlParameters()) + ")");
        }
        if (s.servingSpeedup() != null) {
            parts.add(Fmt.fixed(s.servingSpeedup(), 2) + "× " + (s.servingSpeedup() >= 1 ? "faster" : "the speed")
                    + " to serve all tasks");
        }
        if (s.mtlTrainingSeconds() != null && s.stlTrainingSeconds() != null) {
            parts.add(Fmt.fixed(s.mtlTrainingSeconds(), 1) + " s to train vs " + Fmt.fixed(s.stlTrainingSeconds(), 1)
                    + " s");
        }
        return parts.isEmpty() ? head + "; its parameters, serving latency and training time were not measured."
                : head + ": " + String.join(", ", parts) + ".";
    }

    private static String names(List<TaskVerdict> tasks) {
        return tasks.stream().map(TaskVerdict::task).collect(Collectors.joining(" and "));
    }

    private static String pctOrNa(double v) {
        return Double.isFinite(v) ? Fmt.pct(v) : "n/a";
    }

    /** Does any configuration beat the primary task's STL baseline beyond the seed spread, and at what cost. */
    private static String primaryFinding(String primary, List<String> order,
                                         Map<String, StudyAnalysis.StlBaseline> baselines,
                                         List<Configuration> configurations, StudyDecision decision) {
        StudyAnalysis.StlBaseline b = baselines.get(primary);
        Comparator<Configuration> byGain = Comparator.comparingDouble((Configuration c) -> c.gainVsStlPercent()
                .getOrDefault(primary, Double.NEGATIVE_INFINITY)).thenComparing(Configuration::label, Comparator.reverseOrder());
        List<Configuration> beating = configurations.stream()
                .filter(c -> SeedComparison.compare(c.perTask().get(primary), b.value(), b.higherIsBetter()).outcome()
                        == SeedComparison.Outcome.MTL_BETTER).toList();
        Configuration shown = (beating.isEmpty() ? configurations : beating).stream().max(byGain).orElseThrow();
        SeedComparison.Result r = SeedComparison.compare(shown.perTask().get(primary), b.value(), b.higherIsBetter());
        String head = "Primary task " + primary + ": ";
        String figures = b.metric() + " " + Fmt.spread(shown.perTask().get(primary)) + " vs STL " + Fmt.spread(b.value())
                + ", " + Fmt.pct(r.gainPercent());
        String lead;
        if (!beating.isEmpty()) {
            lead = head + beating.size() + " of " + configurations.size() + " MTL configurations beat its STL baseline "
                    + "beyond the seed spread; the best, " + shown.label() + ", reaches " + figures + ".";
        } else {
            boolean allWorse = configurations.stream().allMatch(c -> SeedComparison.compare(c.perTask().get(primary),
                    b.value(), b.higherIsBetter()).outcome() == SeedComparison.Outcome.MTL_WORSE);
            lead = head + "no MTL configuration beats its STL baseline beyond the seed spread"
                    + (allWorse ? " (every one is worse beyond it)" : "") + "; the closest, " + shown.label()
                    + ", reaches " + figures + " (" + (r.oneSeed() ? "one seed: no spread to judge by" : r.outcome().words())
                    + ").";
        }
        List<String> others = order.stream().filter(t -> !t.equals(primary)).toList();
        if (others.isEmpty()) {
            return lead;
        }
        String costs = others.stream().map(t -> {
            StudyAnalysis.StlBaseline ob = baselines.get(t);
            SeedComparison.Result or = SeedComparison.compare(shown.perTask().get(t), ob.value(), ob.higherIsBetter());
            Double breach = shown.marginBreachPoints().get(t);
            return t + " " + Fmt.pct(or.gainPercent()) + " (" + (or.oneSeed() ? "one seed" : or.outcome().words())
                    + (decision.marginOf(t) == null ? "" : breach != null
                        ? "; breaks its " + marginText(decision.marginOf(t)) + " margin by " + Fmt.fixed(breach, 1) + " points"
                        : "; within its " + marginText(decision.marginOf(t)) + " margin") + ")";
        }).collect(Collectors.joining(", "));
        return lead + " Under " + shown.label() + " the other tasks change by " + costs + ".";
    }

    private static double worstBreach(Configuration c) {
        return c.marginBreachPoints().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static String marginText(Double margin) {
        return margin == null ? "no" : Fmt.fixed(100 * margin, 1) + "%";
    }

    private static String marginNote(Double margin) {
        return margin == null ? "" : "; margin " + marginText(margin);
    }

    private static void addWarnings(List<String> tasks, Map<String, StudyAnalysis.StlBaseline> baselines,
                                    List<Configuration> configurations, ParetoSummary pareto, List<String> warnings) {
        for (String task : tasks) {
            List<Configuration> losing = configurations.stream()
                    .filter(c -> c.gainVsStlPercent().get(task) != null && c.gainVsStlPercent().get(task) < 0).toList();
            if (losing.size() == configurations.size()) {
                Configuration least = losing.stream().max(Comparator.comparingDouble(c -> c.gainVsStlPercent().get(task))).orElseThrow();
                Configuration most = losing.stream().min(Comparator.comparingDouble(c -> c.gainVsStlPercent().get(task))).orElseThrow();
                double leastLoss = -least.gainVsStlPercent().get(task);
                if (leastLoss < WARN_LOSS_FROM) {
                    continue; // "loses 0.0% or more" says nothing
                }
                StudyAnalysis.StlBaseline b = baselines.get(task);
                warnings.add("Task " + task + " loses " + Fmt.fixed(leastLoss, 1) + "% or more under every MTL configuration ("
                        + configurations.size() + (configurations.size() == 1 ? " configuration" : " configurations")
                        + (least.gainVsStlPercent().get(task).equals(most.gainVsStlPercent().get(task))
                            ? (configurations.size() > 1 ? ", all " : ": ") + Fmt.pct(least.gainVsStlPercent().get(task))
                            : "; least: " + least.label() + " " + Fmt.pct(least.gainVsStlPercent().get(task))
                                + ", most: " + most.label() + " " + Fmt.pct(most.gainVsStlPercent().get(task)))
                        + ") against its STL baseline " + b.metric() + " " + Fmt.spread(b.value()) + ".");
            }
        }
        List<OptimizerCount> counts = pareto.byOptimizer();
        boolean anyOnFront = counts.stream().anyMatch(c -> c.paretoOptimal() > 0);
        if (counts.size() > 1 && anyOnFront) {
            for (OptimizerCount c : counts) {
                if (c.paretoOptimal() == 0) {
                    String others = counts.stream().filter(o -> o.paretoOptimal() > 0)
                            .map(o -> o.optimizer() + " " + o.paretoOptimal() + " of " + o.configurations())
                            .collect(Collectors.joining(", "));
                    warnings.add(c.optimizer().toUpperCase(java.util.Locale.ROOT) + " configurations are dominated: "
                            + (c.configurations() == 1 ? "its only configuration is not" : "none of its " + c.configurations()
                                + " configurations is")
                            + " Pareto-optimal (Pareto-optimal: " + c.optimizer() + " 0 of " + c.configurations() + ", "
                            + others + "); each is dominated by another optimizer's configuration.");
                }
            }
        }
        if (pareto.stlDominatesEveryConfiguration()) {
            warnings.add("Training apart dominates every MTL configuration: the STL baseline point ("
                    + pointText(pareto.stlPoint()) + ") is at least as good in every task as each configuration's means, "
                    + "and better in at least one.");
        }
        List<String> single = configurations.stream().filter(c -> c.seeds() < 2).map(Configuration::label).toList();
        if (!single.isEmpty()) {
            warnings.add("One seed only for " + String.join(", ", single) + ": no spread, so no difference from STL can "
                    + "be called for " + (single.size() == 1 ? "it" : "them") + ".");
        }
        List<String> singleStl = tasks.stream().filter(t -> baselines.get(t).value().n() < 2).toList();
        if (!singleStl.isEmpty()) {
            warnings.add("One seed only for the STL baseline of " + String.join(", ", singleStl)
                    + ": its spread is unknown, so every comparison with it is \"not distinguishable: one seed\".");
        }
    }

    private static TaskVerdict compare(String task, StudyAnalysis.StlBaseline b, Configuration c, boolean bestForTask) {
        StudyAnalysis.Spread mtl = c.perTask().get(task);
        SeedComparison.Result r = SeedComparison.compare(mtl, b.value(), b.higherIsBetter());
        String head = r.oneSeed() ? "not distinguishable: one seed" : r.outcome().words();
        String sentence = task + ": " + head + " — " + (bestForTask ? "the best MTL configuration for it, " : "")
                + c.label() + ", reaches " + b.metric() + " " + Fmt.spread(mtl) + " vs STL (" + b.bestOptimizer() + ") "
                + Fmt.spread(b.value()) + ", " + Fmt.pct(r.gainPercent()) + " (positive = MTL better)";
        if (r.oneSeed()) {
            sentence += "; one seed gives no spread to judge the difference by.";
        } else {
            sentence += "; 95% Welch interval of the difference MTL − STL [" + Fmt.num(r.intervalLow()) + ", "
                    + Fmt.num(r.intervalHigh()) + "]"
                    + (r.degreesOfFreedom() == null ? " (no spread on either side)" : " (ν = " + Fmt.fixed(r.degreesOfFreedom(), 1) + ")")
                    + (r.outcome() == SeedComparison.Outcome.NOT_DISTINGUISHABLE ? " contains 0." : " excludes 0.");
        }
        return new TaskVerdict(task, b.metric(), b.higherIsBetter(), c.label(), mtl, b.bestOptimizer(), b.value(), r,
                r.outcome(), sentence);
    }

    private static String lossList(List<TaskVerdict> worse) {
        return worse.stream().map(t -> t.task() + " " + Fmt.fixed(-t.comparison().gainPercent(), 1) + "%")
                .collect(Collectors.joining(" and "));
    }

    private static String gainList(List<TaskVerdict> better) {
        return "better on " + better.stream().map(t -> t.task() + " by " + Fmt.fixed(t.comparison().gainPercent(), 1) + "%")
                .collect(Collectors.joining(" and "));
    }

    private static String pointText(Map<String, Double> point) {
        return point.entrySet().stream().map(e -> e.getKey() + " " + Fmt.num(e.getValue())).collect(Collectors.joining(", "));
    }
}
