package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

/** PostgreSQL down for a while: 503 with Retry-After, never 500; once it is back, nothing accepted before is missing. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class DatabaseOutageTest {
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }


    @Test
    void answers503WithRetryAfterWhileTheDatabaseIsDownAndLosesNothing() throws Exception {
        String before = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        RealInfrastructure.stopPostgres();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                            .then().statusCode(503).header("Retry-After", notNullValue())
                            .contentType("application/problem+json"));
            given().get("/api/studies/" + before).then().statusCode(503).header("Retry-After", equalTo("5"));
            given().get("/api/studies").then().statusCode(503);
        } finally {
            RealInfrastructure.startPostgres();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/studies/" + before)
                .then().statusCode(200).body("runs.size()", equalTo(12)));
        given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies").then().statusCode(201);
    }
}
