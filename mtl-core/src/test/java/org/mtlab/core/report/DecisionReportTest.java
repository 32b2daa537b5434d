package org.mtlab.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.analysis.RunHistory.EpochMetrics;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.StudySpec.TaskSpec;
import org.mtlab.core.report.StudyReport.Configuration;
import org.mtlab.core.report.Verdict.Answer;

/**
 * The decision protocol on constructed studies whose answer is known by hand: margins, values, the primary task,
 * validation-only selection of learning rate and epoch, and the cost of one MTL model against T STL models.
 * Metrics are MSE (lower is better); the seeds of a configuration spread by ±1% around the stated mean.
 */
class DecisionReportTest {
    static final List<String> AB = List.of("a", "b");
    static final double[] SEEDS = {0.99, 1.00, 1.01};

    /** One epoch's metrics: validation and test per task, the values given in task order. */
    static EpochMetrics epoch(int epoch, List<String> tasks, double[] validation, double[] test) {
        List<RunEvent.Metric> m = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            m.add(new RunEvent.Metric(tasks.get(k), "validation", "mse", validation[k], false));
        }
        for (int k = 0; k < tasks.size(); k++) {
            m.add(new RunEvent.Metric(tasks.get(k), "test", "mse", test[k], false));
        }
        return new EpochMetrics(epoch, m);
    }

    static RunHistory run(RunKind kind, List<String> tasks, String optimizer, double lr, String method, long seed,
                          List<EpochMetrics> epochs, RunCost cost, long startMs, long endMs) {
        List<RunEvent.Metric> last = epochs.get(epochs.size() - 1).metrics();
        return new RunHistory(UUID.randomUUID(), kind, tasks, optimizer, lr, method, seed, epochs, last, startMs, endMs,
                cost == null ? "cpu" : cost.device(), cost);
    }

    /** A configuration's runs over three seeds, one epoch, validation = test = the means (× seed spread). */
    static List<RunHistory> flat(RunKind kind, List<String> tasks, String optimizer, String method, double... means) {
        List<RunHistory> out = new ArrayList<>();
        for (int s = 0; s < SEEDS.length; s++) {
            double[] v = new double[means.length];
            for (int k = 0; k < means.length; k++) {
                v[k] = means[k] * SEEDS[s];
            }
            out.add(run(kind, tasks, optimizer, 0.01, method, s + 1, List.of(epoch(1, tasks, v, v)), null, 0, 1000));
        }
        return out;
    }

    /** STL baselines at 1.0 for a and b (sgd). */
    static List<RunHistory> stlBaselines() {
        List<RunHistory> out = new ArrayList<>(flat(RunKind.STL, List.of("a"), "sgd", "stl", 1.0));
        out.addAll(flat(RunKind.STL, List.of("b"), "sgd", "stl", 1.0));
        return out;
    }

    static StudyDecision decision(String primary, TaskSpec... tasks) {
        return new StudyDecision(primary, List.of(tasks), false, List.of("ew", "mgda"));
    }

    static StudyReport report(List<RunHistory> runs, StudyDecision decision) {
        return StudyReportBuilder.build("s", AB, runs.size(), runs, List.of(), decision);
    }

    static Configuration config(StudyReport r, String label) {
        return r.configurations().stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }

    /** adam/ew: a −20% mse (+20% gain), b +5% mse (−5%); sgd/ew: a +10%, b −3%. */
    static List<RunHistory> tradeOffStudy() {
        List<RunHistory> runs = stlBaselines();
        runs.addAll(flat(RunKind.MTL, AB, "adam", "ew", 0.80, 1.05));
        runs.addAll(flat(RunKind.MTL, AB, "sgd", "ew", 0.90, 1.03));
        return runs;
    }

    @Test
    void aMarginEveryConfigurationBreaksGivesNoRecommendationAndNamesTheSmallestBreach() {
        StudyReport r = report(tradeOffStudy(), decision("a", new TaskSpec("a", 1.0, null), new TaskSpec("b", 1.0, 0.01)));
        Verdict v = r.verdict();
        assertEquals(Answer.NO_CONFIGURATION_WITHIN_MARGINS, v.answer(), v.summary());
        assertNull(v.recommended());
        // breaches by hand: adam/ew loses 5% on b, 4 points beyond 1%; sgd/ew loses 3%, 2 points beyond → sgd/ew closest
        assertEquals(4.0, config(r, "adam/ew").marginBreachPoints().get("b"), 1e-9);
        assertEquals(2.0, config(r, "sgd/ew").marginBreachPoints().get("b"), 1e-9);
        assertTrue(v.summary().contains("No MTL configuration keeps every task within its margin"), v.summary());
        assertTrue(v.summary().contains("The closest is sgd/ew: b loses 3.0% against its STL baseline where its margin "
                + "accepts 1.0% (2.0 points beyond)"), v.summary());
        assertEquals(VerdictLead.Decision.TRAIN_APART, v.lead().decision());
        assertTrue(MarkdownReport.render(r).contains("## Verdict\n\n**Train apart**: no MTL configuration keeps every "
                + "task within its margin; the closest, sgd/ew, loses 3.0% on b where its margin accepts 1.0%."));
    }

    @Test
    void aMarginOnlyTheWeakerConfigurationKeepsIsTheRecommendation() {
        // margin 4% on b: adam/ew (−5%) breaks it, sgd/ew (−3%) keeps it — recommended despite its lower gain
        StudyReport r = report(tradeOffStudy(), decision("a", new TaskSpec("a"), new TaskSpec("b", 1.0, 0.04)));
        assertEquals("sgd/ew", r.verdict().recommended().configuration(), r.verdict().summary());
        assertEquals((10.0 - 3.0) / 2, r.verdict().recommended().valueWeightedGainPercent(), 1e-9);
        assertFalse(config(r, "adam/ew").withinMargins());
        // without margins the higher value-weighted gain wins: adam/ew (20 − 5)/2 = 7.5 > 3.5
        StudyReport free = report(tradeOffStudy(), decision("a", new TaskSpec("a"), new TaskSpec("b")));
        assertEquals("adam/ew", free.verdict().recommended().configuration());
        assertEquals(7.5, free.verdict().recommended().valueWeightedGainPercent(), 1e-9);
    }

    @Test
    void valuesFlipTheRecommendation() {
        List<RunHistory> runs = stlBaselines();
        runs.addAll(flat(RunKind.MTL, AB, "adam", "ew", 0.80, 1.12)); // a +20%, b −12%
        runs.addAll(flat(RunKind.MTL, AB, "sgd", "ew", 0.95, 0.95));  // a +5%,  b +5%
        StudyReport equal = report(runs, decision("a", new TaskSpec("a"), new TaskSpec("b")));
        // (20 − 12)/2 = 4 < (5 + 5)/2 = 5
        assertEquals("sgd/ew", equal.verdict().recommended().configuration());
        StudyReport aWorthMore = report(runs, decision("a", new TaskSpec("a", 3.0, null), new TaskSpec("b", 1.0, null)));
        // (3·20 − 12)/4 = 12 > (3·5 + 5)/4 = 5
        assertEquals("adam/ew", aWorthMore.verdict().recommended().configuration());
        assertEquals((3 * 20.0 - 12) / 4, aWorthMore.verdict().recommended().valueWeightedGainPercent(), 1e-9);
        assertEquals((3 * 5.0 + 5) / 4, config(aWorthMore, "sgd/ew").valueWeightedGainPercent(), 1e-9);
    }

    @Test
    void theVerdictLeadsWithThePrimaryTaskAndItsCostToTheOthers() {
        StudyReport r = report(tradeOffStudy(), decision("b", new TaskSpec("a"), new TaskSpec("b", 2.0, 0.10)));
        Verdict v = r.verdict();
        assertEquals("b", v.primaryTask());
        assertEquals("b", v.perTask().get(0).task(), "the primary task comes first");
        // every configuration is worse on b beyond the seed spread; the closest is sgd/ew (−3%)
        assertTrue(v.summary().startsWith("Primary task b: no MTL configuration beats its STL baseline beyond the seed "
                + "spread (every one is worse beyond it); the closest, sgd/ew"), v.summary());
        assertTrue(v.primaryFinding().contains("the other tasks change by a +10.0% (MTL better)"), v.primaryFinding());
        StudyReport a = report(tradeOffStudy(), decision("a", new TaskSpec("a"), new TaskSpec("b", 1.0, 0.06)));
        assertTrue(a.verdict().summary().startsWith("Primary task a: 2 of 2 MTL configurations beat its STL baseline "
                + "beyond the seed spread; the best, adam/ew"), a.verdict().summary());
        assertTrue(a.verdict().primaryFinding().contains("b -5.0% (MTL worse; within its 6.0% margin)"),
                a.verdict().primaryFinding());
    }

    /**
     * Two learning rates × two epochs for every configuration. On validation, lr 0.01 at epoch 1 is best; on test,
     * lr 0.1 at epoch 2 would be. The choice must follow validation — and swapping the splits must change it, which
     * shows the constructed test split would have changed the choice had it been used.
     */
    @Test
    void learningRateAndEpochAreSelectedOnValidationNeverOnTest() {
        List<RunHistory> runs = gridStudy(false);
        StudyReport r = report(runs, null);
        Configuration adam = config(r, "adam/ew");
        assertEquals(0.01, adam.learningRate());
        assertEquals(1, adam.epoch());
        // the reported figure is the TEST metric of the chosen runs at the chosen epoch: 0.9 × seed spread → mean 0.9
        assertEquals(0.9, adam.perTask().get("a").mean(), 1e-9);
        assertEquals(runs.size(), r.finishedRuns(), "every finished run counts, not only the chosen ones");
        assertEquals(0.01, r.selection().choices().stream().filter(c -> c.configuration().equals("stl[a]/sgd"))
                .findFirst().orElseThrow().learningRate());
        assertEquals(1.0, r.stlBaselines().get(0).value().mean(), 1e-9, "STL baseline: test at its validation choice");

        StudyReport swapped = report(gridStudy(true), null);
        Configuration adamSwapped = config(swapped, "adam/ew");
        assertEquals(0.1, adamSwapped.learningRate(), "with the splits swapped the choice moves: the test split matters");
        assertEquals(2, adamSwapped.epoch());
        assertTrue(MarkdownReport.render(r).contains("selected on validation"));
    }

    /**
     * STL (a, b; sgd) and MTL (adam/ew) at lr 0.01 and 0.1, epochs 1 and 2. Validation: 0.01/epoch 1 best (0.5);
     * test: 0.1/epoch 2 best (0.3). {@code swap} exchanges the two splits.
     */
    static List<RunHistory> gridStudy(boolean swap) {
        List<RunHistory> runs = new ArrayList<>();
        for (double lr : new double[] {0.01, 0.1}) {
            for (int s = 0; s < SEEDS.length; s++) {
                double f = SEEDS[s];
                boolean good = lr == 0.01;
                // validation: lr 0.01 epoch 1 = 0.5, otherwise 0.8; test: lr 0.1 epoch 2 = 0.3, otherwise 0.9 (STL: 1.0)
                for (String what : List.of("stl-a", "stl-b", "mtl")) {
                    List<String> tasks = what.equals("mtl") ? AB : List.of(what.substring(4));
                    double testOther = what.equals("mtl") ? 0.9 : 1.0;
                    List<EpochMetrics> epochs = new ArrayList<>();
                    for (int e = 1; e <= 2; e++) {
                        double val = (good && e == 1 ? 0.5 : 0.8) * f;
                        double test = (!good && e == 2 ? 0.3 : testOther) * f;
                        double[] vv = filled(tasks.size(), swap ? test : val);
                        double[] tt = filled(tasks.size(), swap ? val : test);
                        epochs.add(epoch(e, tasks, vv, tt));
                    }
                    runs.add(run(what.equals("mtl") ? RunKind.MTL : RunKind.STL, tasks, what.equals("mtl") ? "adam" : "sgd",
                            lr, what.equals("mtl") ? "ew" : "stl", s + 1, epochs, null, 0, 1000));
                }
            }
        }
        return runs;
    }

    static double[] filled(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Test
    void costAndSavingsOfOneMtlModelAgainstTheStlModels() {
        List<RunHistory> runs = new ArrayList<>();
        // STL a and b: 80 parameters, 10 s training, 1.5 µs/sample each; MTL: 100 parameters, 12 s, 2 µs/sample, on GPU
        for (int s = 0; s < 3; s++) {
            for (String task : AB) {
                runs.add(run(RunKind.STL, List.of(task), "sgd", 0.01, "stl", s + 1,
                        List.of(epoch(1, List.of(task), new double[] {SEEDS[s]}, new double[] {SEEDS[s]})),
                        new RunCost(80, 10_000, 1.5, 1024, "cpu"), 0, 20_000));
            }
            runs.add(run(RunKind.MTL, AB, "adam", 0.01, "ew", s + 1,
                    List.of(epoch(1, AB, new double[] {0.9 * SEEDS[s], 0.9 * SEEDS[s]}, new double[] {0.9 * SEEDS[s], 0.9 * SEEDS[s]})),
                    new RunCost(100, 12_000, 2.0, 1024, "gpu:0"), 5_000, 41_000));
        }
        StudyReport r = report(runs, null);
        StudyReport.Savings s = r.cost().savings();
        assertEquals("adam/ew", s.mtlConfiguration());
        assertEquals(100.0, s.mtlParameters(), 1e-9);
        assertEquals(160.0, s.stlParameters(), 1e-9);
        assertEquals(100 * (1 - 100.0 / 160), s.parameterReductionPercent(), 1e-9);
        assertEquals(3.0 / 2.0, s.servingSpeedup(), 1e-9);
        assertEquals(20.0, s.stlTrainingSeconds(), 1e-9);
        assertTrue(s.sentence().startsWith("One model instead of 2: 37.5% fewer parameters"), s.sentence());
        // wall time: 6 STL runs × 20 s + 3 MTL runs × 36 s; GPU: the MTL runs
        assertEquals((6 * 20 + 3 * 36) / 3600.0, r.cost().studyComputeHours(), 1e-12);
        assertEquals(3 * 36 / 3600.0, r.cost().gpuHours(), 1e-12);
        assertEquals(41 / 3600.0, r.cost().studyElapsedHours(), 1e-12);
        StudyReport.ConfigurationCost mtl = r.cost().configurations().stream()
                .filter(c -> c.configuration().equals("adam/ew")).findFirst().orElseThrow();
        assertEquals(3, mtl.runs());
        assertEquals(108.0, mtl.wallSeconds(), 1e-9);
        assertTrue(HtmlReport.render(r).contains("Cost and savings"));
    }

    @Test
    void aQuickStudySaysWhatItCannotTell() {
        StudyDecision quick = new StudyDecision("a", List.of(new TaskSpec("a"), new TaskSpec("b"), new TaskSpec("c")),
                true, List.of("ew", "pcgrad"));
        StudyReport r = report(tradeOffStudy(), quick);
        assertFalse(r.quickLimits().isEmpty());
        String all = String.join("\n", r.quickLimits());
        assertTrue(all.contains("how c would fare"), all);
        assertTrue(all.contains("the spec lists pcgrad, not trained"), all);
        assertTrue(MarkdownReport.render(r).contains("What this quick answer cannot tell"));
    }

    /**
     * The README's example report: a constructed two-task study (y1 worth 3 with a 2% margin, y2 worth 1 with 5%),
     * two optimizers × two learning rates, three seeds, cost figures as a CPU trainer reports them. Written to
     * target/readme-decision-report.md; the assertions pin the sentences the README quotes.
     */
    @Test
    void readmeExampleReport() throws Exception {
        List<String> tasks = List.of("y1", "y2");
        List<RunHistory> runs = new ArrayList<>();
        long t = 0;
        for (String opt : List.of("sgd", "adam")) {
            for (double lr : opt.equals("sgd") ? new double[] {0.01, 0.03} : new double[] {0.001, 0.003}) {
                boolean best = lr == 0.03 || lr == 0.001;
                for (int s = 0; s < 3; s++) {
                    double f = SEEDS[s];
                    for (String task : tasks) {
                        double base = task.equals("y1") ? 0.50 : 0.40;
                        double v = (best ? base : base * 1.2) * f;
                        runs.add(run(RunKind.STL, List.of(task), opt, lr, "stl", s + 1,
                                List.of(epoch(1, List.of(task), new double[] {v * 1.1}, new double[] {v * 1.1}),
                                        epoch(2, List.of(task), new double[] {v}, new double[] {v})),
                                new RunCost(1_761, 4_200, 0.41, 1024, "cpu"), t, t + 4_300));
                        t += 4_300;
                    }
                    double y1 = (opt.equals("adam") ? 0.46 : 0.49) * (best ? 1 : 1.2) * f;
                    double y2 = (opt.equals("adam") ? 0.41 : 0.43) * (best ? 1 : 1.2) * f;
                    runs.add(run(RunKind.MTL, tasks, opt, lr, "ew", s + 1,
                            List.of(epoch(1, tasks, new double[] {y1 * 1.1, y2 * 1.1}, new double[] {y1 * 1.1, y2 * 1.1}),
                                    epoch(2, tasks, new double[] {y1, y2}, new double[] {y1, y2})),
                            new RunCost(1_794, 5_100, 0.47, 1024, "cpu"), t, t + 5_200));
                    t += 5_200;
                }
            }
        }
        StudyDecision d = new StudyDecision("y1", List.of(new TaskSpec("y1", 3.0, 0.02), new TaskSpec("y2", 1.0, 0.05)),
                false, List.of("ew"));
        StudyReport r = StudyReportBuilder.build("example", tasks, runs.size(), runs, List.of(), d);
        String md = MarkdownReport.render(r);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "readme-decision-report.md"), md);
        assertEquals("adam/ew", r.verdict().recommended().configuration(), r.verdict().summary());
        // the lead the README quotes: y1 +8% beyond the spread, y2 −2.5% within it (its interval reaches −5.1%)
        assertEquals("Train together with adam/ew: better than training apart on y1 beyond the seed spread, and no task "
                + "worse beyond it.", r.verdict().lead().sentence());
        assertTrue(md.contains("## Verdict\n\n**Train together** with adam/ew"), md);
        assertEquals("Largest risk to another task: y2 -2.5% against training apart (95% interval -5.1% to +0.1%; "
                + "positive = better) — a loss of up to 5.1% not ruled out; its interval reaches beyond its 5.0% margin.",
                r.verdict().lead().bullets().get(2));
        assertEquals(0.001, config(r, "adam/ew").learningRate());
        assertEquals(0.03, config(r, "sgd/ew").learningRate());
        // y1: 0.46 vs STL 0.50 → +8%; y2: 0.41 vs 0.40 → −2.5% (within 5%); (3·8 − 2.5)/4 = 5.375
        assertEquals((3 * 8.0 - 2.5) / 4, r.verdict().recommended().valueWeightedGainPercent(), 1e-9);
        // savings: 1,794 vs 2 × 1,761 parameters; 0.47 vs 0.82 µs
        assertEquals(100 * (1 - 1794.0 / 3522), r.cost().savings().parameterReductionPercent(), 1e-9);
        assertEquals(0.82 / 0.47, r.cost().savings().servingSpeedup(), 1e-9);
    }
}
