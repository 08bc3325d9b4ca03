package dev.arbor.spring.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorState;
import dev.arbor.spring.ArborLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in a real Spring Boot application with the embedded web server and the actuator:
 * the supervisors run with the context, and the actuator's HTTP endpoints show the tree's health
 * and its meters.
 */
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-details=always"})
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OrdersApplicationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;
    @Autowired
    CountDownLatch consumerRunning;
    @Autowired
    @Qualifier("workers")
    Supervisor workers;
    @Autowired
    ArborLifecycle lifecycle;

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    @Test
    void theTreeRunsWithTheApplicationAndTheActuatorShowsItsHealthAndMeters() throws Exception {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
        assertThat(consumerRunning.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lifecycle.startedSupervisors()).containsExactly("orders");
        assertThat(workers.state()).isEqualTo(SupervisorState.RUNNING);

        JsonNode health = get("/actuator/health", 200);
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode orders = health.path("components").path("arbor").path("components").path("orders");
        assertThat(orders.path("status").asText()).isEqualTo("UP");
        JsonNode consumer = orders.path("details").path("children").path("workers").path("supervisor")
                .path("children").path("consumer");
        assertThat(consumer.path("state").asText()).isEqualTo("RUNNING");
        assertThat(health.path("components").path("arbor").path("components").has("workers")).isFalse();
        assertThat(get("/actuator/health/arbor/orders", 200).path("details").path("state").asText())
                .isEqualTo("RUNNING");

        // the binder finds the trees once the lifecycle has started them: poll (bounded) for the next snapshot
        String starts = "/actuator/metrics/arbor.supervisor.starts?tag=supervisor:orders/workers";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode meter = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + starts))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && JSON.readTree(r.body()).path("measurements").path(0).path("value").asDouble() == 1.0) {
                meter = JSON.readTree(r.body());
                break;
            }
            Thread.sleep(50);
        }
        assertThat(meter).as("arbor.supervisor.starts for orders/workers within 10 s").isNotNull();
        assertThat(meter.path("baseUnit").asText()).isEqualTo("starts");
        JsonNode names = get("/actuator/metrics", 200).path("names");
        assertThat(names.toString()).contains("\"arbor.supervisor.children\"", "\"arbor.supervisors\"")
                .doesNotContain("\"arbor.supervisor.failures\"");   // no failure yet: no failure counter
    }
}
