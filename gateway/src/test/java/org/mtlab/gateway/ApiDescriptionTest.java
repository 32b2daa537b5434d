package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpecValidator;
import org.mtlab.core.data.DatasetKind;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.devstack.RealInfrastructure;

/**
 * The served API description states the resource guards, and they are the guards enforced: each limit read from the
 * document, exceeded by one in an otherwise valid spec, is refused with 400 problem+json naming the field.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class ApiDescriptionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

    private static JsonNode document() throws Exception {
        String body = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().asString();
        return MAPPER.readTree(body);
    }

    @Test
    void theDocumentStatesTheValidatorsLimits() throws Exception {
        JsonNode doc = document();
        JsonNode spec = doc.at("/components/schemas/StudySpec/properties");
        assertEquals(StudySpecValidator.MAX_TASKS, spec.at("/tasks/maxItems").asInt());
        assertEquals(StudySpecValidator.MAX_SEEDS, spec.at("/seeds/maxItems").asInt());
        assertEquals(StudySpecValidator.MAX_OPTIMIZERS, spec.at("/optimizers/maxItems").asInt());
        assertEquals(StudySpecValidator.MAX_LEARNING_RATES, spec.at("/optimizers/items/properties/learningRates/maxItems").asInt());
        assertEquals(StudySpecValidator.MAX_EPOCHS, spec.at("/epochs/maximum").asInt());
        assertEquals(StudySpecValidator.MAX_BATCH_SIZE, spec.at("/batchSize/maximum").asInt());
        assertEquals(StudySpecValidator.MAX_LAYERS, spec.at("/model/properties/hidden/maxItems").asInt());
        assertEquals(StudySpecValidator.MAX_LAYER_WIDTH, spec.at("/model/properties/hidden/items/maximum").asInt());
        JsonNode kinds = spec.at("/dataset/properties/kind/enum");
        assertEquals(DatasetKinds.standard().names().size(), kinds.size());
        for (int i = 0; i < kinds.size(); i++) {
            assertEquals(DatasetKinds.standard().names().get(i), kinds.get(i).asText());
        }
        String params = spec.at("/dataset/properties/params/description").asText();
        for (DatasetKind<?> kind : DatasetKinds.standard().all()) {
            for (String parameter : kind.parameters().keySet()) {
                assertTrue(params.contains(parameter + " ("), kind.name() + "." + parameter + " in " + params);
            }
        }
        JsonNode limits = doc.get("x-mtlab-limits");
        assertEquals(StudySpecValidator.MAX_RUNS, limits.get("maxRunsPerStudy").asInt());
        assertEquals(StudyResource.MAX_SPEC_CHARACTERS, limits.get("maxSpecCharacters").asInt());
        assertEquals("#/components/schemas/StudySpec",
                doc.at("/paths/~1api~1studies/post/requestBody/content/application~1json/schema/$ref").asText());
        assertTrue(doc.at("/info/description").asText().contains(StudySpecValidator.MAX_RUNS + " runs per study"));
        // the document describes the API; it is public, and health and metrics are not in it
        assertTrue(doc.at("/paths/~1q~1health").isMissingNode());
    }

    @Test
    void everyStatedLimitExceededByOneIsRefusedNamingTheField() throws Exception {
        JsonNode spec = document().at("/components/schemas/StudySpec/properties");
        int tasks = spec.at("/tasks/maxItems").asInt();
        refused("tasks", s -> {
            ArrayNode list = s.putArray("tasks");
            for (int i = 0; i <= tasks; i++) {
                list.addObject().put("name", "t" + i);
            }
        });
        int seeds = spec.at("/seeds/maxItems").asInt();
        refused("seeds", s -> {
            ArrayNode list = s.putArray("seeds");
            for (int i = 0; i <= seeds; i++) {
                list.add(i + 1);
            }
        });
        int optimizers = spec.at("/optimizers/maxItems").asInt();
        refused("optimizers", s -> {
            ArrayNode list = s.putArray("optimizers");
            for (int i = 0; i <= optimizers; i++) {
                list.addObject().put("name", "adam").put("learningRate", 0.001 * (i + 1));
            }
        });
        int rates = spec.at("/optimizers/items/properties/learningRates/maxItems").asInt();
        refused("optimizers[0].learningRates", s -> {
            ObjectNode adam = s.putArray("optimizers").addObject().put("name", "adam");
            ArrayNode grid = adam.putArray("learningRates");
            for (int i = 0; i <= rates; i++) {
                grid.add(0.0001 * (i + 1));
            }
        });
        int epochs = spec.at("/epochs/maximum").asInt();
        refused("epochs", s -> s.put("epochs", epochs + 1));
        int batch = spec.at("/batchSize/maximum").asInt();
        refused("batchSize", s -> s.put("batchSize", batch + 1));
        int layers = spec.at("/model/properties/hidden/maxItems").asInt();
        refused("model.hidden", s -> {
            ArrayNode hidden = ((ObjectNode) s.get("model")).putArray("hidden");
            for (int i = 0; i <= layers; i++) {
                hidden.add(4);
            }
        });
        int width = spec.at("/model/properties/hidden/items/maximum").asInt();
        refused("model.hidden[0]", s -> ((ObjectNode) s.get("model")).putArray("hidden").add(width + 1));
        int characters = document().get("x-mtlab-limits").get("maxSpecCharacters").asInt();
        given().contentType("application/json").body(" ".repeat(characters + 1)).post("/api/studies")
                .then().statusCode(413).contentType("application/problem+json");
    }

    /** Applies {@code change} to a valid spec and expects 400 problem+json with a violation of {@code field}. */
    private static void refused(String field, Consumer<ObjectNode> change) throws Exception {
        ObjectNode spec = (ObjectNode) MAPPER.readTree(GatewayTest.SPEC);
        change.accept(spec);
        JsonPath problem = given().contentType("application/json").body(MAPPER.writeValueAsString(spec))
                .post("/api/studies").then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath();
        assertTrue(problem.getList("violations.field").contains(field), field + ": " + problem.prettify());
    }
}
