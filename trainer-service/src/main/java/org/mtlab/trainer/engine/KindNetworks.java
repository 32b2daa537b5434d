package org.mtlab.trainer.engine;

import java.util.Map;
import java.util.function.Function;

import ai.djl.ndarray.NDManager;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.MlpKind;
import org.mtlab.core.model.MmoeKind;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.MultiLeNetKind;
import org.mtlab.core.model.ResNet18Kind;
import org.mtlab.core.model.ResNetKind;
import org.mtlab.core.model.TorchScriptKind;

/**
 * The trainer's side of the model-kind registry: per kind in {@link org.mtlab.core.model.ModelKinds} (which declares
 * and checks its fields and shapes, without DJL) the class that runs its forward pass on DJL. Adding a kind is a
 * {@link ModelKind} class there, a {@link KindNetwork} class here and one line in each registry.
 */
final class KindNetworks {

    /** What building a run's network needs: the spec and the data's shape, the device's manager, the run's seed. */
    record Build(ModelKind kind, StudySpec.ModelSpec spec, DataShape shape, int[] headOutputs, NDManager manager,
                 long seed) {
    }

    /** A kind whose tensors are laid out flat from the layout's initial values, or one whose trunk owns them. */
    private record Entry(Function<MlpLayout, KindNetwork> flat, Function<Build, BlockTrunk> block) {
    }

    private static final Map<String, Entry> KINDS = Map.of(
            MlpKind.NAME, flat(MlpNetwork::new),
            MultiLeNetKind.NAME, flat(MultiLeNetNetwork::new),
            ResNetKind.NAME, flat(SmallResNetNetwork::new),
            MmoeKind.NAME, flat(MmoeNetwork::new),
            ResNet18Kind.NAME, block(b -> ResNet18Trunk.build(b.manager(), b.shape().image()[0], b.shape().image()[1],
                    b.seed())),
            TorchScriptKind.NAME, block(b -> TorchScriptTrunk.load(b.manager(), TorchScriptKind.Spec.of(b.spec()))));

    private KindNetworks() {
    }

    private static Entry flat(Function<MlpLayout, KindNetwork> network) {
        return new Entry(network, null);
    }

    private static Entry block(Function<Build, BlockTrunk> trunk) {
        return new Entry(null, trunk);
    }

    /** The kinds this trainer can run. */
    static java.util.Set<String> names() {
        return KINDS.keySet();
    }

    /**
     * The network of a run: its layout from the kind's architecture, or a block trunk built or loaded into
     * {@code b.manager()} after the data's shape was checked against the spec.
     *
     * @throws IllegalArgumentException for a kind this trainer cannot run, or a spec its kind refuses
     */
    static KindNetwork build(Build b) {
        Entry entry = entry(b.kind().name());
        if (entry.flat() != null) {
            return entry.flat().apply(new MlpLayout(b.kind(), b.spec(), b.shape(), b.headOutputs()));
        }
        b.kind().architecture(b.spec(), b.shape()); // the data's shape against the spec, before anything is loaded
        return new BlockNetwork(b.kind().name(), entry.block().apply(b), b.shape(), b.headOutputs());
    }

    /** The network of a flat layout (one made from its kind's architecture). */
    static KindNetwork forLayout(MlpLayout layout) {
        Entry entry = entry(layout.kindName());
        if (entry.flat() == null) {
            throw new IllegalArgumentException("model kind " + layout.kindName() + " owns its tensors: build it");
        }
        return entry.flat().apply(layout);
    }

    private static Entry entry(String kind) {
        Entry entry = KINDS.get(kind);
        if (entry == null) {
            throw new IllegalArgumentException("unsupported model kind '" + kind + "'; this trainer knows "
                    + new java.util.TreeSet<>(KINDS.keySet()));
        }
        return entry;
    }
}
