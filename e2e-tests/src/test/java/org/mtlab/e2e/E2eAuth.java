package org.mtlab.e2e;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import org.mtlab.devstack.LocalStack;

/** REST calls of an end-to-end test carry a bearer token that the stack's gateway trusts. */
final class E2eAuth {
    static final String TENANT = "e2e";

    private E2eAuth() {
    }

    static void use(LocalStack stack) {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + stack.token(TENANT)).build();
    }

    static void clear() {
        RestAssured.requestSpecification = null;
    }
}
