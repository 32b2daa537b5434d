package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mtlab.core.analysis.StudyAnalysis;
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
                          List<Configuration> configurations, ParetoSummary pareto) {
        List<String> rules = List.of(SeedComparison.RULE, StudyReportBuilder.RECOMMENDATION_RULE,
                StudyReportBuilder.WARNING_RULES);
        List<String> warnings = new ArrayList<>();
        List<String> missing = tasks.stream().filter(t -> !baselines.containsKey(t)).toList();
        if (!missing.isEmpty() || configurations.isEmpty()) {
            String why = !missing.isEmpty() ? "no finished STL baseline for " + String.join(", ", missing)
                    : "no finished MTL run";
            return new Verdict(Answer.INSUFFICIENT_DATA, "No verdict yet: " + why + ".", List.of(), null, warnings, rules);
        }
        List<TaskVerdict> perTask = new ArrayList<>();
        for (String task : tasks) {
            StudyAnalysis.StlBaseline b = baselines.get(task);
            Comparator<Configuration> byMean = Comparator.comparingDouble(c -> c.perTask().get(task).mean());
            Configuration best = b.higherIsBetter() ? configurations.stream().max(byMean).orElseThrow()
                    : configurations.stream().min(byMean).orElseThrow();
            perTask.add(compare(task, b, best, true));
        }

        // recommendation: the Pareto-optimal configuration with the lowest mean Δm%
        Configuration rec = configurations.stream().filter(Configuration::paretoOptimal)
                .filter(c -> c.deltaMPercent() != null)
                .min(Comparator.comparingDouble((Configuration c) -> c.deltaMPercent().mean()).thenComparing(Configuration::label))
                .orElseThrow();
        List<TaskVerdict> trades = tasks.stream().map(t -> compare(t, baselines.get(t), rec, false)).toList();
        double dm = rec.deltaMPercent().mean();
        List<TaskVerdict> better = trades.stream().filter(t -> t.outcome() == SeedComparison.Outcome.MTL_BETTER).toList();
        List<TaskVerdict> worse = trades.stream().filter(t -> t.outcome() == SeedComparison.Outcome.MTL_WORSE).toList();
        boolean oneSeed = trades.stream().anyMatch(t -> t.comparison().oneSeed());
        String dmText = "Δm " + Fmt.pct(dm) + " (literature convention, lower is better; " + rec.seeds()
                + (rec.seeds() == 1 ? " seed)" : " seeds)");
        Answer answer;
        String summary;
        if (dm < 0 && !worse.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER_WITH_TRADE_OFF;
            summary = "Training together with " + rec.label() + " pays on average (" + dmText + ") but costs "
                    + lossList(worse) + " beyond the seed spread: train together only if that loss is acceptable.";
        } else if (dm < 0 && !better.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER;
            summary = "Train together with " + rec.label() + ": " + dmText + " against the STL baselines, "
                    + gainList(better) + " beyond the seed spread, and no task worse beyond it.";
        } else if (dm >= 0 && !worse.isEmpty()) {
            answer = Answer.TRAIN_APART;
            summary = "Train apart: no MTL configuration beats the STL baselines on average (best: " + rec.label() + ", "
                    + dmText + "), and even it costs " + lossList(worse) + " beyond the seed spread.";
        } else if (dm >= 0 && !better.isEmpty()) {
            answer = Answer.TRAIN_TOGETHER_WITH_TRADE_OFF;
            summary = "No MTL configuration beats the STL baselines on average (best: " + rec.label() + ", " + dmText
                    + "), but it is " + gainList(better) + " beyond the seed spread: a trade-off to decide.";
        } else {
            answer = Answer.NOT_DISTINGUISHABLE;
            summary = "Not distinguishable from training apart: the best MTL configuration " + rec.label() + " has "
                    + dmText + ", but no task differs from its STL baseline beyond the seed spread"
                    + (oneSeed ? " — with one seed there is no spread to judge by; run more seeds." : ".");
        }
        String recSentence = (dm < 0 ? "Recommended: " : "Best MTL configuration, should you train together anyway: ")
                + rec.label() + " — " + dmText + ", improvement fraction "
                + (rec.improvementFraction() == null ? "n/a" : Fmt.signed(rec.improvementFraction().mean(), 4))
                + " (LibMTL convention, higher is better). Against STL it trades: "
                + trades.stream().map(t -> t.task() + " " + Fmt.pct(t.comparison().gainPercent()) + " ("
                        + (t.comparison().oneSeed() ? "not distinguishable: one seed" : t.outcome().words()) + ")")
                        .collect(Collectors.joining(", "))
                + " (positive = better than STL).";
        Recommendation recommendation = new Recommendation(rec.label(), rec.optimizer(), rec.method(),
                rec.deltaMPercent(), trades, recSentence);

        // warnings
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
        return new Verdict(answer, summary, perTask, recommendation, warnings, rules);
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
