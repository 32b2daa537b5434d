package org.mtlab.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mtlab.core.contract.Json;

/**
 * Reads the analysis service over HTTP ({@code mtlab.analysis.url}); the gateway never links the analysis code.
 * An unreachable analysis service is reported as {@link Unavailable}, which the callers turn into a 503.
 */
@ApplicationScoped
public class AnalysisClient {
    /** The analysis service did not answer (refused, timed out, or no route). */
    public static class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer of the analysis service: its status, content type and body as they came. */
    public record Answer(int status, String contentType, String body) {
        boolean ok() {
            return status == 200;
        }

        JsonNode json() {
            return Json.read(body, JsonNode.class);
        }
    }

    @ConfigProperty(name = "mtlab.analysis.url", defaultValue = "http://localhost:8081")
    String baseUrl;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public String baseUrl() {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build();
    }

    private static Answer answer(HttpResponse<String> r) {
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
    }

    /** GET {@code path} without blocking. */
    public Uni<Answer> get(String path) {
        return Uni.createFrom().completionStage(() -> http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString()))
                .map(AnalysisClient::answer)
                .onFailure(e -> !(e instanceof Unavailable))
                .transform(e -> new Unavailable("analysis service at " + baseUrl() + " is unreachable: " + e, e));
    }

    /** GET {@code path}, blocking (for worker threads only). */
    public Answer getBlocking(String path) {
        try {
            return answer(http.send(request(path), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new Unavailable("analysis service at " + baseUrl() + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }
}
