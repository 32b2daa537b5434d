package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.data.DatasetKinds;

/** The trainer loads datasets through the registry the spec validator reads: the same kinds, the same words. */
class DatasetRefusalTest {
    private final MultiTaskTrainer trainer = new MultiTaskTrainer();

    private static TrainingRequest withDataset(StudySpec.DatasetSpec dataset) {
        TrainingRequest r = Requests.tiny(1, 64, new StudySpec.TelemetrySpec(1, false));
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), r.attempt(), r.kind(), r.datasetTasks(),
                r.tasks(), dataset, r.model(), r.optimizer(), r.method(), r.seed(), r.epochs(), r.batchSize(),
                r.telemetry());
    }

    @Test
    void aDatasetTheValidatorRefusesFailsTheRunWithTheValidatorsWords() {
        TrainingRequest request = withDataset(new StudySpec.DatasetSpec("synthetic", Map.of("dimension", 8,
                "samples", 19)));
        List<Violation> out = new ArrayList<>();
        DatasetKinds.standard().validate(request.dataset(), request.datasetTasks(), out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(request, null, null));
        assertEquals(List.of(new Violation("dataset.params.samples", "must be an integer in [20, 1000000]")), out);
        assertEquals("dataset.params.samples must be an integer in [20, 1000000]", e.getMessage());
    }

    @Test
    void anUnknownKindIsNamedWithTheRegistrysKinds() {
        TrainingRequest request = withDataset(new StudySpec.DatasetSpec("parquet", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(request, null, null));
        assertEquals("unsupported dataset kind 'parquet'; known: " + DatasetKinds.standard().sortedNames(),
                e.getMessage());
    }
}
