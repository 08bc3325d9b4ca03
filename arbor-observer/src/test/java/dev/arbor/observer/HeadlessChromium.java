package dev.arbor.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, driven through chromedriver's W3C WebDriver HTTP protocol with
 * {@code java.net.http} (no Selenium): start a driver and a browser session, open a URL, run a
 * script in the page, take a screenshot. {@link #close()} ends the session, the browser and the
 * driver, and deletes the browser's fresh profile.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ARBOR_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("ARBOR_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    /** The flags that run Chromium headless as root in a container, offline and quiet. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1280,860", "--force-device-scale-factor=1",
            "--hide-scrollbars", "--lang=en-US");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final Path profile;
    private final URI base;
    private String session;

    /**
     * Why the browser test cannot run here, or empty if it can. When the browser is missing it
     * first runs {@code scripts/install-chromium.sh}, so that {@code ./mvnj verify} on a fresh
     * machine runs the test rather than skipping it (the script installs only as root with apt-get,
     * and says why not otherwise).
     */
    static synchronized Optional<String> unavailable() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            tryToInstall();
        }
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return Optional.of("headless Chromium not found (" + CHROMIUM + ", " + CHROMEDRIVER + "); install it with "
                    + "scripts/install-chromium.sh (as root: apt-get install chromium chromium-driver)");
        }
        return Optional.empty();
    }

    private static boolean installTried;

    private static void tryToInstall() {
        Path script = Path.of("..", "scripts", "install-chromium.sh").toAbsolutePath().normalize();
        if (installTried || !Files.isRegularFile(script) || System.getenv("ARBOR_CHROMIUM") != null) {
            return;
        }
        installTried = true;
        try {
            Process install = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            if (!install.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
                install.destroyForcibly();
            }
        } catch (IOException e) {
            System.err.println("could not run " + script + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    HeadlessChromium(Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        profile = Files.createTempDirectory("arbor-observer-chromium-");
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port + "/");
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve("chromedriver.log").toFile())
                .start();
        try {
            awaitReady();
            newSession();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Opens the URL and returns when the page has loaded. */
    void open(URI url) throws IOException, InterruptedException {
        call("POST", "url", json.createObjectNode().put("url", url.toString()));
    }

    /** Runs a function body in the page ({@code arguments[i]} are the args) and returns its value. */
    JsonNode script(String body, Object... args) throws IOException, InterruptedException {
        ObjectNode request = json.createObjectNode().put("script", body);
        ArrayNode list = request.putArray("args");
        for (Object arg : args) {
            list.addPOJO(arg);
        }
        return call("POST", "execute/sync", request);
    }

    /** Saves a PNG of the whole page: first makes the window as tall as the page. */
    void screenshot(Path file) throws IOException, InterruptedException {
        JsonNode size = script("return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];");
        int height = Math.min(4000, size.get(0).asInt() + Math.max(0, size.get(1).asInt()));
        call("POST", "window/rect", json.createObjectNode().put("width", 1280).put("height", height));
        String png = call("GET", "screenshot", null).asText();
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                send("DELETE", base.resolve("session/" + session), null);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the driver is destroyed below either way
        } finally {
            session = null;
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroy();
            try {
                if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            http.shutdownNow();
            deleteProfile();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                JsonNode status = send("GET", base.resolve("status"), null);
                if (status.path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!driver.isAlive()) {
                throw new IOException("chromedriver exited with " + driver.exitValue() + "; see chromedriver.log");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("chromedriver not ready within 15 s");
            }
            Thread.sleep(20);
        }
    }

    private void newSession() throws IOException, InterruptedException {
        ObjectNode request = json.createObjectNode();
        ObjectNode always = request.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode options = always.putObject("goog:chromeOptions");
        options.put("binary", CHROMIUM.toString());
        ArrayNode args = options.putArray("args");
        FLAGS.forEach(args::add);
        args.add("--user-data-dir=" + profile);
        JsonNode answer = send("POST", base.resolve("session"), request);
        JsonNode id = answer.path("value").path("sessionId");
        if (id.isMissingNode()) {
            throw new IOException("chromedriver did not start a session: " + answer);
        }
        session = id.asText();
    }

    private JsonNode call(String method, String command, JsonNode body) throws IOException, InterruptedException {
        return send(method, base.resolve("session/" + session + "/" + command), body).path("value");
    }

    private JsonNode send(String method, URI uri, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, publisher).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = json.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + uri.getPath() + " answered " + response.statusCode()
                    + ": " + answer.path("value").path("message").asText(response.body()));
        }
        return answer;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void deleteProfile() {
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
