package org.mtlab.gateway;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.filter.Filter;
import org.mtlab.devstack.RealInfrastructure;

/**
 * Every REST call of a test carries a bearer token of the current tenant, signed by the key the test gateway trusts,
 * unless the call sets its own Authorization header or token cookie.
 */
final class TestAuth {
    static final String TENANT = "team-a";
    private static volatile String current;

    private static final Filter BEARER = (request, response, context) -> {
        String tenant = current;
        if (tenant != null && !request.getHeaders().hasHeaderWithName("Authorization")
                && !request.getCookies().hasCookieWithName("mtlab_token")) {
            request.header("Authorization", "Bearer " + token(tenant));
        }
        return context.next(request, response);
    };

    private TestAuth() {
    }

    static String token(String tenant) {
        return RealInfrastructure.tokens().token(tenant);
    }

    static void as(String tenant) {
        current = tenant;
        RestAssured.requestSpecification = new RequestSpecBuilder().addFilter(BEARER).build();
    }

    static void clear() {
        current = null;
        RestAssured.requestSpecification = null;
    }
}
