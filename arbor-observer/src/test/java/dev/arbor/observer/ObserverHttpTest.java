package dev.arbor.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorEvent;
import dev.arbor.SupervisorState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The observer's HTTP side, with a real tree, a real server and real clients ({@code java.net.http},
 * and plain sockets where a client must misbehave): what each URL answers, the stream's frames and
 * how fast a restart reaches them, the bound on open streams, the Host check, and that neither a
 * client that hangs up nor {@link Observer#close()} leaves a thread behind.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ObserverHttpTest {
    private static final Consumer<SupervisorEvent> QUIET = e -> { };

    private final ObjectMapper jackson = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Crasher api = new Crasher();
    private final Crasher worker = new Crasher();
    private final List<Observer> observers = new ArrayList<>();
    private Supervisor root;

    @BeforeEach
    void startTree() {
        Supervisor pool = Supervisor.builder("pool").onEvent(QUIET).build();
        pool.add("worker-1", worker);
        root = Supervisor.builder("app").onEvent(QUIET).build();
        root.add("api", api);
        root.add("pool", pool);
        root.start();
        Await.until("both running", () -> api.runs() == 1 && worker.runs() == 1);
    }

    @AfterEach
    void stop() throws InterruptedException {
        observers.forEach(Observer::close);
        http.shutdownNow();
        if (root.state() != SupervisorState.NEW) {
            root.stop();
        }
    }

    private Observer start(Observer.Builder builder) {
        Observer observer = builder.start();
        observers.add(observer);
        return observer;
    }

    private HttpResponse<String> get(URI url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itListensOnLoopbackAtAnEphemeralPortByDefault() {
        Observer observer = start(Observer.builder(root));
        assertThat(observer.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
        assertThat(observer.url().getPort()).isPositive();
        assertThat(observer).hasToString("Observer[" + observer.url() + "]");
    }

    @Test
    void thePageItsStyleAndItsScriptAreServedUnderAPolicyWithoutInlineScript() throws Exception {
        Observer observer = start(Observer.builder(root));
        HttpResponse<String> page = get(observer.url());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'")
                        .doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).contains("<script src=\"observer.js\" defer></script>")
                .doesNotContain("<script>").doesNotContainIgnoringCase("http://", "https://");

        HttpResponse<String> script = get(observer.url().resolve("observer.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("new EventSource('events')").doesNotContain("innerHTML");
        HttpResponse<String> style = get(observer.url().resolve("observer.css"));
        assertThat(style.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
        assertThat(style.body()).doesNotContain("@import", "url(");
    }

    @Test
    void snapshotJsonIsTheNewestFrameOfTheWholeTree() throws Exception {
        Observer observer = start(Observer.builder(root));
        HttpResponse<String> answer = get(observer.url().resolve("snapshot.json"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        JsonNode frame = jackson.readTree(answer.body());
        assertThat(frame.get("intervalMillis").asInt()).isEqualTo(500);
        assertThat(frame.get("historySize").asInt()).isEqualTo(60);
        JsonNode app = frame.get("root");
        assertThat(app.get("name").asText()).isEqualTo("app");
        assertThat(app.get("status").asText()).isEqualTo("UP");
        assertThat(app.get("children").findValuesAsText("name")).containsExactly("api", "pool", "pool", "worker-1");
    }

    @Test
    void theStreamSendsTheNewestFrameAtOnceAndARestartWithinASecond() throws Exception {
        Observer observer = start(Observer.builder(root));   // the default interval, 500 ms
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(observer.url().resolve("events"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream; charset=utf-8");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("retry: 2000");
            assertThat(restartsOfWorker(nextFrame(lines))).isZero();

            long crashedAt = System.nanoTime();
            worker.crash("disk full");
            JsonNode frame;
            do {
                frame = nextFrame(lines);
                assertThat(Duration.ofNanos(System.nanoTime() - crashedAt)).isLessThan(Duration.ofSeconds(1));
            } while (restartsOfWorker(frame) == 0);
            assertThat(restartsOfWorker(frame)).isEqualTo(1);
            JsonNode row = frame.get("root").get("children").get(1).get("supervisor").get("children").get(0);
            assertThat(row.get("lastFailure").get("message").asText()).isEqualTo("disk full");
        }
    }

    @Test
    void aClientThatHangsUpFreesItsStreamAndThread() throws Exception {
        Observer observer = start(Observer.builder(root).interval(Duration.ofMillis(20)).maxClients(1));
        for (int i = 0; i < 20; i++) {
            try (RawClient client = new RawClient(observer.url(), "/events", RawClient.hostOf(observer.url()))) {
                assertThat(client.status()).isEqualTo(200);
                client.nextSnapshot();
                assertThat(observer.openStreams()).isEqualTo(1);
            }
            // With one slot, the next round can only stream once this stream's thread has ended.
            Await.until("the stream of a client that hung up ends", () -> observer.openStreams() == 0);
        }
    }

    @Test
    void streamsBeyondMaxClientsAreRefusedUntilOneCloses() throws Exception {
        Observer observer = start(Observer.builder(root).interval(Duration.ofMillis(20)).maxClients(2));
        String host = RawClient.hostOf(observer.url());
        try (RawClient first = new RawClient(observer.url(), "/events", host);
             RawClient second = new RawClient(observer.url(), "/events", host)) {
            first.nextSnapshot();
            second.nextSnapshot();
            try (RawClient third = new RawClient(observer.url(), "/events", host)) {
                assertThat(third.status()).isEqualTo(503);
            }
            assertThat(get(observer.url().resolve("snapshot.json")).statusCode()).isEqualTo(200);   // pages still load
            first.close();
            Await.until("a slot is free", () -> observer.openStreams() == 1);
            try (RawClient again = new RawClient(observer.url(), "/events", host)) {
                assertThat(again.status()).isEqualTo(200);
                assertThat(jackson.readTree(again.nextSnapshot()).get("root").get("name").asText()).isEqualTo("app");
            }
        }
    }

    @Test
    void aRequestForAnotherHostIsRefusedSoThatDnsRebindingReadsNothing() throws Exception {
        Observer observer = start(Observer.builder(root));
        int port = observer.url().getPort();
        for (String host : List.of("attacker.test:" + port, "127.0.0.1:" + (port == 1 ? 2 : port - 1), "127.0.0.1")) {
            try (RawClient client = new RawClient(observer.url(), "/snapshot.json", host)) {
                assertThat(client.status()).as(host).isEqualTo(403);
            }
        }
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port)) {
            try (RawClient client = new RawClient(observer.url(), "/snapshot.json", host)) {
                assertThat(client.status()).as(host).isEqualTo(200);
            }
        }
    }

    @Test
    void itIsReadOnlyAndAnswers404ForAnythingElse() throws Exception {
        Observer observer = start(Observer.builder(root));
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(observer.url())
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(method).isEqualTo(405);
            assertThat(answer.headers().firstValue("Allow")).contains("GET");
        }
        assertThat(get(observer.url().resolve("admin")).statusCode()).isEqualTo(404);
        assertThat(get(observer.url().resolve("observer.js/..%2f..%2fetc")).statusCode()).isEqualTo(404);
    }

    @Test
    void closeEndsTheStreamsAndEveryThreadAndFreesThePort() throws Exception {
        Observer observer = start(Observer.builder(root).interval(Duration.ofMillis(20)));
        try (RawClient client = new RawClient(observer.url(), "/events", RawClient.hostOf(observer.url()))) {
            client.nextSnapshot();
            observer.close();
            assertThat(observer.threadsEnded()).isTrue();
            assertThat(observer.openStreams()).isZero();
            assertThatThrownBy(() -> {
                while (true) {
                    client.nextSnapshot();   // what was already sent, then the end
                }
            }).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> new Socket(observer.url().getHost(), observer.url().getPort()).close())
                .isInstanceOf(ConnectException.class);
        observer.close();   // idempotent
        assertThat(observer).hasToString("Observer[" + observer.url() + ", closed]");
        assertThat(root.state()).isEqualTo(SupervisorState.RUNNING);   // the tree is none of its business
    }

    private static JsonNode nextFrame(BufferedReader lines) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data: ")) {
                return new ObjectMapper().readTree(line.substring("data: ".length()));
            }
        }
        throw new IOException("the stream ended");
    }

    private static int restartsOfWorker(JsonNode frame) {
        return frame.get("root").get("children").get(1).get("supervisor").get("children").get(0).get("restarts")
                .asInt();
    }
}
