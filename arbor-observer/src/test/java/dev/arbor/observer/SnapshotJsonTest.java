package dev.arbor.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.ChildHealth;
import dev.arbor.ChildState;
import dev.arbor.HealthStatus;
import dev.arbor.Restart;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorState;
import dev.arbor.SupervisorTotals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SnapshotJson}: a hand-built snapshot becomes the frame the page reads, every field in
 * place, paths by the names children were added under, failures as type, message and top frame,
 * and a long message cut without splitting a character.
 */
class SnapshotJsonTest {
    private final ObjectMapper jackson = new ObjectMapper();

    @Test
    void aFrameCarriesTheWholeTreeWithHistoriesAndFailures() throws Exception {
        IllegalStateException boom = new IllegalStateException("bad <payload> \"42\"\nsecond line");
        ChildHealth worker = new ChildHealth("worker-1", ChildState.WAITING, Restart.TRANSIENT, 3, Optional.of(boom),
                Optional.empty());
        SupervisorHealth pool = new SupervisorHealth("pool", SupervisorState.BACKOFF, HealthStatus.DEGRADED, 2.345678,
                2, Optional.of(Duration.ofMillis(1500)), Optional.empty(),
                new SupervisorTotals(7, 4, Map.of("java.lang.IllegalStateException", 3L, "returned", 1L), 1, 2, 0, 1, 0),
                List.of(worker));
        SupervisorHealth root = new SupervisorHealth("root", SupervisorState.RUNNING, HealthStatus.DEGRADED, 0, 5,
                Optional.empty(), Optional.empty(), new SupervisorTotals(1, 0, Map.of(), 0, 0, 0, 0, 0),
                List.of(new ChildHealth("workers", ChildState.BACKOFF, Restart.PERMANENT, 0, Optional.empty(),
                        Optional.of(pool))));

        String frame = SnapshotJson.frame(12, 1_700_000_000_000L, Duration.ofMillis(500), 60, root,
                path -> path.equals(List.of("root", "workers")) ? new long[] {0, 2, 1} : new long[0]);
        assertThat(frame).doesNotContain("\n", "<");
        JsonNode json = jackson.readTree(frame);

        assertThat(json.get("seq").asLong()).isEqualTo(12);
        assertThat(json.get("observedAtMillis").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(json.get("intervalMillis").asInt()).isEqualTo(500);
        assertThat(json.get("historySize").asInt()).isEqualTo(60);
        JsonNode r = json.get("root");
        assertThat(r.get("name").asText()).isEqualTo("root");
        assertThat(r.get("path").toString()).isEqualTo("[\"root\"]");
        assertThat(r.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(r.get("backoffRemainingMillis").isNull()).isTrue();
        assertThat(r.get("terminationCause").isNull()).isTrue();
        assertThat(r.get("startsHistory")).isEmpty();

        JsonNode child = r.get("children").get(0);
        assertThat(child.get("name").asText()).isEqualTo("workers");
        assertThat(child.get("state").asText()).isEqualTo("BACKOFF");
        JsonNode p = child.get("supervisor");
        assertThat(p.get("name").asText()).isEqualTo("pool");
        assertThat(p.get("path").toString()).isEqualTo("[\"root\",\"workers\"]");
        assertThat(p.get("state").asText()).isEqualTo("BACKOFF");
        assertThat(p.get("failures").asDouble()).isEqualTo(2.346);
        assertThat(p.get("failureThreshold").asDouble()).isEqualTo(2.0);
        assertThat(p.get("backoffRemainingMillis").asLong()).isEqualTo(1500);
        assertThat(p.get("startsHistory").toString()).isEqualTo("[0,2,1]");
        JsonNode totals = p.get("totals");
        assertThat(totals.get("starts").asLong()).isEqualTo(7);
        assertThat(totals.get("failures").asLong()).isEqualTo(4);
        assertThat(totals.get("failuresByCause").get("java.lang.IllegalStateException").asLong()).isEqualTo(3);
        assertThat(totals.get("failuresByCause").get("returned").asLong()).isEqualTo(1);
        assertThat(totals.get("stops").asLong()).isEqualTo(2);
        assertThat(totals.get("backoffs").asLong()).isEqualTo(1);

        JsonNode w = p.get("children").get(0);
        assertThat(w.get("path").toString()).isEqualTo("[\"root\",\"workers\",\"worker-1\"]");
        assertThat(w.get("state").asText()).isEqualTo("WAITING");
        assertThat(w.get("restart").asText()).isEqualTo("TRANSIENT");
        assertThat(w.get("restarts").asInt()).isEqualTo(3);
        assertThat(w.get("supervisor").isNull()).isTrue();
        JsonNode failure = w.get("lastFailure");
        assertThat(failure.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failure.get("message").asText()).isEqualTo(boom.getMessage());
        assertThat(failure.get("at").asText()).isEqualTo(boom.getStackTrace()[0].toString());
    }

    @Test
    void aTerminatedSupervisorShowsItsCauseAndAMessagelessFailureHasANullMessage() throws Exception {
        SupervisorHealth root = new SupervisorHealth("root", SupervisorState.TERMINATED, HealthStatus.DOWN, 0, 5,
                Optional.empty(), Optional.of(new IllegalStateException()),
                new SupervisorTotals(0, 0, Map.of(), 0, 0, 0, 0, 1), List.of());
        JsonNode cause = jackson.readTree(SnapshotJson.frame(1, 0, Duration.ofSeconds(1), 2, root, p -> new long[0]))
                .get("root").get("terminationCause");
        assertThat(cause.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(cause.get("message").isNull()).isTrue();
    }

    @Test
    void aLongMessageIsCutWithoutSplittingASurrogatePair() {
        String message = "x".repeat(SnapshotJson.MAX_MESSAGE - 2) + "\uD83D\uDE00" + "tail";
        String cut = SnapshotJson.cut(message);
        assertThat(cut).hasSizeLessThanOrEqualTo(SnapshotJson.MAX_MESSAGE).endsWith("x…");
        assertThat(SnapshotJson.cut("short")).isEqualTo("short");
        assertThat(SnapshotJson.cut(null)).isNull();
    }
}
