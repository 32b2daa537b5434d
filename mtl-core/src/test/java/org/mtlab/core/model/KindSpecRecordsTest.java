package org.mtlab.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;

/** Each kind's own spec record reads its fields from the wire record, defaults applied, and refuses what cannot run. */
class KindSpecRecordsTest {

    @Test
    void mlpSpecCopiesItsWidthsAndRefusesAnEmptyOrNonPositiveTrunk() {
        List<Integer> widths = new java.util.ArrayList<>(List.of(4, 2));
        MlpKind.Spec spec = MlpKind.Spec.of(new StudySpec.ModelSpec("mlp", widths));
        widths.set(0, 99);
        assertEquals(List.of(4, 2), spec.hidden());
        assertThrows(IllegalArgumentException.class, () -> MlpKind.Spec.of(new StudySpec.ModelSpec("mlp", List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlpKind.Spec.of(new StudySpec.ModelSpec("mlp", List.of(3, 0))));
        assertEquals("model.hidden[1] must be a positive width, got 0", e.getMessage());
    }

    @Test
    void mmoeSpecAppliesThePapersDefaultsOnlyWhereAFieldIsMissing() {
        assertEquals(new MmoeKind.Spec(8, 16), MmoeKind.Spec.of(new StudySpec.ModelSpec("mmoe", null)));
        assertEquals(new MmoeKind.Spec(3, 16), MmoeKind.Spec.of(new StudySpec.ModelSpec("mmoe", null, 3, null)));
        assertEquals(new MmoeKind.Spec(8, 5), MmoeKind.Spec.of(new StudySpec.ModelSpec("mmoe", null, null, 5)));
    }

    @Test
    void torchScriptSpecGivesTheSampleShapeAndItsFeatureCount() {
        TorchScriptKind.Spec spec = TorchScriptKind.Spec.of(StudySpec.ModelSpec.torchScript("/models/trunk.pt",
                List.of(3, 32, 30), null));
        assertEquals(Path.of("/models/trunk.pt"), spec.file());
        assertArrayEquals(new long[] {3, 32, 30}, spec.sampleShape());
        assertEquals(Arrays.stream(spec.sampleShape()).reduce(1, (a, b) -> a * b), spec.inputFeatures());
        assertEquals(2880, spec.inputFeatures());
        assertThrows(IllegalArgumentException.class, () -> TorchScriptKind.Spec.of(
                StudySpec.ModelSpec.torchScript(" ", List.of(1), null)));
        assertThrows(IllegalArgumentException.class, () -> TorchScriptKind.Spec.of(
                StudySpec.ModelSpec.torchScript("/m.pt", null, null)));
    }
}
