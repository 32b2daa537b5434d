package org.mtlab.core.report;

import java.util.stream.Collectors;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.report.StudyReport.Configuration;
import org.mtlab.core.report.StudyReport.OptimizerCount;
import org.mtlab.core.report.StudyReport.PairEvidence;

/** Renders a {@link StudyReport} as GitHub-flavoured Markdown. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    public static String render(StudyReport r) {
        return render(r, java.util.Map.of());
    }

    /**
     * The report with its reproduction sections and, for each {@link ReportFigures} name in {@code figureLinks}, the
     * figure as an image link (e.g. {@code figures/pareto.png} beside the Markdown file).
     */
    public static String render(StudyReport r, java.util.Map<String, String> figureLinks) {
        StringBuilder md = new StringBuilder();
        md.append("# Study report").append(r.studyId() == null ? "" : " — " + r.studyId()).append("\n\n");
        md.append("Tasks: ").append(String.join(", ", r.tasks())).append(". Finished runs: ").append(r.finishedRuns())
                .append(" of ").append(r.runsKnown()).append(" known.\n\n");

        Verdict v = r.verdict();
        md.append("## Verdict\n\n");
        lead(v.lead(), md);
        md.append("### Why\n\n").append(v.summary()).append("\n\n");
        if (v.recommended() != null) {
            md.append(v.recommended().sentence()).append("\n\n");
        }
        if (!v.perTask().isEmpty()) {
            md.append("Per task (best MTL configuration for the task against its STL baseline):\n\n");
            v.perTask().forEach(t -> md.append("- ").append(t.sentence()).append('\n'));
            md.append('\n');
        }
        if (!v.warnings().isEmpty()) {
            md.append("### Warnings\n\n");
            v.warnings().forEach(w -> md.append("- ⚠ ").append(w).append('\n'));
            md.append('\n');
        }
        if (!r.quickLimits().isEmpty()) {
            md.append("### What this quick answer cannot tell\n\n");
            r.quickLimits().forEach(line -> md.append(line).append('\n'));
            md.append('\n');
        }
        decision(r, md);
        cost(r, md);
        selection(r, md);

        md.append("## STL baselines (mean ± std over seeds)\n\n");
        if (r.stlBaselines().isEmpty()) {
            md.append("No finished STL runs yet.\n\n");
        } else {
            md.append("| task | metric | baseline (best optimizer) | by optimizer |\n|---|---|---|---|\n");
            for (StudyAnalysis.StlBaseline b : r.stlBaselines()) {
                md.append("| ").append(cell(b.task())).append(" | ").append(cell(b.metric()))
                        .append(b.higherIsBetter() ? " (higher is better)" : " (lower is better)").append(" | ")
                        .append(Fmt.spread(b.value())).append(" (").append(cell(b.bestOptimizer())).append(") | ")
                        .append(b.byOptimizer().stream().map(o -> o.optimizer() + ": " + Fmt.spread(o.metric()))
                                .map(MarkdownReport::cell).collect(Collectors.joining("; ")))
                        .append(" |\n");
            }
            md.append('\n');
        }

        md.append("## MTL configurations (optimizer × method, mean ± std over seeds)\n\n");
        if (r.configurations().isEmpty()) {
            md.append("No finished MTL runs yet.\n\n");
        } else {
            md.append("| configuration | seeds |");
            r.tasks().forEach(t -> md.append(' ').append(cell(t)).append(" | ").append(cell(t)).append(" vs STL |"));
            md.append(" Δm% (lower is better) | improvement (LibMTL, higher is better) | Pareto-optimal | dominated by |\n|---|---|");
            r.tasks().forEach(t -> md.append("---|---|"));
            md.append("---|---|---|---|\n");
            for (Configuration c : r.configurations()) {
                md.append("| ").append(cell(c.label())).append(" | ").append(c.seeds()).append(" |");
                for (String t : r.tasks()) {
                    Double g = c.gainVsStlPercent().get(t);
                    md.append(' ').append(Fmt.meanStd(c.perTask().get(t))).append(" | ")
                            .append(g == null ? "n/a" : Fmt.pct(g)).append(" |");
                }
                md.append(' ').append(Fmt.pctSpread(c.deltaMPercent())).append(" | ")
                        .append(c.improvementFraction() == null ? "n/a" : Fmt.meanStd(c.improvementFraction())).append(" | ")
                        .append(c.paretoOptimal() ? "yes" : "no").append(" | ")
                        .append(c.dominatedBy().isEmpty() ? "—" : cell(String.join(", ", c.dominatedBy()))).append(" |\n");
            }
            md.append("\n\"vs STL\": relative change of the mean against the task's STL baseline, positive = MTL better. ")
                    .append(r.deltaMConventions()).append("\n\n");
        }

        StudyReport.ParetoSummary p = r.pareto();
        md.append("## Pareto front and hypervolume\n\n");
        md.append("Front over ").append(p.scope()).append(": ")
                .append(p.front().isEmpty() ? "empty" : String.join(", ", p.front())).append(".\n");
        if (p.stlPoint() != null) {
            md.append("STL baseline point (best STL mean per task): ").append(point(p.stlPoint()))
                    .append(p.stlDominatesEveryConfiguration() ? " — it dominates every MTL configuration." : ".").append('\n');
        }
        if (p.hypervolume() != null) {
            md.append("Hypervolume of the configurations: ").append(Fmt.num(p.hypervolume()));
            if (p.stlHypervolume() != null) {
                md.append(" (STL baseline point alone: ").append(Fmt.num(p.stlHypervolume())).append(')');
            }
            md.append(", reference point ").append(point(p.referencePoint())).append(" — ").append(p.referenceRule())
                    .append(".\n\n");
            md.append("Pareto-optimal configurations per optimizer (as Elich et al.'s Table 2, \"Adam vs SGD\"):\n\n");
            md.append("| optimizer | configurations | Pareto-optimal | hypervolume of its configurations |\n|---|---|---|---|\n");
            for (OptimizerCount c : p.byOptimizer()) {
                md.append("| ").append(cell(c.optimizer())).append(" | ").append(c.configurations()).append(" | ")
                        .append(c.paretoOptimal()).append(" | ").append(c.hypervolume() == null ? "n/a" : Fmt.num(c.hypervolume()))
                        .append(" |\n");
            }
            md.append('\n');
        } else {
            md.append('\n');
        }

        StudyReport.ConflictEvidence ce = r.conflict();
        md.append("## Gradient conflict on the shared trunk\n\n");
        md.append(ce.baselineStatement()).append("\n\n");
        if (ce.pairs().isEmpty()) {
            md.append("No gradient statistics of MTL runs yet.\n\n");
        } else {
            md.append("| configuration | pair | runs | steps | mean cosine [95% interval] | cosine < 0 | angle | magnitude similarity | norm ratio | magnitude |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (PairEvidence e : ce.pairs()) {
                md.append("| ").append(cell(e.configuration())).append(" | ").append(cell(e.taskA() + "–" + e.taskB()))
                        .append(" | ").append(e.runs()).append(" | ").append(e.steps()).append(" | ")
                        .append(Fmt.signed(e.meanCosine(), 3)).append(" [").append(Fmt.signed(e.cosineLow(), 3)).append(", ")
                        .append(Fmt.signed(e.cosineHigh(), 3)).append("] | ")
                        .append(Math.round(100 * e.conflictFraction())).append("% | ").append(e.angle()).append(" | ")
                        .append(Fmt.fixed(e.magnitudeSimilarity(), 3)).append(" | ")
                        .append(Double.isNaN(e.normRatio()) ? "n/a" : Fmt.fixed(e.normRatio(), 2) + " (" + cell(e.larger()) + ")")
                        .append(" | ").append(e.magnitude()).append(" |\n");
            }
            md.append('\n');
            if (!ce.baseline().isEmpty()) {
                md.append("Against the single-task baseline (inter-sample: two samples of one task; medians and 2.5th "
                        + "percentiles per run-epoch, averaged):\n\n")
                        .append("| configuration | pair | run-epochs | inter-task median cosine | inter-sample 2.5% (A / B) "
                                + "| beyond in | angle | magnitude sim. tasks | samples (A / B) | magnitude | sign disagreement tasks / samples |\n")
                        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
                for (StudyReport.BaselineComparison c : ce.baseline()) {
                    md.append("| ").append(cell(c.configuration())).append(" | ").append(cell(c.taskA() + "–" + c.taskB()))
                            .append(" | ").append(c.runEpochs()).append(" | ").append(Fmt.signed(c.interTaskMedianCosine(), 3))
                            .append(" | ").append(Fmt.signed(c.interSampleLowCosineA(), 3)).append(" / ")
                            .append(Fmt.signed(c.interSampleLowCosineB(), 3)).append(" | ").append(c.runEpochsBeyond())
                            .append(" | ").append(c.angle()).append(" | ").append(Fmt.fixed(c.interTaskMagnitudeSimilarity(), 3))
                            .append(" | ").append(Fmt.fixed(c.interSampleMagnitudeSimilarityA(), 3)).append(" / ")
                            .append(Fmt.fixed(c.interSampleMagnitudeSimilarityB(), 3)).append(" | ").append(c.magnitude())
                            .append(" | ").append(Fmt.fixed(c.interTaskSignDisagreement(), 3)).append(" / ")
                            .append(Fmt.fixed(c.interSampleSignDisagreementA(), 3)).append(", ")
                            .append(Fmt.fixed(c.interSampleSignDisagreementB(), 3)).append(" |\n");
                }
                md.append('\n');
            }
            ce.findings().stream().filter(f -> !f.equals(ce.baselineStatement()))
                    .forEach(f -> md.append("- ").append(f).append('\n'));
            md.append('\n');
        }
        md.append("Rules: ").append(String.join("; ", ce.rules())).append(".\n\n");

        md.append("## Rules used by the verdict\n\n");
        v.rules().forEach(rule -> md.append("- ").append(rule).append('\n'));
        if (!r.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        ReproductionSections.markdown(r, figureLinks, md);
        return md.toString();
    }

    /** The lead: its headline in bold, the rest of the sentence, then its bullets. */
    private static void lead(VerdictLead lead, StringBuilder md) {
        md.append("**").append(lead.headline()).append("**").append(lead.afterHeadline()).append("\n\n");
        lead.bullets().forEach(b -> md.append("- ").append(b).append('\n'));
        if (!lead.bullets().isEmpty()) {
            md.append('\n');
        }
    }

    private static void decision(StudyReport r, StringBuilder md) {
        if (r.decision() == null) {
            return;
        }
        md.append("## Decision inputs\n\n");
        md.append("Primary task: **").append(cell(r.decision().primaryTask())).append("**")
                .append(r.decision().quick() ? " (quick study)" : "").append(".\n\n");
        md.append("| task | value | margin (largest accepted loss vs STL) |\n|---|---|---|\n");
        r.decision().tasks().forEach(t -> md.append("| ").append(cell(t.name())).append(" | ")
                .append(Fmt.num(t.valueOrDefault())).append(" | ")
                .append(t.margin() == null ? "none (no constraint)" : Fmt.fixed(100 * t.margin(), 1) + "%").append(" |\n"));
        md.append('\n');
        if (!r.configurations().isEmpty()) {
            md.append("| configuration | learning rate | epoch | value-weighted gain | within every margin | breaches (points beyond the margin) |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (Configuration c : r.configurations()) {
                md.append("| ").append(cell(c.label())).append(" | ")
                        .append(c.learningRate() == null ? "n/a" : Fmt.num(c.learningRate())).append(" | ")
                        .append(c.epoch() == null ? "last" : c.epoch().toString()).append(" | ")
                        .append(c.valueWeightedGainPercent() == null ? "n/a" : Fmt.pct(c.valueWeightedGainPercent()))
                        .append(" | ").append(c.withinMargins() ? "yes" : "no").append(" | ")
                        .append(c.marginBreachPoints().isEmpty() ? "—" : cell(c.marginBreachPoints().entrySet().stream()
                                .map(e -> e.getKey() + " " + Fmt.fixed(e.getValue(), 1)).collect(Collectors.joining(", "))))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    private static void cost(StudyReport r, StringBuilder md) {
        StudyReport.CostSummary c = r.cost();
        if (c == null) {
            return;
        }
        md.append("## Cost and savings\n\n");
        c.findings().forEach(f -> md.append("- ").append(f).append('\n'));
        if (c.findings().isEmpty()) {
            md.append("No timed finished runs yet.\n");
        }
        md.append('\n');
        if (!c.configurations().isEmpty()) {
            md.append("| configuration | runs | wall time (s) | mean per run (s) | GPU-hours |\n|---|---|---|---|---|\n");
            c.configurations().forEach(k -> md.append("| ").append(cell(k.configuration())).append(" | ").append(k.runs())
                    .append(" | ").append(Fmt.fixed(k.wallSeconds(), 1)).append(" | ").append(Fmt.fixed(k.meanRunSeconds(), 1))
                    .append(" | ").append(Fmt.fixed(k.gpuHours(), 4)).append(" |\n"));
            md.append('\n');
        }
        StudyReport.Savings s = c.savings();
        if (s != null) {
            md.append("| one MTL model (").append(cell(s.mtlConfiguration())).append(") vs ").append(s.tasks())
                    .append(" STL models | MTL | STL (sum) |\n|---|---|---|\n");
            md.append("| parameters | ").append(opt(s.mtlParameters(), 0)).append(" | ").append(opt(s.stlParameters(), 0)).append(" |\n");
            md.append("| training time (s) | ").append(opt(s.mtlTrainingSeconds(), 1)).append(" | ")
                    .append(opt(s.stlTrainingSeconds(), 1)).append(" |\n");
            md.append("| inference per sample, all tasks (µs) | ").append(opt(s.mtlMicrosPerSample(), 3)).append(" | ")
                    .append(opt(s.stlMicrosPerSample(), 3)).append(" |\n\n");
        }
        md.append("Rule: ").append(c.rule()).append(".\n\n");
    }

    private static void selection(StudyReport r, StringBuilder md) {
        StudyReport.SelectionSummary sel = r.selection();
        if (sel == null || sel.choices().isEmpty()) {
            return;
        }
        md.append("## Learning rate and epoch, selected on validation\n\n");
        md.append("| configuration | chosen learning rate | chosen epoch | validation score (mean over seeds) | seeds | best per learning rate (lr: epoch, score) |\n")
                .append("|---|---|---|---|---|---|\n");
        for (var c : sel.choices()) {
            md.append("| ").append(cell(c.configuration())).append(" | ").append(Fmt.num(c.learningRate())).append(" | ")
                    .append(c.epoch() == null ? "last" : c.epoch().toString()).append(" | ")
                    .append(cell(c.score())).append(' ').append(Double.isNaN(c.validationScore()) ? "n/a" : Fmt.num(c.validationScore()))
                    .append(" | ").append(c.seeds()).append(" | ")
                    .append(cell(c.bestPerRate().stream().map(k -> Fmt.num(k.learningRate()) + ": "
                            + (k.epoch() == Integer.MAX_VALUE ? "last" : k.epoch()) + ", " + Fmt.num(k.validationScore()))
                            .collect(Collectors.joining("; "))))
                    .append(" |\n");
        }
        md.append("\nRule: ").append(sel.rule()).append("\n\n");
    }

    private static String opt(Double v, int decimals) {
        return v == null ? "n/a" : Fmt.fixed(v, decimals);
    }

    private static String point(java.util.Map<String, Double> point) {
        return "(" + point.entrySet().stream().map(e -> e.getKey() + " " + Fmt.num(e.getValue()))
                .collect(Collectors.joining(", ")) + ")";
    }

    /** Table cell text: pipes escaped, no line breaks. */
    static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace('\n', ' ');
    }
}
