package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The study options lossScale and corruptions: validated with the field named, expanded into the probe twins. */
class ReproductionSpecValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew", "uw"));

    private static StudySpec spec(String dataset, StudySpec.LossScaleSpec scale, StudySpec.CorruptionSpec corruptions) {
        return new StudySpec("s", new StudySpec.DatasetSpec(dataset, Map.of()),
                List.of(new StudySpec.TaskSpec("left"), new StudySpec.TaskSpec("right")),
                new StudySpec.ModelSpec("multilenet".equals(dataset) ? "multilenet" : dataset.equals("synthetic") ? "mlp"
                        : "multilenet", dataset.equals("synthetic") ? List.of(8) : null),
                List.of(new StudySpec.OptimizerSpec("sgd", null, 0.9, List.of(0.01, 0.1)),
                        new StudySpec.OptimizerSpec("adam", 0.001, null)),
                List.of("ew", "uw"), List.of(1L, 2L), 2, 16, null, null, null, scale, corruptions);
    }

    private static List<String> fields(StudySpec spec) {
        return VALIDATOR.validate(spec).stream().map(Violation::field).toList();
    }

    @Test
    void validOptionsPass() {
        assertEquals(List.of(), VALIDATOR.validate(spec("multi-fashion", new StudySpec.LossScaleSpec("left", 10.0),
                new StudySpec.CorruptionSpec(List.of("contrast", "pixelate"), List.of(1, 5), null))));
    }

    @Test
    void lossScaleFieldsAreNamed() {
        assertEquals(List.of("lossScale.task"), fields(spec("synthetic", new StudySpec.LossScaleSpec("nope", 10.0), null)));
        assertEquals(List.of("lossScale.task"), fields(spec("synthetic", new StudySpec.LossScaleSpec(null, 10.0), null)));
        for (Double bad : new Double[]{null, 1.0, 0.0, -2.0, 1e4, Double.NaN}) {
            assertEquals(List.of("lossScale.factor"), fields(spec("synthetic", new StudySpec.LossScaleSpec("left", bad), null)),
                    "factor " + bad);
        }
        assertEquals(List.of("lossScale.task"), fields(spec("synthetic",
                new StudySpec.LossScaleSpec("left\u0000", 10.0), null)).subList(0, 1));
    }

    @Test
    void corruptionFieldsAreNamed() {
        assertEquals(List.of("corruptions"), fields(spec("synthetic", null,
                new StudySpec.CorruptionSpec(List.of("contrast"), List.of(1), null))));
        assertEquals(List.of("corruptions.types[1]"), fields(spec("multi-fashion", null,
                new StudySpec.CorruptionSpec(List.of("contrast", "fog"), List.of(1), null))));
        assertEquals(List.of("corruptions.types[1]"), fields(spec("multi-fashion", null,
                new StudySpec.CorruptionSpec(List.of("contrast", "contrast"), List.of(1), null))));
        assertEquals(List.of("corruptions.severities[0]", "corruptions.severities[2]"), fields(spec("multi-fashion", null,
                new StudySpec.CorruptionSpec(List.of("contrast"), List.of(0, 2, 6), null))));
        assertEquals(List.of("corruptions.types", "corruptions.severities"), fields(spec("multi-fashion", null,
                new StudySpec.CorruptionSpec(List.of(), null, null))));
    }

    @Test
    void theProbeAddsOneTwinPerMtlRun() {
        StudySpec plain = spec("multi-fashion", null, null);
        StudySpec probed = spec("multi-fashion", new StudySpec.LossScaleSpec("left", 10.0), null);
        List<RunPlan> runs = StudyExpansion.expand(probed);
        // 3 learning rates × 2 seeds × (2 STL + 2 MTL + 2 probes)
        assertEquals(36, runs.size());
        assertEquals(runs.size(), StudyExpansion.runCount(probed));
        assertEquals(24, StudyExpansion.runCount(plain));
        List<RunPlan> probes = runs.stream().filter(r -> r.lossScale() != null).toList();
        assertEquals(12, probes.size());
        for (RunPlan probe : probes) {
            assertEquals(RunKind.MTL, probe.kind());
            assertTrue(runs.stream().anyMatch(r -> r.lossScale() == null && r.kind() == RunKind.MTL
                    && r.method().equals(probe.method()) && r.seed() == probe.seed()
                    && r.optimizer().equals(probe.optimizer())), probe.label());
            assertTrue(probe.label().contains("/" + probe.method() + "+scale(left*10.0)/"), probe.label());
        }
        TrainingRequest request = TrainingRequest.of(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(),
                probes.get(0), probed);
        assertEquals(probes.get(0).method() + "+scale(left*10.0)", request.reportedMethod());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{10f, 1f}, request.lossFactors());
        TrainingRequest decoded = TrainingRequest.decode(request.encode());
        assertEquals(request.lossScale(), decoded.lossScale());
        assertEquals(new StudySpec.LossScaleSpec("left", 10.0), StudySpec.LossScaleSpec.parse(request.reportedMethod()));
        assertEquals(probes.get(0).method(), StudySpec.LossScaleSpec.baseMethod(request.reportedMethod()));
    }
}
