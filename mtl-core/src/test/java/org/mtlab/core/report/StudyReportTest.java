package org.mtlab.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunResult;
import org.mtlab.core.analysis.RunResult.TaskMetric;
import org.mtlab.core.analysis.StudyAnalysis.Spread;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.core.report.StudyReport.OptimizerCount;
import org.mtlab.core.report.StudyReport.PairEvidence;
import org.mtlab.core.report.Verdict.Answer;

class StudyReportTest {
    static final List<String> AB = List.of("a", "b");

    static RunResult stl(String task, String optimizer, long seed, double value, boolean higher) {
        return new RunResult(UUID.randomUUID(), RunKind.STL, List.of(task), optimizer, "stl", seed,
                List.of(new TaskMetric(task, higher ? "accuracy" : "mse", value, higher)));
    }

    /** STL runs of one optimizer: one per task and seed, seed i gets values[i]. */
    static List<RunResult> stl(String optimizer, double[] a, double[] b, boolean higher) {
        List<RunResult> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            out.add(stl("a", optimizer, i + 1, a[i], higher));
            out.add(stl("b", optimizer, i + 1, b[i], higher));
        }
        return out;
    }

    static List<RunResult> mtl(String optimizer, String method, double[] a, double[] b, boolean higher) {
        List<RunResult> out = new ArrayList<>();
        String metric = higher ? "accuracy" : "mse";
        for (int i = 0; i < a.length; i++) {
            out.add(new RunResult(UUID.randomUUID(), RunKind.MTL, AB, optimizer, method, i + 1,
                    List.of(new TaskMetric("a", metric, a[i], higher), new TaskMetric("b", metric, b[i], higher))));
        }
        return out;
    }

    static double[] v(double... xs) {
        return xs;
    }

    static StudyReport report(List<RunResult> runs) {
        return StudyReportBuilder.build("s1", AB, runs.size(), runs, List.of());
    }

    @Test
    void welchIntervalMatchesHandComputation() {
        // MTL {0.9, 1.0, 1.1}, STL {1.9, 2.0, 2.1}: SE = √(0.01/3 + 0.01/3) = 0.0816497, ν = 4, t = 2.776
        SeedComparison.Result r = SeedComparison.compare(new Spread(1.0, 0.1, 3), new Spread(2.0, 0.1, 3), false);
        assertEquals(-1.0, r.difference(), 1e-12);
        assertEquals(50.0, r.gainPercent(), 1e-12);
        assertEquals(Math.sqrt(0.02 / 3), r.standardError(), 1e-12);
        assertEquals(4.0, r.degreesOfFreedom(), 1e-9);
        assertEquals(-1.0 - 2.776 * Math.sqrt(0.02 / 3), r.intervalLow(), 1e-12);
        assertEquals(SeedComparison.Outcome.MTL_BETTER, r.outcome());
        // overlapping spreads: not distinguishable
        assertEquals(SeedComparison.Outcome.NOT_DISTINGUISHABLE,
                SeedComparison.compare(new Spread(1.0, 0.1, 3), new Spread(1.05, 0.1, 3), false).outcome());
        // higher is better: a larger MTL accuracy is better, a smaller one worse
        assertEquals(SeedComparison.Outcome.MTL_WORSE,
                SeedComparison.compare(new Spread(0.7, 0.01, 4), new Spread(0.8, 0.01, 4), true).outcome());
        // one seed on either side
        SeedComparison.Result one = SeedComparison.compare(new Spread(0.5, 0, 1), new Spread(1.0, 0.1, 3), false);
        assertTrue(one.oneSeed());
        assertNull(one.intervalLow());
        assertEquals(SeedComparison.Outcome.NOT_DISTINGUISHABLE, one.outcome());
        // ν rounded down, and the large-sample limit
        assertEquals(4.303, SeedComparison.tQuantile975(2.9), 0);
        assertEquals(1.98, SeedComparison.tQuantile975(500), 0);
    }

    @Test
    void taskThatLosesTenPercentUnderEveryConfigurationIsWarned() {
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(1.0, 1.02, 0.98), v(1.0, 1.02, 0.98), false));
        runs.addAll(mtl("adam", "ew", v(1.10, 1.12, 1.08), v(0.80, 0.82, 0.78), false)); // a −10%, b +20%
        runs.addAll(mtl("sgd", "ew", v(1.20, 1.22, 1.18), v(0.85, 0.87, 0.83), false)); // a −20%, b +15%
        StudyReport r = report(runs);
        String warning = r.verdict().warnings().stream().filter(w -> w.startsWith("Task a loses")).findFirst().orElseThrow();
        assertTrue(warning.contains("loses 10.0% or more under every MTL configuration"), warning);
        assertTrue(warning.contains("least: adam/ew -10.0%") && warning.contains("most: sgd/ew -20.0%"), warning);
        assertFalse(r.verdict().warnings().stream().anyMatch(w -> w.startsWith("Task b")), "b gains under every configuration");
        // the recommendation is adam/ew (Δm = (10 − 20)/2 = −5%); it costs a 10% beyond the seed spread
        assertEquals("adam/ew", r.verdict().recommended().configuration());
        assertEquals(-5.0, r.verdict().recommended().deltaMPercent().mean(), 1e-9);
        assertEquals(Answer.TRAIN_TOGETHER_WITH_TRADE_OFF, r.verdict().answer());
        assertTrue(r.verdict().summary().contains("costs a 10.0%"), r.verdict().summary());
        Verdict.TaskVerdict a = r.verdict().perTask().get(0);
        assertEquals("adam/ew", a.configuration());
        assertEquals(SeedComparison.Outcome.MTL_WORSE, a.outcome());
        assertEquals(-10.0, r.configurations().get(0).gainVsStlPercent().get("a"), 1e-9);
    }

    @Test
    void dominatedOptimizerIsNamedAndCountedAsInTableTwo() {
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(1.0, 1.0), v(1.0, 1.0), false));
        runs.addAll(mtl("adam", "ew", v(0.90, 0.91), v(0.90, 0.91), false));
        runs.addAll(mtl("sgd", "ew", v(1.00, 1.01), v(1.00, 1.01), false));
        runs.addAll(mtl("sgd", "uw", v(0.95, 0.96), v(0.95, 0.96), false));
        StudyReport r = report(runs);
        assertEquals(List.of("adam/ew"), r.pareto().front());
        assertEquals(List.of(new OptimizerCount("adam", 1, 1, r.pareto().byOptimizer().get(0).hypervolume()),
                new OptimizerCount("sgd", 2, 0, r.pareto().byOptimizer().get(1).hypervolume())), r.pareto().byOptimizer());
        assertTrue(r.verdict().warnings().stream().anyMatch(w -> w.startsWith("SGD configurations are dominated: none of its 2")),
                r.verdict().warnings().toString());
        assertFalse(r.verdict().warnings().stream().anyMatch(w -> w.startsWith("ADAM")));
        assertTrue(r.configurations().stream().filter(c -> c.label().equals("sgd/uw")).findFirst().orElseThrow()
                .dominatedBy().contains("adam/ew"));
    }

    @Test
    void oneSeedIsNotDistinguishable() {
        List<RunResult> runs = new ArrayList<>(stl("adam", v(1.0), v(1.0), false));
        runs.addAll(mtl("adam", "ew", v(0.5), v(0.5), false)); // 50% better by the means, but one seed
        StudyReport r = report(runs);
        for (Verdict.TaskVerdict t : r.verdict().perTask()) {
            assertEquals(SeedComparison.Outcome.NOT_DISTINGUISHABLE, t.outcome());
            assertTrue(t.sentence().startsWith(t.task() + ": not distinguishable: one seed"), t.sentence());
        }
        assertEquals(Answer.NOT_DISTINGUISHABLE, r.verdict().answer());
        assertTrue(r.verdict().summary().contains("one seed"), r.verdict().summary());
        assertEquals(VerdictLead.Decision.NO_MEASURABLE_DIFFERENCE_TOGETHER, r.verdict().lead().decision());
        assertTrue(r.verdict().lead().sentence().contains("with one seed nothing can be measured"),
                r.verdict().lead().sentence());
        assertTrue(r.verdict().warnings().stream().anyMatch(w -> w.startsWith("One seed only for adam/ew")));
    }

    @Test
    void hypervolumeOfTheFrontMatchesHandComputation() {
        // lower is better; configuration means (1,3), (2,2), (3,1); STL point (2.5, 2.5)
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(2.5), v(2.5), false));
        runs.addAll(mtl("adam", "ew", v(1), v(3), false));
        runs.addAll(mtl("adam", "uw", v(2), v(2), false));
        runs.addAll(mtl("sgd", "ew", v(3), v(1), false));
        StudyReport r = report(runs);
        // reference: worst 3 per task, range 3 − 1 = 2, plus 10% of it → (3.2, 3.2)
        assertEquals(3.2, r.pareto().referencePoint().get("a"), 1e-12);
        assertEquals(3.2, r.pareto().referencePoint().get("b"), 1e-12);
        // boxes (2.2 × 0.2), (1.2 × 1.2), (0.2 × 2.2): 0.44 + 1.2·(1.2 − 0.2) + 0.2·(2.2 − 1.2) = 1.84
        assertEquals(1.84, r.pareto().hypervolume(), 1e-12);
        assertEquals(0.7 * 0.7, r.pareto().stlHypervolume(), 1e-12);
        assertEquals(1.64, r.pareto().byOptimizer().get(0).hypervolume(), 1e-12); // adam: 1.44 + 0.2
        assertEquals(0.44, r.pareto().byOptimizer().get(1).hypervolume(), 1e-12); // sgd alone
        assertEquals(List.of("adam/ew", "adam/uw", "sgd/ew"), r.pareto().front());
        assertFalse(r.pareto().stlDominatesEveryConfiguration());
    }

    @Test
    void referencePointForHigherIsBetterMovesDown() {
        // accuracy: configuration means (0.9, 0.7), (0.8, 0.8); STL (0.85, 0.75) → reference (0.79, 0.69)
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(0.85), v(0.75), true));
        runs.addAll(mtl("adam", "ew", v(0.9), v(0.7), true));
        runs.addAll(mtl("adam", "uw", v(0.8), v(0.8), true));
        StudyReport r = report(runs);
        assertEquals(0.79, r.pareto().referencePoint().get("a"), 1e-12);
        assertEquals(0.69, r.pareto().referencePoint().get("b"), 1e-12);
        assertEquals(0.11 * 0.01 + 0.01 * 0.10, r.pareto().hypervolume(), 1e-12);
    }

    @Test
    void clearWinAndClearLossGiveTheirAnswers() {
        List<RunResult> win = new ArrayList<>(stl("sgd", v(1.0, 1.02, 0.98), v(2.0, 2.04, 1.96), false));
        win.addAll(mtl("adam", "ew", v(0.80, 0.81, 0.79), v(1.60, 1.62, 1.58), false));
        StudyReport w = report(win);
        assertEquals(Answer.TRAIN_TOGETHER, w.verdict().answer(), w.verdict().summary());
        // the verdict leads with the primary task (the first, by default), then the decision
        assertTrue(w.verdict().summary().startsWith("Primary task a: 1 of 1 MTL configurations beat its STL baseline"),
                w.verdict().summary());
        assertTrue(w.verdict().summary().contains("Train together with adam/ew: value-weighted gain +20.0%"),
                w.verdict().summary());
        assertEquals(SeedComparison.Outcome.MTL_BETTER, w.verdict().perTask().get(1).outcome());

        List<RunResult> loss = new ArrayList<>(stl("sgd", v(1.0, 1.02, 0.98), v(1.0, 1.02, 0.98), false));
        loss.addAll(mtl("adam", "ew", v(1.30, 1.31, 1.29), v(1.30, 1.31, 1.29), false));
        loss.addAll(mtl("sgd", "ew", v(1.50, 1.51, 1.49), v(1.20, 1.21, 1.19), false));
        StudyReport l = report(loss);
        assertEquals(Answer.TRAIN_APART, l.verdict().answer(), l.verdict().summary());
        assertTrue(l.pareto().stlDominatesEveryConfiguration());
        assertTrue(l.verdict().warnings().stream().anyMatch(x -> x.startsWith("Training apart dominates every MTL configuration")));
    }

    @Test
    void missingBaselineGivesNoVerdict() {
        StudyReport r = report(new ArrayList<>(mtl("adam", "ew", v(1), v(1), false)));
        assertEquals(Answer.INSUFFICIENT_DATA, r.verdict().answer());
        assertTrue(r.verdict().summary().contains("no finished STL baseline for a, b"), r.verdict().summary());
        assertNull(r.verdict().recommended());
        assertFalse(MarkdownReport.render(r).isBlank());
        assertFalse(HtmlReport.render(r).isBlank());
    }

    static RunGradientStatistics.Snapshot gradients(float[][][] perStep) {
        RunGradientStatistics stats = new RunGradientStatistics(2);
        UUID run = UUID.randomUUID();
        for (int step = 0; step < perStep.length; step++) {
            float[][] g = perStep[step];
            stats.add(new GradientEvent(run, 1, step, 0, new float[] {1, 1}, new float[] {1, 1},
                    new double[][] {GradientGeometry.packedGram(g, 0, g[0].length)}, null, null));
        }
        return stats.snapshot(AB);
    }

    @Test
    void conflictEvidenceStatesTheRuleAndTheMissingSingleTaskBaseline() {
        // opposed gradients, b three times larger: cosine −3/√9.09 on every step, norm ratio √9.09
        float[][][] opposed = new float[20][][];
        // nearly orthogonal, alternating sign of the cosine, equal norms
        float[][][] orthogonal = new float[20][][];
        for (int s = 0; s < 20; s++) {
            float sign = s % 2 == 0 ? 1 : -1;
            opposed[s] = new float[][] {{1, 0}, {-3, 0.3f * sign}};
            orthogonal[s] = new float[][] {{1, 0}, {0.1f * sign, 1}};
        }
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(1.0, 1.0), v(1.0, 1.0), false));
        runs.addAll(mtl("adam", "ew", v(1, 1), v(1, 1), false));
        runs.addAll(mtl("sgd", "ew", v(1, 1), v(1, 1), false));
        List<StudyReportBuilder.RunGradients> grads = List.of(
                new StudyReportBuilder.RunGradients("r1", RunKind.MTL, "sgd", "ew", 1, gradients(opposed)),
                new StudyReportBuilder.RunGradients("r2", RunKind.MTL, "sgd", "ew", 2, gradients(opposed)),
                new StudyReportBuilder.RunGradients("r3", RunKind.MTL, "adam", "ew", 1, gradients(orthogonal)));
        StudyReport r = StudyReportBuilder.build("s", AB, runs.size(), runs, grads);
        StudyReport.ConflictEvidence c = r.conflict();
        assertFalse(c.singleTaskBaselineAvailable());
        assertTrue(c.baselineStatement().contains("does not yet send single-task (inter-sample)"));
        assertTrue(c.rules().get(0).contains("1.96·std/√steps"));
        PairEvidence sgd = c.pairs().stream().filter(p -> p.configuration().equals("sgd/ew")).findFirst().orElseThrow();
        assertEquals(2, sgd.runs());
        assertEquals(40, sgd.steps());
        assertEquals(-3 / Math.sqrt(9.09), sgd.meanCosine(), 1e-6);
        assertEquals("conflicting", sgd.angle());
        assertEquals(1.0, sgd.conflictFraction(), 0);
        assertEquals(Math.sqrt(9.09), sgd.normRatio(), 1e-5);
        assertEquals("b", sgd.larger());
        assertEquals("different", sgd.magnitude());
        PairEvidence adam = c.pairs().stream().filter(p -> p.configuration().equals("adam/ew")).findFirst().orElseThrow();
        assertEquals("not distinguishable from orthogonal", adam.angle());
        assertEquals(0.5, adam.conflictFraction(), 0);
        assertEquals("similar", adam.magnitude());
        PairEvidence all = c.pairs().stream().filter(p -> p.configuration().equals(StudyReportBuilder.ALL_MTL_RUNS))
                .findFirst().orElseThrow();
        assertEquals(3, all.runs());
        assertEquals(60, all.steps());
        // pooled mean of 40 steps at −0.995 and 20 near 0, pooled std from the parallel combination
        assertEquals((2 * sgd.meanCosine() + adam.meanCosine()) / 3, all.meanCosine(), 1e-9);
        assertTrue(c.findings().stream().anyMatch(f -> f.startsWith("Magnitudes differ")), c.findings().toString());
    }

    @Test
    void renderersShowTheVerdictTablesAndStaySelfContained() {
        List<RunResult> runs = new ArrayList<>(stl("sgd", v(1.0, 1.02, 0.98), v(1.0, 1.02, 0.98), false));
        runs.addAll(mtl("adam", "ew", v(1.10, 1.12, 1.08), v(0.80, 0.82, 0.78), false));
        runs.addAll(mtl("sgd", "ew", v(1.20, 1.22, 1.18), v(0.85, 0.87, 0.83), false));
        StudyReport r = report(runs);
        String md = MarkdownReport.render(r);
        // a is 10% worse beyond the seed spread, b 20% better: it pays by the (equal) task values, so together
        assertTrue(md.contains("## Verdict\n\n**Train together** with adam/ew: better than training apart on b beyond "
                + "the seed spread and it pays by the task values"), md);
        assertTrue(md.contains("| adam/ew | 3 |"), md);
        assertTrue(md.contains("Δm% (lower is better)"), md);
        assertTrue(md.contains("| adam | 1 | 1 |"), md);
        assertTrue(md.contains("Task a loses 10.0% or more"), md);
        assertTrue(md.contains("does not yet send single-task"), md);
        String html = HtmlReport.render(r);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"), "two tasks: scatter plot");
        // the figures are inlined as data: URIs; nothing else is fetched
        String withoutFigures = html.replace("src=\"data:image/png;base64,", "");
        assertTrue(html.contains("src=\"data:image/png;base64,"), "the Pareto figure is inlined");
        for (String external : List.of("<script", "src=", "href=", "<link", "@import", "url(")) {
            assertFalse(withoutFigures.contains(external), "self-contained: no " + external);
        }
        assertTrue(html.contains("Task a loses 10.0% or more"));
        // JSON as served
        String json = Json.writeString(r);
        assertTrue(json.contains("\"answer\":\"TRAIN_TOGETHER_WITH_TRADE_OFF\""), json);
        assertNotNull(Json.read(json, com.fasterxml.jackson.databind.JsonNode.class).get("pareto").get("hypervolume"));
    }

    @Test
    void htmlEscapesNames() {
        List<String> tasks = List.of("<a>", "b&c");
        List<RunResult> runs = new ArrayList<>();
        for (String t : tasks) {
            runs.add(new RunResult(UUID.randomUUID(), RunKind.STL, List.of(t), "sgd", "stl", 1,
                    List.of(new TaskMetric(t, "mse", 1.0, false))));
        }
        runs.add(new RunResult(UUID.randomUUID(), RunKind.MTL, tasks, "sgd", "ew", 1,
                List.of(new TaskMetric("<a>", "mse", 0.9, false), new TaskMetric("b&c", "mse", 1.1, false))));
        String html = HtmlReport.render(StudyReportBuilder.build(null, tasks, 3, runs, null));
        assertFalse(html.contains("<a>"));
        assertTrue(html.contains("&lt;a&gt;") && html.contains("b&amp;c"));
    }
}
