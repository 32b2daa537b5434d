package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.model.DataShape;

/**
 * ResNet-18 built from DJL blocks: its size against the network's definition counted by hand, batch normalisation's
 * two modes, gradients against central differences of the training-mode loss, and a trainer run on 36×36 images.
 */
class ResNet18TrunkTest {
    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    /** Conv weights (no bias) and two BN parameters per conv, for one-channel input; 512 features out. */
    private static long handCount() {
        long count = 64 * 9 + 2 * 64; // stem
        int in = 64;
        for (int channels : new int[] {64, 128, 256, 512}) {
            for (int unit = 0; unit < 2; unit++) {
                count += (long) channels * in * 9 + 2 * channels; // conv a + BN
                count += (long) channels * channels * 9 + 2 * channels; // conv b + BN
                if (in != channels) {
                    count += (long) channels * in + 2 * channels; // 1×1 projection + BN
                }
                in = channels;
            }
        }
        return count;
    }

    @Test
    void itIsTheStandardResNet18WithItsStagesAsTelemetryBlocks() {
        try (NDManager manager = ENGINE.manager().newSubManager()) {
            ResNet18Trunk trunk = ResNet18Trunk.build(manager, 32, 32, 1);
            assertEquals(handCount(), trunk.architecture().sharedParameters());
            assertEquals(11_167_680, handCount(), "11.17 M on one channel (11.17 M + 1,152 on RGB)");
            assertEquals(List.of("stem", "stage1", "stage2", "stage3", "stage4"), trunk.architecture().blockNames());
            assertEquals(512, trunk.architecture().features());
            assertThrows(IllegalArgumentException.class, () -> ResNet18Trunk.build(manager, 28, 32, 1),
                    "below 32×32");
            float[] first = trunk.parameters()[0].toFloatArray();
            assertArrayEquals(first, ResNet18Trunk.build(manager, 32, 32, 1).parameters()[0].toFloatArray(),
                    "seeded initialisation");
            double variance = 0;
            for (float w : first) {
                variance += w * w;
            }
            assertEquals(2.0 / 9, variance / first.length, 0.03, "He-normal stem weights: variance 2 / fan_in");
        }
    }

    @Test
    void batchNormUsesTheBatchWhileTrainingAndItsRunningStatisticsOtherwise() {
        try (NDManager manager = ENGINE.manager().newSubManager()) {
            ResNet18Trunk trunk = ResNet18Trunk.build(manager, 32, 32, 2);
            NDArray x = manager.randomNormal(new Shape(4, 32 * 32)).add(3); // far from the running mean 0
            boolean gradMode = JniUtils.isGradMode();
            try {
                JniUtils.setGradMode(false);
                float[] before = trunk.forward(x, 4).toFloatArray();
                JniUtils.setGradMode(true);
                float[] training = trunk.forward(x, 4).toFloatArray();
                JniUtils.setGradMode(false);
                float[] after = trunk.forward(x, 4).toFloatArray();
                assertEquals(4 * 512, training.length);
                assertTrue(maxDifference(before, training) > 1e-3, "training mode normalises with the batch");
                assertTrue(maxDifference(before, after) > 1e-6, "a training pass moved the running statistics");
            } finally {
                JniUtils.setGradMode(gradMode);
            }
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int k = 0; k < a.length; k++) {
            max = Math.max(max, Math.abs(a[k] - b[k]));
        }
        return max;
    }

