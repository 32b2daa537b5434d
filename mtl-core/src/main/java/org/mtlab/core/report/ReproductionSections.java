package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's reproduction sections — loss-scale probe, corruptions, gradient similarity over training — and its
 * figures, as Markdown and as HTML. Each section is a caption, a table (one row per figure the section rests on) and
 * the rule it was computed by; a section without data is left out.
 */
final class ReproductionSections {
    private ReproductionSections() {
    }

    /** The sections as rows of cells: a list of (title, rule, header, rows, findings). */
    private record Section(String title, String rule, List<String> header, List<List<String>> rows, List<String> findings) {
    }

    private static List<Section> sections(StudyReport r) {
        List<Section> out = new ArrayList<>();
        ReproductionEvidence.LossScaleEvidence ls = r.lossScale();
        if (ls != null) {
            List<List<String>> rows = new ArrayList<>();
            for (ReproductionEvidence.LossScaleShift s : ls.shifts()) {
                rows.add(List.of(s.optimizer(), s.method(), g(s.learningRate()), s.task(), s.metric(),
                        Integer.toString(s.pairs()), pm(s.base()), pm(s.probe()), f(s.shift().mean()),
                        s.shiftLow() == null ? "–" : "[" + f(s.shiftLow()) + ", " + f(s.shiftHigh()) + "]",
                        String.format(Locale.ROOT, "%+.2f%%", s.relativePercent()), s.outcome()));
            }
            out.add(new Section("Loss-scale probe: task '" + ls.scaledTask() + "' loss × " + g(ls.factor()), ls.rule(),
                    List.of("optimizer", "method", "lr", "task", "metric", "seeds", "base (mean ± sd)",
                            "probe (mean ± sd)", "shift", "95% interval", "relative", "outcome"), rows, ls.findings()));
        }
        ReproductionEvidence.CorruptionEvidence ce = r.corruption();
        if (ce != null) {
            List<List<String>> rows = new ArrayList<>();
            for (ReproductionEvidence.CorruptionComparison c : ce.comparisons()) {
                rows.add(List.of(c.corruption(), c.severity() + " (" + g(c.parameter()) + ")", c.task(),
                        c.optimizer() + "@" + g(c.learningRate()), c.method(), pm(c.mtlClean()), pm(c.mtlDrop()),
                        pm(c.stlClean()), pm(c.stlDrop()), f(c.difference()),
                        c.low() == null ? "–" : "[" + f(c.low()) + ", " + f(c.high()) + "]", c.outcome()));
            }
            out.add(new Section("Corruptions: MTL against STL accuracy drops", ce.rule(),
                    List.of("corruption", "severity (parameter)", "task", "optimizer", "MTL method", "MTL clean",
                            "MTL drop", "STL clean", "STL drop", "MTL − STL drop", "95% interval", "outcome"), rows,
                    ce.findings()));
        }
        if (r.similarity() != null && !r.similarity().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            String rule = null;
            for (ReproductionEvidence.SimilarityCurve c : r.similarity()) {
                rule = c.rule();
                for (ReproductionEvidence.SimilarityPoint p : c.points()) {
                    rows.add(List.of(c.configuration(), c.taskA() + " vs " + c.taskB(), Integer.toString(p.epoch()),
                            Integer.toString(p.runs()), f(p.interTaskCosineMedian()),
                            "[" + f(p.cosineBandLow()) + ", " + f(p.cosineBandHigh()) + "]",
                            f(p.interTaskMagnitudeMedian()),
                            "[" + f(p.magnitudeBandLow()) + ", " + f(p.magnitudeBandHigh()) + "]"));
                }
            }
            out.add(new Section("Gradient similarity over training against the single-task band", rule,
                    List.of("configuration", "pair", "epoch", "runs", "cosine between tasks (median)",
                            "single-task cosine band", "magnitude sim. between tasks (median)",
                            "single-task magnitude band"), rows, List.of()));
        }
        return out;
    }

    static void markdown(StudyReport r, Map<String, String> figureLinks, StringBuilder md) {
        for (Section s : sections(r)) {
            md.append("\n## ").append(s.title()).append("\n\n");
            md.append("| ").append(String.join(" | ", s.header())).append(" |\n|");
            s.header().forEach(x -> md.append("---|"));
            md.append('\n');
            s.rows().forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
            md.append('\n');
            s.findings().forEach(x -> md.append("- ").append(x).append('\n'));
            md.append("\nRule: ").append(s.rule()).append('\n');
        }
        if (!figureLinks.isEmpty()) {
            md.append("\n## Figures\n\n");
            Map<String, String> captions = ReportFigures.captions(r);
            figureLinks.forEach((name, link) -> md.append("![").append(captions.getOrDefault(name, name)).append("](")
                    .append(link).append(")\n\n*").append(captions.getOrDefault(name, name)).append("*\n\n"));
        }
    }

    static void html(StudyReport r, Map<String, byte[]> figures, StringBuilder h) {
        for (Section s : sections(r)) {
            h.append("<h2>").append(HtmlReport.esc(s.title())).append("</h2>\n<table><tr>");
            s.header().forEach(x -> h.append("<th>").append(HtmlReport.esc(x)).append("</th>"));
            h.append("</tr>\n");
            for (List<String> row : s.rows()) {
                h.append("<tr>");
                row.forEach(x -> h.append("<td>").append(HtmlReport.esc(x)).append("</td>"));
                h.append("</tr>\n");
            }
            h.append("</table>\n");
            if (!s.findings().isEmpty()) {
                h.append("<ul>");
                s.findings().forEach(x -> h.append("<li>").append(HtmlReport.esc(x)).append("</li>"));
                h.append("</ul>\n");
            }
            h.append("<p class=\"small\">Rule: ").append(HtmlReport.esc(s.rule())).append("</p>\n");
        }
        if (!figures.isEmpty()) {
            h.append("<h2>Figures</h2>\n");
            Map<String, String> captions = ReportFigures.captions(r);
            figures.forEach((name, png) -> h.append("<figure><img alt=\"")
                    .append(HtmlReport.esc(captions.getOrDefault(name, name))).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption class=\"small\">")
                    .append(HtmlReport.esc(captions.getOrDefault(name, name))).append("</figcaption></figure>\n"));
        }
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static String pm(ReproductionEvidence.Stat s) {
        return String.format(Locale.ROOT, "%.4f ± %.4f", s.mean(), s.std());
    }
}
