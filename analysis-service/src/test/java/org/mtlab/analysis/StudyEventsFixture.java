package org.mtlab.analysis;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;

/** Run events as a trainer would publish them, for the analysis service's tests. */
final class StudyEventsFixture {
    private StudyEventsFixture() {
    }

    static TrainingRequest request(UUID studyId, RunKind kind, List<String> tasks, String optimizer, long seed) {
        return new TrainingRequest(1, UUID.randomUUID(), studyId, 1, kind, List.of("a", "b"), tasks,
                new StudySpec.DatasetSpec("synthetic", null), new StudySpec.ModelSpec("mlp", List.of(4)),
                new StudySpec.OptimizerSpec(optimizer, 0.01, null), kind == RunKind.MTL ? "ew" : "stl", seed, 1, 8,
                StudySpec.TelemetrySpec.DEFAULT);
    }

    static void send(KafkaProducer<String, byte[]> p, String topic, UUID run, byte[] value) throws Exception {
        p.send(new ProducerRecord<>(topic, run.toString(), value)).get();
    }

    static void started(KafkaProducer<String, byte[]> p, TrainingRequest r) throws Exception {
        send(p, Topics.RUN_EVENTS, r.runId(), RunEvent.started(r, 10, new RunEvent.RunDescriptor(r.kind(), r.tasks(),
                r.optimizer().name(), 0.01, r.method(), r.seed(), List.of("trunk.0"), 20, "cpu")).encode());
    }

    /** COMPLETED with one test MSE per task of the run, in its task order. */
    static void completed(KafkaProducer<String, byte[]> p, TrainingRequest r, double... testMse) throws Exception {
        List<RunEvent.Metric> metrics = new ArrayList<>();
        for (int t = 0; t < r.tasks().size(); t++) {
            metrics.add(new RunEvent.Metric(r.tasks().get(t), "test", "mse", testMse[t], false));
        }
        send(p, Topics.RUN_EVENTS, r.runId(), RunEvent.completed(r, 10, 1, metrics).encode());
    }

    /** Per-task gradients of one step, standard normal, drawn task by task (the same draws as a nested loop). */
    static float[][] gaussianGradients(java.util.Random rnd, int tasks, int parameters) {
        float[][] g = new float[tasks][parameters];
        for (float[] row : g) {
            for (int k = 0; k < parameters; k++) {
                row[k] = (float) rnd.nextGaussian();
            }
        }
        return g;
    }

    /** JSON numbers as doubles: RestAssured reads them as floats by default, too coarse for 1e-9 checks. */
    static JsonPath exact(String body) {
        return new JsonPath(body).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }
}