    @Test
    void sharedGradientsMatchCentralDifferencesOfTheTrainingModeLoss() {
        try (NDManager manager = ENGINE.manager().newSubManager()) {
            ResNet18Trunk trunk = ResNet18Trunk.build(manager, 32, 32, 3);
            BlockNetwork network = new BlockNetwork(org.mtlab.core.model.ResNet18Kind.NAME, trunk, new DataShape(32 * 32, new int[] {32, 32}), new int[] {1});
            MlpLayout layout = network.layout();
            float[] initial = new float[layout.totalSize()];
            layout.initialise(initial, 3, new int[] {0});
            HostDeviceTraffic traffic = new HostDeviceTraffic();
            DeviceModel model = new DeviceModel(manager, new MultiTaskNetwork(network, new boolean[1], traffic), initial,
                    traffic);
            int rows = 4;
            float[] x = new float[rows * 32 * 32];
            float[][] y = new float[1][rows];
            SplittableRandom random = new SplittableRandom(8);
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) random.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                y[0][r] = (float) random.nextGaussian();
            }
            float[] g = model.taskSharedGradientsToHost(manager, x, y, rows)[0];
            float[] flat = model.parametersToHost();
            // the largest gradient of the stem's conv, of the last stage's last BN scale, and of one 3×3 conv
            int lastTensor = layout.sharedTensorCount() - 2;
            for (int tensor : new int[] {0, 5, lastTensor}) {
                int k = layout.offset(tensor);
                for (int i = layout.offset(tensor); i < layout.offset(tensor) + layout.length(tensor); i++) {
                    k = Math.abs(g[i]) > Math.abs(g[k]) ? i : k;
                }
                int entry = k;
                double numeric = ReferenceMath.centralDifference(new double[] {flat[k]}, 0, 2e-3, v -> {
                    float[] moved = flat.clone();
                    moved[entry] = (float) v[0];
                    model.load(moved);
                    return trainingModeLoss(model, manager, x, y, rows);
                });
                model.load(flat);
                assertTrue(Math.abs(numeric) > 1e-3, "an informative entry");
                assertEquals(numeric, g[k], 2e-3 + 3e-2 * Math.abs(numeric), "tensor " + tensor + " entry " + k);
            }
        }
    }

    @Test
    void batchNormStatisticsMoveInTrainingAndACheckpointsCopyRestoresEvaluationExactly() {
        try (NDManager manager = ENGINE.manager().newSubManager()) {
            int rows = 4;
            float[] x = new float[rows * 32 * 32];
            SplittableRandom random = new SplittableRandom(5);
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (random.nextGaussian() * 2 + 1);
            }
            float[][] y = new float[1][rows];
            DeviceModel trained = resNet18Model(manager);
            float[] fresh = trained.buffersToHost();
            assertEquals(trained.bufferSize(), fresh.length);
            assertTrue(fresh.length > 0, "batch norm keeps running statistics");
            trainingModeLoss(trained, manager, x, y, rows); // a training-mode forward updates them
            float[] moved = trained.buffersToHost();
            assertTrue(maxDifference(fresh, moved) > 1e-3, "the running statistics moved");
            float[][] expected = new float[1][rows];
            trained.predict(manager, x, 0, rows, expected);

            DeviceModel restored = resNet18Model(manager); // the same seed: the same parameters, fresh statistics
            float[][] withoutBuffers = new float[1][rows];
            restored.predict(manager, x, 0, rows, withoutBuffers);
            assertTrue(maxDifference(expected[0], withoutBuffers[0]) > 1e-4, "evaluation depends on the statistics");
            restored.loadBuffers(moved);
            float[][] again = new float[1][rows];
            restored.predict(manager, x, 0, rows, again);
            assertArrayEquals(expected[0], again[0]);
            assertThrows(IllegalArgumentException.class, () -> restored.loadBuffers(new float[0]));
        }
    }

    private static DeviceModel resNet18Model(NDManager manager) {
        ResNet18Trunk trunk = ResNet18Trunk.build(manager, 32, 32, 3);
        BlockNetwork network = new BlockNetwork(org.mtlab.core.model.ResNet18Kind.NAME, trunk,
                new DataShape(32 * 32, new int[] {32, 32}), new int[] {1});
        float[] initial = new float[network.layout().totalSize()];
        network.layout().initialise(initial, 3, new int[] {0});
        HostDeviceTraffic traffic = new HostDeviceTraffic();
        return new DeviceModel(manager, new MultiTaskNetwork(network, new boolean[1], traffic), initial, traffic);
    }

    /** The loss with batch statistics (the function the step differentiates), no backward. */
    private static double trainingModeLoss(DeviceModel model, NDManager parent, float[] x, float[][] y, int rows) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = parent.newSubManager()) {
            NDArray input = model.input(step, x, rows, HostDeviceTraffic.Purpose.BATCH);
            return model.values(model.losses(step, model.forward(input, rows), y, rows))[0];
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Test
    void itTrainsAMultiFashionRunWithTelemetryPerStage(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir, 100, 40, 1);
        TrainingRequest base = ClassificationTrainingTest.multiFashion(dir, "mlp", new StudySpec.OptimizerSpec("adam",
                1e-3, null), 1, List.of("left", "right"));
        java.util.Map<String, Object> params = java.util.Map.of("path", dir.toString(), "trainSamples", 64,
                "validationSamples", 16, "testSamples", 16, "seed", 3);
        TrainingRequest request = new TrainingRequest(base.schemaVersion(), base.runId(), base.studyId(), 1, base.kind(),
                base.datasetTasks(), base.tasks(), new StudySpec.DatasetSpec("multi-fashion", params),
                new StudySpec.ModelSpec("resnet18", null), base.optimizer(), "mgda", 7, 1, 16,
                new StudySpec.TelemetrySpec(2, false, 0, null));
        RecordedRun run = RecordedRun.train(request);
        List<GradientEvent> events = run.events();
        RunEvent.RunDescriptor descriptor = run.descriptor();
        TrainingOutcome outcome = run.outcome();
        assertEquals(4, outcome.steps());
        assertEquals(List.of("stem", "stage1", "stage2", "stage3", "stage4"), descriptor.blockNames());
        assertEquals(handCount(), descriptor.sharedParameters());
        assertEquals(2, events.size());
        assertEquals(5, events.get(0).blockCount());
        assertEquals(8, outcome.finalMetrics().size(), "accuracy and loss of both tasks on test and validation");
        assertEquals(0, outcome.stepTraffic().total(HostDeviceTraffic.Purpose.GRADIENT_VECTORS),
                "MGDA decides from the Grams: 11 M-parameter gradients never leave the device");
    }
}
