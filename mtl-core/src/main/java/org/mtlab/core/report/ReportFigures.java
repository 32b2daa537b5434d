package org.mtlab.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The report's static figures, drawn with JFreeChart 1.5.6 as PNG: the Pareto scatter of the configuration means per
 * optimizer (first two tasks) with the STL point; per MTL configuration the inter-task cosine and magnitude similarity
 * per epoch with the single-task (inter-sample) band; per task and optimizer the accuracy under each corruption by
 * severity, MTL against STL. Names are stable ({@code pareto.png}, {@code cosine-1.png}, ...) so documents can link
 * them; {@link #captions} says what each shows.
 */
public final class ReportFigures {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    private ReportFigures() {
    }

    /** Every figure the report's data allow, name → PNG bytes, in reading order. */
    public static Map<String, byte[]> render(StudyReport report) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        captionsAndCharts(report).forEach((name, entry) -> out.put(name, png(entry.chart().get())));
        return out;
    }

    /** Name → caption of every figure {@link #render} draws; draws nothing (no Java2D, no fonts). */
    public static Map<String, String> captions(StudyReport report) {
        Map<String, String> out = new LinkedHashMap<>();
        captionsAndCharts(report).forEach((name, entry) -> out.put(name, entry.caption()));
        return out;
    }

    /** A figure's caption and, built only when the figure is drawn, its chart. */
    private record Entry(String caption, java.util.function.Supplier<JFreeChart> chart) {
    }

    private static Map<String, Entry> captionsAndCharts(StudyReport report) {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (report.tasks().size() >= 2 && !report.configurations().isEmpty()) {
            out.put("pareto.png", new Entry("Pareto scatter: test " + report.tasks().get(0) + " against "
                    + report.tasks().get(1) + ", one point per MTL configuration (mean over seeds), by optimizer; "
                    + "the STL baseline point for comparison", () -> pareto(report)));
        }
        int i = 0;
        for (ReproductionEvidence.SimilarityCurve curve : report.similarity() == null ? List.<ReproductionEvidence.SimilarityCurve>of()
                : report.similarity()) {
            if (curve.points().isEmpty()) {
                continue;
            }
            i++;
            String what = curve.configuration() + ", " + curve.taskA() + " vs " + curve.taskB();
            out.put("cosine-" + i + ".png", new Entry("Cosine similarity per epoch, " + what + ": median between the "
                    + "tasks on the same sample (line) and the single-task band (2.5–97.5th percentile between two "
                    + "samples of one task, shaded)", () -> similarity(curve, true)));
            out.put("magnitude-" + i + ".png", new Entry("Magnitude similarity per epoch, " + what + ": same layout",
                    () -> similarity(curve, false)));
        }
        if (report.corruption() != null) {
            Map<String, List<ReproductionEvidence.CorruptionComparison>> groups = new LinkedHashMap<>();
            for (ReproductionEvidence.CorruptionComparison c : report.corruption().comparisons()) {
                groups.computeIfAbsent(c.task() + "\u0000" + c.optimizer() + "\u0000" + c.method() + "\u0000"
                        + c.learningRate(), k -> new ArrayList<>()).add(c);
            }
            int j = 0;
            for (Map.Entry<String, List<ReproductionEvidence.CorruptionComparison>> g : groups.entrySet()) {
                String[] k = g.getKey().split("\u0000");
                j++;
                out.put("corruption-" + j + ".png", new Entry("Test accuracy of task " + k[0] + " under each "
                        + "corruption by severity (0 = clean), MTL " + k[1] + "/" + k[2] + " (solid) against STL "
                        + k[1] + " (dashed), learning rate " + k[3] + ", mean over seeds", () -> corruption(k[0], g.getValue())));
            }
        }
        return out;
    }

    private static JFreeChart pareto(StudyReport report) {
        String a = report.tasks().get(0);
        String b = report.tasks().get(1);
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> byOptimizer = new TreeMap<>();
        for (StudyReport.Configuration c : report.configurations()) {
            var pa = c.perTask().get(a);
            var pb = c.perTask().get(b);
            if (pa != null && pb != null) {
                byOptimizer.computeIfAbsent(c.optimizer(), o -> new XYSeries(o + " (MTL)", false)).add(pa.mean(), pb.mean());
            }
        }
        byOptimizer.values().forEach(data::addSeries);
        if (report.pareto() != null && report.pareto().stlPoint() != null && report.pareto().stlPoint().containsKey(a)
                && report.pareto().stlPoint().containsKey(b)) {
            XYSeries stl = new XYSeries("STL", false);
            stl.add(report.pareto().stlPoint().get(a), report.pareto().stlPoint().get(b));
            data.addSeries(stl);
        }
        JFreeChart chart = ChartFactory.createScatterPlot("Configurations by optimizer", "test " + a, "test " + b, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        ((org.jfree.chart.axis.NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    private static JFreeChart similarity(ReproductionEvidence.SimilarityCurve curve, boolean cosine) {
        YIntervalSeries band = new YIntervalSeries("single task (inter-sample) 2.5–97.5%");
        YIntervalSeries between = new YIntervalSeries("between tasks, same sample (median)");
        for (ReproductionEvidence.SimilarityPoint p : curve.points()) {
            double low = cosine ? p.cosineBandLow() : p.magnitudeBandLow();
            double high = cosine ? p.cosineBandHigh() : p.magnitudeBandHigh();
            double median = cosine ? p.interTaskCosineMedian() : p.interTaskMagnitudeMedian();
            band.add(p.epoch(), (low + high) / 2, low, high);
            between.add(p.epoch(), median, median, median);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(band);
        data.addSeries(between);
        String name = cosine ? "cosine similarity" : "magnitude similarity";
        JFreeChart chart = ChartFactory.createXYLineChart(name + " — " + curve.configuration(), "epoch", name, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        renderer.setSeriesPaint(0, new Color(120, 120, 120));
        renderer.setSeriesFillPaint(0, new Color(180, 180, 180));
        renderer.setSeriesPaint(1, new Color(200, 40, 40));
        renderer.setSeriesFillPaint(1, new Color(200, 40, 40));
        renderer.setSeriesStroke(0, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[]{4f, 4f}, 0f));
        renderer.setAlpha(0.35f);
        plot.setRenderer(renderer);
        return chart;
    }

    private static JFreeChart corruption(String task, List<ReproductionEvidence.CorruptionComparison> cells) {
        Map<String, XYSeries> mtl = new LinkedHashMap<>();
        Map<String, XYSeries> stl = new LinkedHashMap<>();
        for (ReproductionEvidence.CorruptionComparison c : cells) {
            XYSeries m = mtl.computeIfAbsent(c.corruption(), t -> {
                XYSeries s = new XYSeries("MTL " + t);
                s.add(0, c.mtlClean().mean());
                return s;
            });
            m.add(c.severity(), c.mtlCorrupted().mean());
            XYSeries s = stl.computeIfAbsent(c.corruption(), t -> {
                XYSeries x = new XYSeries("STL " + t);
                x.add(0, c.stlClean().mean());
                return x;
            });
            s.add(c.severity(), c.stlCorrupted().mean());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        mtl.values().forEach(data::addSeries);
        stl.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Accuracy under corruption — " + task, "severity (0 = clean)",
                "test accuracy", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
                new Color(214, 39, 40), new Color(148, 103, 189)};
        int n = mtl.size();
        for (int i = 0; i < n; i++) {
            renderer.setSeriesPaint(i, colors[i % colors.length]);
            renderer.setSeriesPaint(n + i, colors[i % colors.length]);
            renderer.setSeriesStroke(n + i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                    new float[]{6f, 4f}, 0f));
        }
        plot.setRenderer(renderer);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
