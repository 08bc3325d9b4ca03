package dev.arbor.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --observe}: parsed apart from the other flags, and a view of the demo's tree while it runs. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ObserveFlagTest {
    private static final Pattern URL = Pattern.compile("Observer: (http://127\\.0\\.0\\.1:\\d+/) ");

    @TempDir
    Path dir;

    @Test
    void theFlagStandsAloneOrNamesAPortAndTheOtherArgumentsStayInOrder() throws Exception {
        ObserveFlag.Split split = ObserveFlag.split("--workers", "2", "--observe", "--rate=0");
        assertThat(split.flag()).isEqualTo(new ObserveFlag(OptionalInt.of(0)));
        assertThat(split.rest()).containsExactly("--workers", "2", "--rate=0");
        assertThat(ObserveFlag.split("--observe=8086").flag().port()).hasValue(8086);
        assertThat(ObserveFlag.split("--workers", "2").flag()).isEqualTo(ObserveFlag.OFF);
        assertThatThrownBy(() -> ObserveFlag.split("--observe=web")).isInstanceOf(UsageException.class)
                .hasMessage("--observe expects a port number, got 'web'");
        assertThatThrownBy(() -> ObserveFlag.split("--observe=70000")).isInstanceOf(UsageException.class)
                .hasMessage("--observe port must be in 0..65535, was 70000");
        assertThat(DemoOptions.USAGE).contains("--observe[=PORT]");
    }

    @Test
    void theDemoPrintsTheUrlAndServesTheTreeUntilItEnds() throws Exception {
        DemoOptions options = DemoOptions.parse("--messages", "300", "--rate", "150", "--work", "0",
                "--progress", "off", "--dead-letter", dir.resolve("dead.jsonl").toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompletableFuture<DemoSummary> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new QueueDemo(options, out, 0, new ObserveFlag(OptionalInt.of(0))).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        URI url = awaitUrl(bytes, run);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url.resolve("snapshot.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode root = new ObjectMapper().readTree(answer.body()).get("root");
            assertThat(root.get("name").asText()).isEqualTo(QueueDemo.ROOT);
            assertThat(root.get("children").get(0).get("name").asText()).isEqualTo(QueueDemo.WORKERS);
        }

        assertThat(run.get(90, TimeUnit.SECONDS).exitCode()).isZero();
        assertThatThrownBy(() -> new Socket(url.getHost(), url.getPort()).close())
                .as("the view ends with the demo").isInstanceOf(ConnectException.class);
    }

    private static URI awaitUrl(ByteArrayOutputStream bytes, CompletableFuture<?> run) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0 && !run.isDone()) {
            Matcher m = URL.matcher(bytes.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no Observer URL printed; output: " + bytes.toString(StandardCharsets.UTF_8));
    }
}
