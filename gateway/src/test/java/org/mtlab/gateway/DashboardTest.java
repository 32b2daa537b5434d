package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

/** The dashboard's static page, its chart library, the analysis proxies (analysis down here) and the event stream. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class DashboardTest {
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void thePageAndItsChartLibraryAreServed() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/webjars/echarts/5.3.1/dist/echarts.min.js"), containsString("app.js"));
        given().get("/webjars/echarts/5.3.1/dist/echarts.min.js").then().statusCode(200);
        given().get("/app.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/app.css").then().statusCode(200);
    }

    @Test
    void analysisReadsAre503ProblemsWhenTheAnalysisIsDown() {
        var created = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String runId = created.getString("runs[0].id");
        for (String path : new String[] {"/api/studies/" + id + "/report", "/api/studies/" + id + "/analysis",
                "/api/runs/" + runId + "/gradients"}) {
            given().get(path).then().statusCode(503).contentType("application/problem+json")
                    .body("status", equalTo(503)).body("title", equalTo("Analysis service unavailable"));
        }
        given().get("/api/studies/nope/report").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void theEventStreamSendsTheStudyAndItsRuns() throws Exception {
        String id = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(
                        URI.create(root.toString().replaceAll("/$", "") + "/api/studies/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TestAuth.token(TestAuth.TENANT))
                .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String data = null;
            for (String line; data == null && (line = lines.readLine()) != null; ) {
                if (line.startsWith("data:")) {
                    data = line.substring(5).trim();
                }
            }
            assertTrue(data != null && data.contains("\"id\":\"" + id + "\"") && data.contains("\"runs\":[")
                    && data.contains("\"gradients\":[]"), "first event: " + data);
        }
    }
}
