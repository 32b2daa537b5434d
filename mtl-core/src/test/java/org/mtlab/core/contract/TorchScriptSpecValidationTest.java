package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;

/**
 * The torchscript model kind's fields as a study sends them, and the registry every model field is checked against:
 * a field of another kind is refused naming the field and the kinds it belongs to.
 */
class TorchScriptSpecValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));
    private static final String IMAGES = "{\"kind\":\"multi-fashion\"}";
    private static final String IMAGE_TASKS = "[{\"name\":\"left\"},{\"name\":\"right\"}]";
    private static final String SYNTHETIC = "{\"kind\":\"synthetic\",\"params\":{\"dimension\":144}}";
    private static final String SYNTHETIC_TASKS = "[{\"name\":\"a\"},{\"name\":\"b\"}]";

    private static List<Violation> violations(String dataset, String tasks, String model) {
        String json = "{\"name\":\"s\",\"dataset\":" + dataset + ",\"tasks\":" + tasks + ",\"model\":" + model
                + ",\"optimizers\":[{\"name\":\"adam\",\"learningRate\":0.001}],\"methods\":[\"ew\"],\"seeds\":[1],"
                + "\"epochs\":2,\"batchSize\":64}";
        return VALIDATOR.validate(Json.read(json, StudySpec.class));
    }

    private static List<String> fields(String dataset, String tasks, String model) {
        return violations(dataset, tasks, model).stream().map(Violation::field).toList();
    }

    @Test
    void aTrunkNeedsItsFileAndTheShapeOfOneSampleThatHoldsTheDatasetsFeatures() {
        assertEquals(List.of(), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"/models/trunk.pt\",\"inputShape\":[1,36,36]}"));
        assertEquals(List.of(), fields(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"trunk.pt\",\"inputShape\":[144],\"outputWidth\":32}"));
        assertEquals(List.of("model.path", "model.inputShape"), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\"}"));
        assertEquals(List.of("model.path"), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"tr\\u0000unk.pt\",\"inputShape\":[1,36,36]}"));
        assertEquals(List.of("model.inputShape[1]"), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"t.pt\",\"inputShape\":[1,0,36]}"));
        assertEquals(List.of("model.inputShape"), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"t.pt\",\"inputShape\":[1,1,36,36]}"));
        assertEquals(List.of("model.outputWidth"), fields(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"t.pt\",\"inputShape\":[1,36,36],\"outputWidth\":0}"));
        List<Violation> mismatch = violations(IMAGES, IMAGE_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"t.pt\",\"inputShape\":[3,32,32]}");
        assertEquals(List.of("model.inputShape"), mismatch.stream().map(Violation::field).toList());
        assertTrue(mismatch.get(0).message().contains("3072") && mismatch.get(0).message().contains("1296"),
                mismatch.get(0).message());
    }

    @Test
    void aFieldOfAnotherKindIsRefusedNamingTheKindsItBelongsTo() {
        List<Violation> v = violations(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"mlp\",\"hidden\":[8],\"path\":\"t.pt\",\"experts\":3}");
        assertEquals(List.of("model.experts", "model.path"), v.stream().map(Violation::field).sorted().toList());
        assertTrue(v.stream().anyMatch(x -> x.message().equals("applies to torchscript only, not to mlp")), v.toString());
        assertEquals(List.of("model.hidden"), fields(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"torchscript\",\"path\":\"t.pt\",\"inputShape\":[144],\"hidden\":[4]}"));
    }

    @Test
    void theRegistryListsEveryKindOnceWithItsFields() {
        assertEquals(List.of("mlp", "multilenet", "resnet", "mmoe", "resnet18", "torchscript"), ModelKinds.names());
        assertEquals(ModelKinds.names(), StudySpecValidator.MODEL_KINDS);
        for (ModelKind kind : ModelKinds.all()) {
            assertEquals(kind, ModelKinds.of(kind.name().toUpperCase(java.util.Locale.ROOT)));
            assertTrue(!kind.description().isBlank(), kind.name());
            kind.fields().forEach((field, what) -> assertTrue(!what.isBlank(), kind.name() + "." + field));
        }
        assertEquals(Set.of("path", "inputShape", "outputWidth"), ModelKinds.of("torchscript").fields().keySet());
        assertEquals(-1, StudySpecValidator.sharedParameterCount(Json.read("{\"name\":\"s\",\"dataset\":" + IMAGES
                + ",\"tasks\":" + IMAGE_TASKS + ",\"model\":{\"kind\":\"torchscript\",\"path\":\"t.pt\","
                + "\"inputShape\":[1,36,36]}}", StudySpec.class)), "known from the file only");
    }
}
