package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.mtlab.core.model.ModelKinds;

/** The trainer's network registry covers mtl-core's model kinds, one class each, and refuses what it does not know. */
class KindNetworksTest {

    @Test
    void everyModelKindHasANetworkAndTheTrainerRunsThemAll() {
        assertEquals(new TreeSet<>(ModelKinds.names()), new TreeSet<>(KindNetworks.names()));
        assertEquals(ModelKinds.names(), MultiTaskTrainer.MODEL_KINDS);
    }

    @Test
    void aFlatLayoutGetsItsKindsOwnClass() {
        assertInstanceOf(MlpNetwork.class, KindNetworks.forLayout(new MlpLayout(4, java.util.List.of(3), 2)));
        assertInstanceOf(MultiLeNetNetwork.class, KindNetworks.forLayout(MlpLayout.multiLeNet(28, 28, new int[] {10})));
        assertInstanceOf(SmallResNetNetwork.class, KindNetworks.forLayout(MlpLayout.resNet(28, 28, new int[] {10})));
        KindNetwork mmoe = KindNetworks.forLayout(MlpLayout.mmoe(4, 3, 5, new int[] {1, 1}));
        assertInstanceOf(MmoeNetwork.class, mmoe);
        assertEquals(Set.of(), Set.of(mmoe.ownTensors()));
    }

    @Test
    void anUnknownKindIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KindNetworks.build(new KindNetworks.Build(new UnknownKind(), null, null, new int[] {1}, null, 0)));
        assertTrue(e.getMessage().startsWith("unsupported model kind 'transformer'; this trainer knows [mlp, "),
                e.getMessage());
    }

    /** A kind mtl-core might add before the trainer has its network. */
    private static final class UnknownKind implements org.mtlab.core.model.ModelKind {
        @Override
        public String name() {
            return "transformer";
        }

        @Override
        public String description() {
            return "not built by this trainer";
        }

        @Override
        public java.util.Map<String, String> fields() {
            return java.util.Map.of();
        }

        @Override
        public void validate(org.mtlab.core.contract.StudySpec.ModelSpec model,
                             java.util.List<org.mtlab.core.contract.Violation> out) {
        }

        @Override
        public org.mtlab.core.model.Architecture architecture(org.mtlab.core.contract.StudySpec.ModelSpec model,
                                                              org.mtlab.core.model.DataShape data) {
            throw new UnsupportedOperationException();
        }
    }
}
