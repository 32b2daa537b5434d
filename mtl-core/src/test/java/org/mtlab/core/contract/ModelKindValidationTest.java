package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mtlab.core.model.MmoeKind;

/** The resnet and mmoe model kinds and MMoE's fields, validated from JSON as sent. */
class ModelKindValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));
    private static final String FASHION = "{\"kind\":\"multi-fashion\"}";
    private static final String FASHION_TASKS = "[{\"name\":\"left\"},{\"name\":\"right\"}]";
    private static final String SYNTHETIC = "{\"kind\":\"synthetic\",\"params\":{\"dimension\":20}}";
    private static final String SYNTHETIC_TASKS = "[{\"name\":\"a\"},{\"name\":\"b\"}]";

    private static StudySpec spec(String dataset, String tasks, String model) {
        String json = "{\"name\":\"s\",\"dataset\":" + dataset + ",\"tasks\":" + tasks + ",\"model\":" + model
                + ",\"optimizers\":[{\"name\":\"adam\",\"learningRate\":0.001}],\"methods\":[\"ew\"],\"seeds\":[1],"
                + "\"epochs\":2,\"batchSize\":64}";
        return Json.read(json, StudySpec.class);
    }

    private static List<String> fields(String dataset, String tasks, String model) {
        return VALIDATOR.validate(spec(dataset, tasks, model)).stream().map(Violation::field).toList();
    }

    @Test
    void resNetTakesImagesOnlyAndNothingElse() {
        assertEquals(List.of(), fields(FASHION, FASHION_TASKS, "{\"kind\":\"resnet\"}"));
        assertEquals(List.of(), fields(FASHION, FASHION_TASKS, "{\"kind\":\"ResNet\"}"), "kinds ignore case");
        assertEquals(List.of("model.kind"), fields(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"resnet\"}"));
        assertEquals(List.of("model.hidden"), fields(FASHION, FASHION_TASKS, "{\"kind\":\"resnet\",\"hidden\":[8]}"));
        assertEquals(List.of("model.experts"), fields(FASHION, FASHION_TASKS, "{\"kind\":\"resnet\",\"experts\":2}"));
    }

    @Test
    void mmoeTakesExpertsAndExpertWidthWithDefaultsAndBounds() {
        assertEquals(List.of(), fields(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"mmoe\"}"));
        assertEquals(List.of(), fields(FASHION, FASHION_TASKS, "{\"kind\":\"mmoe\",\"experts\":4,\"expertWidth\":32}"),
                "MMoE reads any features, images too");
        assertEquals(List.of("model.experts", "model.expertWidth"),
                fields(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"mmoe\",\"experts\":0,\"expertWidth\":0}"));
        assertEquals(List.of("model.experts"), fields(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"mmoe\",\"experts\":" + (StudySpecValidator.MAX_EXPERTS + 1) + "}"));
        assertEquals(List.of("model.expertWidth"), fields(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"mmoe\",\"expertWidth\":" + (StudySpecValidator.MAX_LAYER_WIDTH + 1) + "}"));
        assertEquals(List.of("model.hidden"), fields(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"mmoe\",\"hidden\":[8]}"));
        assertEquals(List.of("model.experts", "model.expertWidth"), fields(SYNTHETIC, SYNTHETIC_TASKS,
                "{\"kind\":\"mlp\",\"hidden\":[8],\"experts\":2,\"expertWidth\":4}"), "MMoE's fields only on mmoe");
        assertEquals(List.of("model.kind"), fields(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"moe\"}"));
    }

    @Test
    void sharedParameterCountsFollowTheModels() {
        assertEquals(19_312, StudySpecValidator.sharedParameterCount(spec(FASHION, FASHION_TASKS, "{\"kind\":\"resnet\"}")));
        // defaults: 8 experts of 16 units over d = 20 features
        assertEquals(8 * (20 * 16 + 16), StudySpecValidator.sharedParameterCount(
                spec(SYNTHETIC, SYNTHETIC_TASKS, "{\"kind\":\"mmoe\"}")));
        assertEquals(3 * (36 * 36 * 5 + 5), StudySpecValidator.sharedParameterCount(
                spec(FASHION, FASHION_TASKS, "{\"kind\":\"mmoe\",\"experts\":3,\"expertWidth\":5}")));
    }

    @Test
    void mmoeFieldsSurviveJsonAndStayAbsentForOtherKinds() {
        StudySpec.ModelSpec mmoe = Json.read(Json.writeString(new StudySpec.ModelSpec("mmoe", null, 4, 12)),
                StudySpec.ModelSpec.class);
        assertEquals(new StudySpec.ModelSpec("mmoe", null, 4, 12), mmoe);
        assertEquals(4, MmoeKind.Spec.of(mmoe).experts());
        assertEquals(12, MmoeKind.Spec.of(mmoe).expertWidth());
        StudySpec.ModelSpec defaults = new StudySpec.ModelSpec("mmoe", null);
        assertEquals(8, MmoeKind.Spec.of(defaults).experts());
        assertEquals(16, MmoeKind.Spec.of(defaults).expertWidth());
        String mlp = Json.writeString(new StudySpec.ModelSpec("mlp", List.of(8)));
        assertFalse(mlp.contains("expert"), mlp);
        assertTrue(mlp.contains("\"hidden\":[8]"), mlp);
    }
}
