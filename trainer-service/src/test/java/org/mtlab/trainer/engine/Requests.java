package org.mtlab.trainer.engine;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** Small training requests for the engine tests. */
final class Requests {
    static final UUID RUN = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    static final UUID STUDY = UUID.fromString("00000000-0000-0000-0000-00000000b001");

    static {
        // the native library comes from the pytorch-native-cpu jar on the classpath: never try the network
        System.setProperty("ai.djl.offline", "true");
    }

    private Requests() {
    }

    static TrainingRequest request(List<String> datasetTasks, List<String> tasks, Map<String, Object> data,
                                   List<Integer> hidden, StudySpec.OptimizerSpec optimizer, String method, long seed,
                                   int epochs, int batchSize, StudySpec.TelemetrySpec telemetry) {
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, RUN, STUDY, 1,
                tasks.size() == 1 && datasetTasks.size() > 1 ? RunKind.STL : RunKind.MTL, datasetTasks, tasks,
                new StudySpec.DatasetSpec("synthetic", data), new StudySpec.ModelSpec("mlp", hidden), optimizer, method,
                seed, epochs, batchSize, telemetry);
    }

    /** Three tasks, d = 8, 400 samples (320 train), trunk [16, 8], Adam, EW. */
    static TrainingRequest tiny(int epochs, int batchSize, StudySpec.TelemetrySpec telemetry) {
        List<String> tasks = List.of("a", "b", "c");
        return request(tasks, tasks, Map.of("dimension", 8, "samples", 400, "scale", 0.5, "seed", 11),
                List.of(16, 8), new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", 5, epochs, batchSize, telemetry);
    }

    static TrainingRequest withTasks(TrainingRequest r, List<String> tasks, String method) {
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), r.attempt(),
                tasks.size() == 1 ? RunKind.STL : RunKind.MTL, r.datasetTasks(), tasks, r.dataset(), r.model(),
                r.optimizer(), method, r.seed(), r.epochs(), r.batchSize(), r.telemetry());
    }

    static TrainingRequest withModel(TrainingRequest r, StudySpec.ModelSpec model) {
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), r.attempt(), r.kind(), r.datasetTasks(),
                r.tasks(), r.dataset(), model, r.optimizer(), r.method(), r.seed(), r.epochs(), r.batchSize(),
                r.telemetry());
    }

    static TrainingRequest withSeed(TrainingRequest r, long seed) {
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), r.attempt(), r.kind(), r.datasetTasks(),
                r.tasks(), r.dataset(), r.model(), r.optimizer(), r.method(), seed, r.epochs(), r.batchSize(),
                r.telemetry());
    }
}
