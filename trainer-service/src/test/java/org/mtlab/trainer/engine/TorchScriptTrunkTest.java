package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.model.DataShape;

/**
 * A team's own trunk from a TorchScript file ({@code src/test/resources/torchscript}, exported by
 * {@code export_trunks.py} with PyTorch 1.13): its forward pass against the output PyTorch computed, its gradients
 * against central differences, training in both gradient spaces, and a clear refusal of what cannot work.
 */
class TorchScriptTrunkTest {
    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    static Path resource(String name) {
        try {
            return Path.of(TorchScriptTrunkTest.class.getResource("/torchscript/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StudySpec.ModelSpec convTrunk(Integer width) {
        return StudySpec.ModelSpec.torchScript(resource("conv_trunk.pt").toString(), List.of(1, 12, 12), width);
    }

    @Test
    void theForwardPassIsWhatPyTorchComputedAndTheBlocksAreTheTopLevelSubmodules() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(Files.readString(resource("conv_trunk_expected.json")));
        try (NDManager manager = ENGINE.manager().newSubManager();
             TorchScriptTrunk trunk = TorchScriptTrunk.load(manager, org.mtlab.core.model.TorchScriptKind.Spec.of(convTrunk(null)))) {
            assertEquals(16, trunk.architecture().features(), "the width one forward pass shows");
            assertEquals(List.of("conv", "fc"), trunk.architecture().blockNames());
            assertArrayEquals(new int[] {0, 2, 4}, trunk.architecture().blockFirstTensor());
            assertEquals(4 * 9 + 4 + 16 * 100 + 16, trunk.architecture().sharedParameters());
            float[] input = new float[2 * 144];
            for (int k = 0; k < input.length; k++) {
                input[k] = (float) expected.get("input").get(k).asDouble();
            }
            float[] out = trunk.forward(manager.create(input, new Shape(2, 144)), 2).toFloatArray();
            assertEquals(2 * 16, out.length);
            for (int k = 0; k < out.length; k++) {
                assertEquals(expected.get("output").get(k).asDouble(), out[k], 1e-5, "output " + k);
            }
        }
    }

    @Test
    void sharedGradientsMatchCentralDifferencesOfTheTaskLosses() {
        try (NDManager manager = ENGINE.manager().newSubManager();
             TorchScriptTrunk trunk = TorchScriptTrunk.load(manager, org.mtlab.core.model.TorchScriptKind.Spec.of(convTrunk(16)))) {
            BlockNetwork network = new BlockNetwork(org.mtlab.core.model.TorchScriptKind.NAME, trunk, new DataShape(144, new int[] {12, 12}), new int[] {1, 1});
            MlpLayout layout = network.layout();
            float[] initial = new float[layout.totalSize()];
            layout.initialise(initial, 3, new int[] {0, 1});
            HostDeviceTraffic traffic = new HostDeviceTraffic();
            DeviceModel model = new DeviceModel(manager, new MultiTaskNetwork(network, new boolean[2], traffic),
                    initial, traffic);
            int rows = 6;
            float[] x = new float[rows * 144];
            float[][] y = new float[2][rows];
            java.util.SplittableRandom random = new java.util.SplittableRandom(5);
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) random.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                y[0][r] = (float) random.nextGaussian();
                y[1][r] = (float) random.nextGaussian();
            }
            float[][] g = model.taskSharedGradientsToHost(manager, x, y, rows);
            float[] flat = model.parametersToHost();
            // per trunk tensor (conv weight, conv bias, fc weight, fc bias) and task, the entry of the largest
            // gradient: where a float32 loss's central difference (h = 2e-4) has digits to compare
            for (int tensor = 0; tensor < 4; tensor++) {
                for (int task = 0; task < 2; task++) {
                    int k = layout.offset(tensor);
                    for (int i = layout.offset(tensor); i < layout.offset(tensor) + layout.length(tensor); i++) {
                        k = Math.abs(g[task][i]) > Math.abs(g[task][k]) ? i : k;
                    }
                    int t = task;
                    int entry = k;
                    double[] p = {flat[k]};
                    double numeric = ReferenceMath.centralDifference(p, 0, 2e-4, v -> {
                        float[] moved = flat.clone();
                        moved[entry] = (float) v[0];
                        model.load(moved);
                        return model.lossesNow(manager, x, y, rows)[t];
                    });
                    model.load(flat);
                    assertTrue(Math.abs(numeric) > 1e-2, "an informative entry");
                    assertEquals(numeric, g[task][k], 1e-3 + 1e-2 * Math.abs(numeric),
                            "task " + task + ", tensor " + tensor + " entry " + k);
                }
            }
        }
    }

    static TrainingRequest request(StudySpec.ModelSpec model, String method, String space, int epochs) {
        List<String> tasks = List.of("a", "b");
        return Requests.withModel(Requests.request(tasks, tasks, Map.of("dimension", 144, "samples", 400, "scale",
                0.3, "seed", 4), null, new StudySpec.OptimizerSpec("adam", 3e-3, null), method, 1, epochs, 32,
                new StudySpec.TelemetrySpec(5, false, 0, null, space)), model);
    }

