package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.analysis.BaselineBands;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.RunPlan;
import org.mtlab.core.contract.StudyExpansion;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.data.MultiFashion;
import org.mtlab.core.report.ReproductionEvidence;
import org.mtlab.core.report.StudyReport;
import org.mtlab.trainer.reproduce.Reproduce;

/**
 * {@code ./mtlab reproduce --quick}'s path end to end: the shipped quick specs ({@code studies/quick}) trained in
 * process on tiny data (MultiFashion composed from generated Fashion-MNIST-like files), and every report figure of the
 * reproduction sections checked against the runs it came from, computed here independently from their final metrics.
 */
class ReproduceQuickTest {
    @TempDir
    static Path temp;
    static List<Reproduce.SpecResult> results;
    static String log;
    static String previousDirectory;

    @BeforeAll
    static void runQuick() throws Exception {
        previousDirectory = System.getProperty(MultiFashion.DIRECTORY_PROPERTY);
        System.setProperty(MultiFashion.DIRECTORY_PROPERTY,
                FashionLikeFiles.write(temp.resolve("fashion"), 600, 300, 3).toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reproduce reproduce = new Reproduce(temp.resolve("out"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        results = reproduce.run(Reproduce.shippedSpecs(Path.of("..", "studies", "quick")));
        log = bytes.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void restore() {
        if (previousDirectory == null) {
            System.clearProperty(MultiFashion.DIRECTORY_PROPERTY);
        } else {
            System.setProperty(MultiFashion.DIRECTORY_PROPERTY, previousDirectory);
        }
    }

    private static Reproduce.SpecResult result(String namePart) {
        return results.stream().filter(r -> r.name().contains(namePart)).findFirst().orElseThrow();
    }

    @Test
    void everyRunOfEverySpecIsReportedWithProgressAndFiles() throws Exception {
        assertEquals(2, results.size());
        for (Reproduce.SpecResult r : results) {
            StudySpec spec = Reproduce.read(Reproduce.shippedSpecs(Path.of("..", "studies", "quick")).stream()
                    .filter(p -> {
                        try {
                            return Reproduce.read(p).name().equals(r.name());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).findFirst().orElseThrow());
            assertEquals(StudyExpansion.runCount(spec), r.runs().size(), r.name());
            assertEquals(StudyExpansion.expand(spec).stream().map(RunPlan::label).sorted().toList(),
                    r.runs().stream().map(Reproduce.RunRecord::label).sorted().toList());
            for (String file : List.of("report.md", "report.html", "report.json", "runs.json", "figures/pareto.png")) {
                assertTrue(Files.size(r.folder().resolve(file)) > 0, file);
            }
            byte[] png = Files.readAllBytes(r.folder().resolve("figures/pareto.png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
            String md = Files.readString(r.folder().resolve("report.md"));
            assertTrue(md.contains("## Verdict") && md.contains("![") && md.contains("(figures/pareto.png)"), md);
            String html = Files.readString(r.folder().resolve("report.html"));
            assertTrue(html.contains("data:image/png;base64,"));
            // probe runs are a section of their own, never a configuration of the decision
            assertTrue(r.report().configurations().stream().noneMatch(c -> c.method().contains("+scale(")));
        }
        int total = results.stream().mapToInt(r -> r.runs().size()).sum();
        assertTrue(log.contains("[" + total + "/" + total + "]"), log);
        assertTrue(log.contains("min left"), log);
    }

    /** Per task, the first test metric of a run's final metrics, read here without the report's code. */
    private static double testValue(Reproduce.RunRecord run, String task, String split) {
        String name = null;
        for (RunEvent.Metric m : run.history().finalMetrics()) {
            if (m.task().equals(task) && m.split().equals("test")) {
                name = m.name();
                break;
            }
        }
        for (RunEvent.Metric m : run.history().finalMetrics()) {
            if (m.task().equals(task) && m.split().equals(split) && m.name().equals(name)) {
                return m.value();
            }
        }
        throw new AssertionError("no " + split + " " + name + " for " + task);
    }

    @Test
    void lossScaleShiftsAreThePairedDifferencesOfTheRuns() {
        Reproduce.SpecResult r = result("quick-synthetic");
        ReproductionEvidence.LossScaleEvidence probe = r.report().lossScale();
        assertNotNull(probe);
        assertEquals("y1", probe.scaledTask());
        assertEquals(10.0, probe.factor());
        assertEquals(4, probe.shifts().size(), "2 optimizers × 2 tasks");
        for (ReproductionEvidence.LossScaleShift s : probe.shifts()) {
            List<Double> diffs = new ArrayList<>();
            for (Reproduce.RunRecord base : r.runs()) {
                if (base.history().kind() != RunKind.MTL || !base.history().method().equals("ew")
                        || !base.history().optimizer().equals(s.optimizer())) {
                    continue;
                }
                Reproduce.RunRecord twin = r.runs().stream().filter(p -> p.history().method().equals("ew+scale(y1*10.0)")
                        && p.history().optimizer().equals(s.optimizer()) && p.history().seed() == base.history().seed())
                        .findFirst().orElseThrow();
                diffs.add(testValue(twin, s.task(), "test") - testValue(base, s.task(), "test"));
            }
            assertEquals(3, diffs.size());
            double mean = diffs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double var = diffs.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / 2;
            assertEquals(mean, s.shift().mean(), 1e-12, s.toString());
            assertEquals(Math.sqrt(var), s.shift().std(), 1e-12);
            // t(0.975, 2) = 4.303
            assertEquals(mean - 4.303 * Math.sqrt(var / 3), s.shiftLow(), 1e-9);
            assertNotEquals(0.0, mean, "the probe changed nothing: was the loss scaled?");
        }
    }

    @Test
    void similarityCurvesAverageTheRunsBands() {
        Reproduce.SpecResult r = result("quick-synthetic");
        List<ReproductionEvidence.SimilarityCurve> curves = r.report().similarity();
        assertEquals(2, curves.size(), "adam/ew and sgd/ew (probe runs excluded)");
        for (ReproductionEvidence.SimilarityCurve curve : curves) {
            assertEquals(3, curve.points().size(), "3 epochs");
            for (ReproductionEvidence.SimilarityPoint p : curve.points()) {
                double sum = 0;
                int n = 0;
                for (Reproduce.RunRecord run : r.runs()) {
                    if (run.history().kind() == RunKind.MTL && (run.history().optimizer() + "/" + run.history().method())
                            .equals(curve.configuration())) {
                        for (BaselineBands.Band band : BaselineBands.of(run.gradients()).get(0).epochs()) {
                            if (band.epoch() == p.epoch()) {
                                sum += band.sameSampleCosineMedian();
                                n++;
                            }
                        }
                    }
                }
                assertEquals(3, n);
                assertEquals(sum / n, p.interTaskCosineMedian(), 1e-12);
                assertTrue(p.cosineBandLow() <= p.cosineBandHigh() && p.magnitudeBandLow() <= p.magnitudeBandHigh());
            }
        }
        assertTrue(Files.exists(r.folder().resolve("figures/cosine-1.png")));
        assertTrue(Files.exists(r.folder().resolve("figures/magnitude-2.png")));
    }

    @Test
    void corruptionDropsAreTheRunsCleanMinusCorruptedAccuracies() throws Exception {
        Reproduce.SpecResult r = result("quick-multifashion");
        ReproductionEvidence.CorruptionEvidence evidence = r.report().corruption();
        assertNotNull(evidence);
        assertEquals(4 * 3 * 2 * 2, evidence.comparisons().size(), "types × severities × tasks × optimizers");
        boolean changed = false;
        for (ReproductionEvidence.CorruptionComparison c : evidence.comparisons()) {
            String split = "corrupted:" + c.corruption() + ":" + c.severity();
            List<Double> mtl = new ArrayList<>();
            List<Double> stl = new ArrayList<>();
            for (Reproduce.RunRecord run : r.runs()) {
                if (!run.history().optimizer().equals(c.optimizer()) || !run.history().tasks().contains(c.task())) {
                    continue;
                }
                double drop = testValue(run, c.task(), "test") - testValue(run, c.task(), split);
                changed |= drop != 0;
                (run.history().kind() == RunKind.MTL ? mtl : stl).add(drop);
            }
            assertEquals(3, mtl.size());
            assertEquals(3, stl.size());
            double mtlMean = mtl.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double stlMean = stl.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(mtlMean, c.mtlDrop().mean(), 1e-12);
            assertEquals(stlMean, c.stlDrop().mean(), 1e-12);
            assertEquals(mtlMean - stlMean, c.difference(), 1e-12);
        }
        assertTrue(changed, "no corruption changed any accuracy");
        String md = Files.readString(r.folder().resolve("report.md"));
        assertTrue(md.contains("## Corruptions: MTL against STL accuracy drops"));
        assertTrue(md.contains("(figures/corruption-1.png)"));
        assertFalse(Files.exists(r.folder().resolve("figures/corruption-" + (evidence.comparisons().size() + 1) + ".png")));
    }

    /** The probe multiplies the scaled task's training loss, and only it: the first step's losses say so. */
    @Test
    void theProbeMultipliesOneTasksTrainingLoss() throws Exception {
        StudySpec spec = Reproduce.read(Path.of("..", "studies", "quick", "1-synthetic.json"));
        List<RunPlan> plans = StudyExpansion.expand(spec);
        RunPlan base = plans.stream().filter(p -> p.kind() == RunKind.MTL && p.lossScale() == null).findFirst().orElseThrow();
        RunPlan probe = plans.stream().filter(p -> p.kind() == RunKind.MTL && p.lossScale() != null
                && p.seed() == base.seed() && p.optimizer().equals(base.optimizer())).findFirst().orElseThrow();
        float[] baseLosses = firstLosses(TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), base, spec));
        float[] probeLosses = firstLosses(TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), probe, spec));
        assertEquals(10 * baseLosses[0], probeLosses[0], 1e-5 * probeLosses[0]);
        assertEquals(baseLosses[1], probeLosses[1], 1e-6 * baseLosses[1]);
    }

    private static float[] firstLosses(TrainingRequest request) {
        StudySpec.TelemetrySpec every = new StudySpec.TelemetrySpec(1, false, 0, 1);
        TrainingRequest one = new TrainingRequest(request.schemaVersion(), request.runId(), request.studyId(), 1,
                request.kind(), request.datasetTasks(), request.tasks(), request.dataset(), request.model(),
                request.optimizer(), request.method(), request.seed(), 1, request.batchSize(), every,
                request.decision(), request.lossScale(), null);
        GradientEvent[] first = new GradientEvent[1];
        new MultiTaskTrainer().train(one, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                if (first[0] == null) {
                    first[0] = event;
                }
            }
        }, () -> false);
        return first[0].losses();
    }
}
