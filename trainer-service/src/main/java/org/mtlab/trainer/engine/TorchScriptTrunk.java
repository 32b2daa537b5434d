package org.mtlab.trainer.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.TorchScriptKind;

/**
 * A team's own shared trunk, loaded from a TorchScript file with DJL's PyTorch engine ({@code model.kind
 * torchscript}): its parameters are the module's own tensors, trained in place; its forward pass runs the module on
 * the batch reshaped to {@code [rows, inputShape…]} (in training mode while gradients are recorded, in evaluation mode
 * otherwise) and flattens what it returns to {@code [rows, outputWidth]}. Its telemetry blocks are the module's
 * top-level submodules (parameter names up to the first dot).
 *
 * <p>Everything that can be wrong with the file fails {@link #load} with an {@link IllegalArgumentException} naming
 * the field and the file: a missing or unreadable file, a file that is not TorchScript, an input shape the module
 * cannot run, an output width other than declared, a trunk without trainable parameters.
 */
final class TorchScriptTrunk implements BlockTrunk {
    private final PtSymbolBlock module;
    private final long[] inputShape;
    private final NDArray[] parameters;
    private final Architecture architecture;

    private TorchScriptTrunk(PtSymbolBlock module, long[] inputShape, NDArray[] parameters, Architecture architecture) {
        this.module = module;
        this.inputShape = inputShape;
        this.parameters = parameters;
        this.architecture = architecture;
    }

    /** Loads the spec's trunk onto {@code manager}'s device, checks it and works out its architecture. */
    static TorchScriptTrunk load(NDManager manager, TorchScriptKind.Spec model) {
        String field = "model.path";
        Path file = model.file();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(field + ": no readable file '" + file + "' (the path is read by the "
                    + "trainer)");
        }
        PtSymbolBlock module;
        try {
            module = JniUtils.loadModule((PtNDManager) manager, file, true, new String[0], new String[0], true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": '" + file + "' is not a TorchScript module ("
                    + firstLine(e) + "); export it with torch.jit.script(trunk).save(path) or torch.jit.trace", e);
        }
        try {
            NDList named = JniUtils.moduleGetParams(module, (PtNDManager) manager);
            List<NDArray> trainable = new ArrayList<>();
            for (NDArray p : named) {
                if (p.hasGradient()) {
                    trainable.add(p);
                } else {
                    p.close();
                }
            }
            if (trainable.isEmpty()) {
                throw new IllegalArgumentException(field + ": the trunk in '" + file + "' has no trainable parameters");
            }
            long[] shape = model.sampleShape();
            int width = outputWidth(module, manager, shape, file, model);
            List<long[]> shapes = new ArrayList<>();
            List<String> blockNames = new ArrayList<>();
            List<Integer> firstTensors = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                NDArray p = trainable.get(i);
                shapes.add(p.getShape().getShape());
                String name = p.getName() == null ? "param" + i : p.getName();
                String block = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                if (blockNames.isEmpty() || !blockNames.get(blockNames.size() - 1).equals(block)) {
                    blockNames.add(blockNames.contains(block) ? block + "#" + i : block);
                    firstTensors.add(i);
                }
            }
            firstTensors.add(trainable.size());
            Architecture architecture = new Architecture(shapes, firstTensors.stream().mapToInt(Integer::intValue)
                    .toArray(), blockNames, 0, width);
            return new TorchScriptTrunk(module, shape, trainable.toArray(new NDArray[0]), architecture);
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    /** The declared output width after checking it with one forward pass, or the one that pass shows. */
    private static int outputWidth(PtSymbolBlock module, NDManager manager, long[] shape, Path file,
                                   TorchScriptKind.Spec model) {
        long[] batchOfOne = new long[shape.length + 1];
        batchOfOne[0] = 1;
        System.arraycopy(shape, 0, batchOfOne, 1, shape.length);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager probe = manager.newSubManager()) {
            NDList out;
            try {
                out = IValueUtils.forward(module, new NDList(probe.zeros(new Shape(batchOfOne))), false);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("model.inputShape: the trunk in '" + file + "' cannot run on a sample "
                        + "of shape " + model.inputShape() + " (" + firstLine(e) + ")", e);
            }
            if (out.size() != 1) {
                throw new IllegalArgumentException("model.path: the trunk in '" + file + "' returns " + out.size()
                        + " tensors; it must return one tensor of features per sample");
            }
            long width = out.singletonOrThrow().size();
            if (model.outputWidth() != null && model.outputWidth() != width) {
                throw new IllegalArgumentException("model.outputWidth: the trunk in '" + file + "' returns " + width
                        + " features per sample, the spec says " + model.outputWidth());
            }
            return Math.toIntExact(width);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public Architecture architecture() {
        return architecture;
    }

    @Override
    public NDArray[] parameters() {
        return parameters.clone();
    }

    @Override
    public NDArray forward(NDArray input, int rows) {
        long[] shape = new long[inputShape.length + 1];
        shape[0] = rows;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        NDList out = IValueUtils.forward(module, new NDList(input.reshape(new Shape(shape))), JniUtils.isGradMode());
        return out.singletonOrThrow().reshape(rows, -1);
    }

    @Override
    public void close() {
        module.close();
    }
}