    @Test
    void aTeamsOwnTrunkLearnsMultiFashionFarAboveChance(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir, 600, 200, 1);
        StudySpec.ModelSpec trunk = StudySpec.ModelSpec.torchScript(resource("fashion_trunk.pt").toString(),
                List.of(1, 36, 36), null);
        TrainingRequest request = Requests.withModel(ClassificationTrainingTest.multiFashion(dir, "mlp",
                new StudySpec.OptimizerSpec("adam", 1e-3, null), 3, List.of("left", "right")), trunk);
        RunEvent.RunDescriptor[] descriptor = new RunEvent.RunDescriptor[1];
        TrainingOutcome outcome = new MultiTaskTrainer().train(request, new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                descriptor[0] = run;
            }
        }, () -> false);
        assertEquals(List.of("features", "head"), descriptor[0].blockNames(), "the module's top-level submodules");
        assertEquals(8 * 25 + 8 + 16 * 8 * 9 + 16 + 32 * 16 * 49 + 32, descriptor[0].sharedParameters());
        for (String task : List.of("left", "right")) {
            double accuracy = outcome.finalMetrics().stream().filter(m -> m.task().equals(task)
                    && m.split().equals("test") && m.name().equals("accuracy")).findFirst().orElseThrow().value();
            assertTrue(accuracy > 0.5, task + " test accuracy " + accuracy + ": chance is 0.1");
        }
    }

    @Test
    void itTrainsInBothGradientSpacesWithEveryKindOfMethodAndItsBlocksAreTheEventsBlocks() {
        for (String space : List.of("parameters", "representation")) {
            for (String method : List.of("ew", "mgda", "graddrop")) {
                RecordedRun run = RecordedRun.train(request(convTrunk(null), method, space, 2));
                List<GradientEvent> events = run.events();
                RunEvent.RunDescriptor descriptor = run.descriptor();
                TrainingOutcome outcome = run.outcome();
                String what = space + "/" + method;
                assertEquals(space.equals("parameters") ? List.of("conv", "fc") : List.of("representation"),
                        descriptor.blockNames(), what);
                assertEquals(4 * 9 + 4 + 16 * 100 + 16, descriptor.sharedParameters(), what);
                assertEquals(4, events.size(), what + ": 20 steps, an event every 5th");
                assertEquals(space.equals("parameters") ? 2 : 1, events.get(0).blockCount(), what);
                double first = events.get(0).losses()[0] + events.get(0).losses()[1];
                double last = events.get(3).losses()[0] + events.get(3).losses()[1];
                assertTrue(Double.isFinite(last) && last != first, what + ": the trunk moved");
                assertEquals(20, outcome.steps(), what);
            }
        }
    }

    @Test
    void whatCannotWorkFailsBeforeTheFirstStepNamingTheFieldAndTheFile() throws Exception {
        Path missing = resource("conv_trunk.pt").resolveSibling("no-such-trunk.pt");
        Path notTorchScript = resource("conv_trunk_expected.json");
        Path noParameters = resource("no_parameters_trunk.pt");
        Map<StudySpec.ModelSpec, List<String>> cases = Map.of(
                StudySpec.ModelSpec.torchScript(missing.toString(), List.of(1, 12, 12), null),
                List.of("model.path", "no-such-trunk.pt"),
                StudySpec.ModelSpec.torchScript(notTorchScript.toString(), List.of(1, 12, 12), null),
                List.of("model.path", "conv_trunk_expected.json", "not a TorchScript module"),
                StudySpec.ModelSpec.torchScript(noParameters.toString(), List.of(1, 12, 12), null),
                List.of("model.path", "no_parameters_trunk.pt", "no trainable parameters"),
                StudySpec.ModelSpec.torchScript(resource("conv_trunk.pt").toString(), List.of(4, 6, 6), null),
                List.of("model.inputShape", "conv_trunk.pt", "[4, 6, 6]"),
                convTrunk(32), List.of("model.outputWidth", "returns 16"),
                StudySpec.ModelSpec.torchScript(resource("conv_trunk.pt").toString(), List.of(1, 10, 10), null),
                List.of("model.inputShape", "100 features", "144"));
        for (Map.Entry<StudySpec.ModelSpec, List<String>> c : cases.entrySet()) {
            boolean[] started = new boolean[1];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiTaskTrainer()
                    .train(request(c.getKey(), "ew", "parameters", 1), new TrainingListener() {
                        @Override
                        public void started(long totalSteps, RunEvent.RunDescriptor run) {
                            started[0] = true;
                        }
                    }, () -> false));
            for (String part : c.getValue()) {
                assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should say " + part);
            }
            assertTrue(!started[0], "refused before the run started: " + e.getMessage());
        }
    }
}
