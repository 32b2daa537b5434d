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

/** The verdict's rules ({@link SeedComparison#RULE}, {@link StudyReportBuilder#RECOMMENDATION_RULE}, warnings). */
final class VerdictRules {
    private VerdictRules() {
    }

    static Verdict decide(List<String> tasks, Map<String, StudyAnalysis.StlBaseline> baselines,
                          List<Configuration> configurations, ParetoSummary pareto, StudyDecision decision) {
        List<String> rules = List.of(SeedComparison.RULE, StudyReportBuilder.PRIMARY_RULE,
                StudyReportBuilder.RECOMMENDATION_RULE, StudyReportBuilder.WARNING_RULES);
        String primary = tasks.contains(decision.primaryTask()) ? decision.primaryTask() : tasks.get(0);
        List<String> warnings = new ArrayList<>();
        List<String> missing = tasks.stream().filter(t -> !baselines.containsKey(t)).toList();
        if (!missing.isEmpty() || configurations.isEmpty()) {
            String why = !missing.isEmpty() ? "no finished STL baseline for " + String.join(", ", missing)
                    : "no finished MTL run";
            return new Verdict(Answer.INSUFFICIENT_DATA, "No verdict yet: " + why + ".", List.of(), null, warnings, rules,
                    primary, null);
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

        List<Configuration> admissible = configurations.stream().filter(Configuration::withinMargins).toList();
        if (admissible.isEmpty()) {
            Configuration closest = configurations.stream().filter(c -> !c.marginBreachPoints().isEmpty())
                    .min(Comparator.comparingDouble((Configuration c) -> worstBreach(c)).thenComparing(Configuration::label))
                    .orElse(null);
            if (closest == null) {
                return new Verdict(Answer.INSUFFICIENT_DATA, primaryFinding + " No configuration's gain against STL is "
                        + "known for every task (an STL baseline mean of 0 has no relative change).", perTask, null,
                        warnings, rules, primary, primaryFinding);
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
            return new Verdict(Answer.NO_CONFIGURATION_WITHIN_MARGINS, summary, perTask, null, warnings, rules, primary,
                    primaryFinding);
        }

        // recommendation: the best value-weighted gain among the configurations within every margin
        Configuration rec = admissible.stream()
                .max(Comparator.comparingDouble((Configuration c) -> c.valueWeightedGainPercent())
                        .thenComparing(Configuration::label, Comparator.reverseOrder()))
                .orElseThrow();
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
        Answer answer;
        String decisionSentence;
        if (vg > 0 && !worse.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER_WITH_TRADE_OFF;
            decisionSentence = "Training together with " + rec.label() + " pays on average (" + vgText + ")" + margins
                    + " but costs " + lossList(worse) + " beyond the seed spread, within the accepted margins: train "
                    + "together only if that loss is acceptable.";
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
                    + rec.label() + ", " + vgText + "), but it is " + gainList(better)
                    + " beyond the seed spread: a trade-off to decide.";
        } else {
            answer = Answer.NOT_DISTINGUISHABLE;
            decisionSentence = "Not distinguishable from training apart: the best MTL configuration within the margins, "
                    + rec.label() + ", has " + vgText + ", but no task differs from its STL baseline beyond the seed "
                    + "spread" + (oneSeed ? " — with one seed there is no spread to judge by; run more seeds." : ".");
        }
        String summary = primaryFinding + " " + decisionSentence;
        String recSentence = (vg > 0 ? "Recommended: " : "Best MTL configuration within the margins, should you train "
                + "together anyway: ") + rec.label() + " — " + vgText + ", improvement fraction "
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
        return new Verdict(answer, summary, perTask, recommendation, warnings, rules, primary, primaryFinding);
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
