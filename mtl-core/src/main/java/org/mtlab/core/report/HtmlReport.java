package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.report.StudyReport.Configuration;
import org.mtlab.core.report.StudyReport.OptimizerCount;
import org.mtlab.core.report.StudyReport.PairEvidence;

/**
 * Renders a {@link StudyReport} as one self-contained HTML page: inline CSS, no scripts, no external resources. With
 * two tasks it draws the configuration means, the front and the STL point as an inline SVG scatter plot.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(StudyReport r) {
        return render(r, ReportFigures.render(r));
    }

    /** The page with its reproduction sections and the given figures ({@link ReportFigures}) inlined as PNG. */
    public static String render(StudyReport r, java.util.Map<String, byte[]> figures) {
        StringBuilder h = new StringBuilder(16_384);
        String title = "mtlab study report" + (r.studyId() == null ? "" : " — " + r.studyId());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}")
                .append("th{background:#f3f3f3}.answer{font-size:1.2em;padding:.6em;border-left:6px solid #2a7;background:#f4fbf7}")
                .append(".answer.TRAIN_APART,.answer.NO_MEASURABLE_DIFFERENCE_APART{border-left-color:#c50;background:#fdf6f2}")
                .append(".answer.NO_DECISION_YET{border-left-color:#999;background:#f6f6f6}")
                .append(".warn{color:#a40}.small{color:#555;font-size:.9em}.yes{color:#2a7;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p>Tasks: ").append(esc(String.join(", ", r.tasks())))
                .append(". Finished runs: ").append(r.finishedRuns()).append(" of ").append(r.runsKnown()).append(" known.</p>\n");

        Verdict v = r.verdict();
        VerdictLead lead = v.lead();
        h.append("<h2>Verdict</h2>\n<p class=\"answer ").append(esc(lead.decision().name())).append("\"><b>")
                .append(esc(lead.headline())).append("</b>").append(esc(lead.afterHeadline())).append("</p>\n");
        if (!lead.bullets().isEmpty()) {
            h.append("<ul class=\"lead\">");
            lead.bullets().forEach(b -> h.append("<li>").append(esc(b)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<h3>Why</h3>\n<p>").append(esc(v.summary())).append("</p>\n");
        if (v.recommended() != null) {
            h.append("<p>").append(esc(v.recommended().sentence())).append("</p>\n");
        }
        if (!v.perTask().isEmpty()) {
            h.append("<ul>");
            v.perTask().forEach(t -> h.append("<li>").append(esc(t.sentence())).append("</li>"));
            h.append("</ul>\n");
        }
        if (!v.warnings().isEmpty()) {
            h.append("<h3>Warnings</h3>\n<ul>");
            v.warnings().forEach(w -> h.append("<li class=\"warn\">").append(esc(w)).append("</li>"));
            h.append("</ul>\n");
        }
        if (!r.quickLimits().isEmpty()) {
            h.append("<h3>What this quick answer cannot tell</h3>\n<ul>");
            r.quickLimits().forEach(line -> h.append("<li>").append(esc(line.startsWith("- ") ? line.substring(2) : line))
                    .append("</li>"));
            h.append("</ul>\n");
        }
        decisionAndCost(r, h);

        h.append("<h2>STL baselines (mean ± std over seeds)</h2>\n");
        if (r.stlBaselines().isEmpty()) {
            h.append("<p>No finished STL runs yet.</p>\n");
        } else {
            h.append("<table><tr><th>task</th><th>metric</th><th>baseline (best optimizer)</th><th>by optimizer</th></tr>");
            for (StudyAnalysis.StlBaseline b : r.stlBaselines()) {
                h.append("<tr><td>").append(esc(b.task())).append("</td><td>").append(esc(b.metric()))
                        .append(b.higherIsBetter() ? " (higher is better)" : " (lower is better)").append("</td><td>")
                        .append(esc(Fmt.spread(b.value()))).append(" (").append(esc(b.bestOptimizer())).append(")</td><td>")
                        .append(esc(b.byOptimizer().stream().map(o -> o.optimizer() + ": " + Fmt.spread(o.metric()))
                                .collect(Collectors.joining("; "))))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }

        h.append("<h2>MTL configurations (optimizer × method, mean ± std over seeds)</h2>\n");
        if (r.configurations().isEmpty()) {
            h.append("<p>No finished MTL runs yet.</p>\n");
        } else {
            h.append("<table><tr><th>configuration</th><th>seeds</th>");
            r.tasks().forEach(t -> h.append("<th>").append(esc(t)).append("</th><th>").append(esc(t)).append(" vs STL</th>"));
            h.append("<th>Δm% (lower is better)</th><th>improvement (LibMTL, higher is better)</th><th>Pareto-optimal</th><th>dominated by</th></tr>");
            for (Configuration c : r.configurations()) {
                h.append("<tr><td>").append(esc(c.label())).append("</td><td>").append(c.seeds()).append("</td>");
                for (String t : r.tasks()) {
                    Double g = c.gainVsStlPercent().get(t);
                    h.append("<td>").append(esc(Fmt.meanStd(c.perTask().get(t)))).append("</td><td>")
                            .append(g == null ? "n/a" : esc(Fmt.pct(g))).append("</td>");
                }
                h.append("<td>").append(esc(Fmt.pctSpread(c.deltaMPercent()))).append("</td><td>")
                        .append(c.improvementFraction() == null ? "n/a" : esc(Fmt.meanStd(c.improvementFraction())))
                        .append("</td><td>").append(c.paretoOptimal() ? "<span class=\"yes\">yes</span>" : "no")
                        .append("</td><td>").append(c.dominatedBy().isEmpty() ? "—" : esc(String.join(", ", c.dominatedBy())))
                        .append("</td></tr>");
            }
            h.append("</table>\n<p class=\"small\">“vs STL”: relative change of the mean against the task's STL baseline, "
                    + "positive = MTL better. ").append(esc(r.deltaMConventions())).append("</p>\n");
        }

        StudyReport.ParetoSummary p = r.pareto();
        h.append("<h2>Pareto front and hypervolume</h2>\n<p>Front over ").append(esc(p.scope())).append(": <b>")
                .append(esc(p.front().isEmpty() ? "empty" : String.join(", ", p.front()))).append("</b>.");
        if (p.stlPoint() != null) {
            h.append(" STL baseline point (best STL mean per task): ").append(esc(point(p.stlPoint())))
                    .append(p.stlDominatesEveryConfiguration() ? " — it dominates every MTL configuration." : ".");
        }
        h.append("</p>\n");
        if (r.tasks().size() == 2 && !r.configurations().isEmpty()) {
            h.append(scatter(r));
        }
        if (p.hypervolume() != null) {
            h.append("<p>Hypervolume of the configurations: <b>").append(esc(Fmt.num(p.hypervolume()))).append("</b>");
            if (p.stlHypervolume() != null) {
                h.append(" (STL baseline point alone: ").append(esc(Fmt.num(p.stlHypervolume()))).append(')');
            }
            h.append(", reference point ").append(esc(point(p.referencePoint()))).append(".</p>\n<p class=\"small\">")
                    .append(esc(p.referenceRule())).append(".</p>\n");
            h.append("<p>Pareto-optimal configurations per optimizer (as Elich et al.'s Table 2, “Adam vs SGD”):</p>\n")
                    .append("<table><tr><th>optimizer</th><th>configurations</th><th>Pareto-optimal</th><th>hypervolume of its configurations</th></tr>");
            for (OptimizerCount c : p.byOptimizer()) {
                h.append("<tr><td>").append(esc(c.optimizer())).append("</td><td>").append(c.configurations())
                        .append("</td><td>").append(c.paretoOptimal()).append("</td><td>")
                        .append(c.hypervolume() == null ? "n/a" : esc(Fmt.num(c.hypervolume()))).append("</td></tr>");
            }
            h.append("</table>\n");
        }

        StudyReport.ConflictEvidence ce = r.conflict();
        h.append("<h2>Gradient conflict on the shared trunk</h2>\n<p>").append(esc(ce.baselineStatement())).append("</p>\n");
        if (ce.pairs().isEmpty()) {
            h.append("<p>No gradient statistics of MTL runs yet.</p>\n");
        } else {
            h.append("<table><tr><th>configuration</th><th>pair</th><th>runs</th><th>steps</th><th>mean cosine [95% interval]</th>"
                    + "<th>cosine &lt; 0</th><th>angle</th><th>magnitude similarity</th><th>norm ratio</th><th>magnitude</th></tr>");
            for (PairEvidence e : ce.pairs()) {
                h.append("<tr><td>").append(esc(e.configuration())).append("</td><td>").append(esc(e.taskA() + "–" + e.taskB()))
                        .append("</td><td>").append(e.runs()).append("</td><td>").append(e.steps()).append("</td><td>")
                        .append(esc(Fmt.signed(e.meanCosine(), 3) + " [" + Fmt.signed(e.cosineLow(), 3) + ", "
                                + Fmt.signed(e.cosineHigh(), 3) + "]"))
                        .append("</td><td>").append(Math.round(100 * e.conflictFraction())).append("%</td><td>")
                        .append(esc(e.angle())).append("</td><td>").append(esc(Fmt.fixed(e.magnitudeSimilarity(), 3)))
                        .append("</td><td>").append(Double.isNaN(e.normRatio()) ? "n/a"
                                : esc(Fmt.fixed(e.normRatio(), 2) + " (" + e.larger() + ")"))
                        .append("</td><td>").append(esc(e.magnitude())).append("</td></tr>");
            }
            h.append("</table>\n");
            if (!ce.baseline().isEmpty()) {
                h.append("<p>Against the single-task baseline (inter-sample: two samples of one task; medians and 2.5th "
                        + "percentiles per run-epoch, averaged):</p>\n<table><tr><th>configuration</th><th>pair</th>"
                        + "<th>run-epochs</th><th>inter-task median cosine</th><th>inter-sample 2.5% (A / B)</th>"
                        + "<th>beyond in</th><th>angle</th><th>magnitude sim. tasks</th><th>samples (A / B)</th>"
                        + "<th>magnitude</th><th>sign disagreement tasks / samples</th></tr>");
                for (StudyReport.BaselineComparison c : ce.baseline()) {
                    h.append("<tr><td>").append(esc(c.configuration())).append("</td><td>")
                            .append(esc(c.taskA() + "–" + c.taskB())).append("</td><td>").append(c.runEpochs())
                            .append("</td><td>").append(esc(Fmt.signed(c.interTaskMedianCosine(), 3))).append("</td><td>")
                            .append(esc(Fmt.signed(c.interSampleLowCosineA(), 3) + " / " + Fmt.signed(c.interSampleLowCosineB(), 3)))
                            .append("</td><td>").append(c.runEpochsBeyond()).append("</td><td>").append(esc(c.angle()))
                            .append("</td><td>").append(esc(Fmt.fixed(c.interTaskMagnitudeSimilarity(), 3)))
                            .append("</td><td>").append(esc(Fmt.fixed(c.interSampleMagnitudeSimilarityA(), 3) + " / "
                                    + Fmt.fixed(c.interSampleMagnitudeSimilarityB(), 3)))
                            .append("</td><td>").append(esc(c.magnitude())).append("</td><td>")
                            .append(esc(Fmt.fixed(c.interTaskSignDisagreement(), 3) + " / "
                                    + Fmt.fixed(c.interSampleSignDisagreementA(), 3) + ", "
                                    + Fmt.fixed(c.interSampleSignDisagreementB(), 3)))
                            .append("</td></tr>");
                }
                h.append("</table>\n");
            }
            h.append("<ul>");
            ce.findings().stream().filter(f -> !f.equals(ce.baselineStatement()))
                    .forEach(f -> h.append("<li>").append(esc(f)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<p class=\"small\">Rules: ").append(esc(String.join("; ", ce.rules()))).append(".</p>\n");

        h.append("<h2>Rules used by the verdict</h2>\n<ul>");
        v.rules().forEach(rule -> h.append("<li>").append(esc(rule)).append("</li>"));
        h.append("</ul>\n");
        if (!r.notes().isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>\n");
        }
        ReproductionSections.html(r, figures, h);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void decisionAndCost(StudyReport r, StringBuilder h) {
        if (r.decision() != null) {
            h.append("<h2>Decision inputs</h2>\n<p>Primary task: <b>").append(esc(r.decision().primaryTask()))
                    .append("</b>").append(r.decision().quick() ? " (quick study)" : "").append(".</p>\n")
                    .append("<table><tr><th>task</th><th>value</th><th>margin (largest accepted loss vs STL)</th></tr>");
            r.decision().tasks().forEach(t -> h.append("<tr><td>").append(esc(t.name())).append("</td><td>")
                    .append(Fmt.num(t.valueOrDefault())).append("</td><td>")
                    .append(t.margin() == null ? "none (no constraint)" : Fmt.fixed(100 * t.margin(), 1) + "%")
                    .append("</td></tr>"));
            h.append("</table>\n<table><tr><th>configuration</th><th>learning rate</th><th>epoch</th>"
                    + "<th>value-weighted gain</th><th>within every margin</th><th>breaches (points beyond)</th></tr>");
            for (Configuration c : r.configurations()) {
                h.append("<tr><td>").append(esc(c.label())).append("</td><td>")
                        .append(c.learningRate() == null ? "n/a" : Fmt.num(c.learningRate())).append("</td><td>")
                        .append(c.epoch() == null ? "last" : c.epoch()).append("</td><td>")
                        .append(c.valueWeightedGainPercent() == null ? "n/a" : esc(Fmt.pct(c.valueWeightedGainPercent())))
                        .append("</td><td>").append(c.withinMargins() ? "yes" : "no").append("</td><td>")
                        .append(esc(c.marginBreachPoints().entrySet().stream().map(e -> e.getKey() + " "
                                + Fmt.fixed(e.getValue(), 1)).collect(Collectors.joining(", ")))).append("</td></tr>");
            }
            h.append("</table>\n");
        }
        StudyReport.CostSummary c = r.cost();
        if (c != null) {
            h.append("<h2>Cost and savings</h2>\n<ul>");
            c.findings().forEach(f -> h.append("<li>").append(esc(f)).append("</li>"));
            h.append("</ul>\n<table><tr><th>configuration</th><th>runs</th><th>wall time (s)</th><th>mean per run (s)</th>"
                    + "<th>GPU-hours</th></tr>");
            c.configurations().forEach(k -> h.append("<tr><td>").append(esc(k.configuration())).append("</td><td>")
                    .append(k.runs()).append("</td><td>").append(Fmt.fixed(k.wallSeconds(), 1)).append("</td><td>")
                    .append(Fmt.fixed(k.meanRunSeconds(), 1)).append("</td><td>").append(Fmt.fixed(k.gpuHours(), 4))
                    .append("</td></tr>"));
            h.append("</table>\n<p class=\"small\">Rule: ").append(esc(c.rule())).append(".</p>\n");
        }
        StudyReport.SelectionSummary sel = r.selection();
        if (sel != null && !sel.choices().isEmpty()) {
            h.append("<h2>Learning rate and epoch, selected on validation</h2>\n<table><tr><th>configuration</th>"
                    + "<th>learning rate</th><th>epoch</th><th>validation score</th><th>seeds</th></tr>");
            sel.choices().forEach(k -> h.append("<tr><td>").append(esc(k.configuration())).append("</td><td>")
                    .append(Fmt.num(k.learningRate())).append("</td><td>").append(k.epoch() == null ? "last" : k.epoch())
                    .append("</td><td>").append(esc(k.score())).append(' ')
                    .append(Double.isNaN(k.validationScore()) ? "n/a" : Fmt.num(k.validationScore())).append("</td><td>")
                    .append(k.seeds()).append("</td></tr>"));
            h.append("</table>\n<p class=\"small\">Rule: ").append(esc(sel.rule())).append("</p>\n");
        }
    }

    /** Inline SVG: configuration means (front filled), the STL point as a square; axes in metric units. */
    private static String scatter(StudyReport r) {
        String tx = r.tasks().get(0);
        String ty = r.tasks().get(1);
        List<double[]> xy = new ArrayList<>();
        r.configurations().forEach(c -> xy.add(new double[] {c.perTask().get(tx).mean(), c.perTask().get(ty).mean()}));
        Map<String, Double> stl = r.pareto().stlPoint();
        if (stl != null) {
            xy.add(new double[] {stl.get(tx), stl.get(ty)});
        }
        double minX = xy.stream().mapToDouble(a -> a[0]).min().orElse(0);
        double maxX = xy.stream().mapToDouble(a -> a[0]).max().orElse(1);
        double minY = xy.stream().mapToDouble(a -> a[1]).min().orElse(0);
        double maxY = xy.stream().mapToDouble(a -> a[1]).max().orElse(1);
        double padX = maxX > minX ? 0.1 * (maxX - minX) : Math.max(1e-9, 0.1 * Math.abs(maxX));
        double padY = maxY > minY ? 0.1 * (maxY - minY) : Math.max(1e-9, 0.1 * Math.abs(maxY));
        double x0 = minX - padX, x1 = maxX + padX, y0 = minY - padY, y1 = maxY + padY;
        int w = 520, hgt = 360, left = 70, bottom = 40, top = 15, right = 150;
        double pw = w - left - right, ph = hgt - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt)
                .append("\" role=\"img\" aria-label=\"configuration means, ").append(esc(tx)).append(" vs ").append(esc(ty))
                .append("\" style=\"font:11px sans-serif\">");
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(fx(pw))
                .append("\" height=\"").append(fx(ph)).append("\" fill=\"#fafafa\" stroke=\"#999\"/>");
        s.append("<text x=\"").append(fx(left + pw / 2)).append("\" y=\"").append(hgt - 8).append("\" text-anchor=\"middle\">")
                .append(esc(tx + " (" + direction(r, tx) + ")")).append("</text>");
        s.append("<text transform=\"translate(14,").append(fx(top + ph / 2)).append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(esc(ty + " (" + direction(r, ty) + ")")).append("</text>");
        s.append("<text x=\"").append(left).append("\" y=\"").append(fx(top + ph + 14)).append("\">").append(esc(Fmt.num(x0))).append("</text>");
        s.append("<text x=\"").append(fx(left + pw)).append("\" y=\"").append(fx(top + ph + 14)).append("\" text-anchor=\"end\">")
                .append(esc(Fmt.num(x1))).append("</text>");
        s.append("<text x=\"").append(left - 4).append("\" y=\"").append(fx(top + ph)).append("\" text-anchor=\"end\">").append(esc(Fmt.num(y0))).append("</text>");
        s.append("<text x=\"").append(left - 4).append("\" y=\"").append(top + 10).append("\" text-anchor=\"end\">").append(esc(Fmt.num(y1))).append("</text>");
        for (int i = 0; i < xy.size(); i++) {
            double px = left + (xy.get(i)[0] - x0) / (x1 - x0) * pw;
            double py = top + ph - (xy.get(i)[1] - y0) / (y1 - y0) * ph;
            boolean isStl = i == r.configurations().size();
            String label = isStl ? StudyReportBuilder.STL_LABEL : r.configurations().get(i).label();
            if (isStl) {
                s.append("<rect x=\"").append(fx(px - 5)).append("\" y=\"").append(fx(py - 5))
                        .append("\" width=\"10\" height=\"10\" fill=\"#555\"><title>").append(esc(label)).append("</title></rect>");
            } else {
                boolean front = r.configurations().get(i).paretoOptimal();
                s.append("<circle cx=\"").append(fx(px)).append("\" cy=\"").append(fx(py)).append("\" r=\"5\" ")
                        .append(front ? "fill=\"#2a7\"" : "fill=\"none\" stroke=\"#c50\" stroke-width=\"1.5\"")
                        .append("><title>").append(esc(label)).append("</title></circle>");
            }
            s.append("<text x=\"").append(fx(px + 8)).append("\" y=\"").append(fx(py + 4)).append("\">").append(esc(label)).append("</text>");
        }
        s.append("<text x=\"").append(w - right + 10).append("\" y=\"").append(top + 12).append("\">● Pareto-optimal</text>")
                .append("<text x=\"").append(w - right + 10).append("\" y=\"").append(top + 28).append("\">○ dominated</text>")
                .append("<text x=\"").append(w - right + 10).append("\" y=\"").append(top + 44).append("\">■ STL baseline</text>");
        s.append("</svg>\n");
        return s.toString();
    }

    private static String direction(StudyReport r, String task) {
        return r.stlBaselines().stream().filter(b -> b.task().equals(task)).findFirst()
                .map(b -> b.metric() + ", " + (b.higherIsBetter() ? "higher is better" : "lower is better")).orElse("metric");
    }

    private static String fx(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String point(Map<String, Double> point) {
        return "(" + point.entrySet().stream().map(e -> e.getKey() + " " + Fmt.num(e.getValue()))
                .collect(Collectors.joining(", ")) + ")";
    }

    /** HTML text escaping for element content and attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
