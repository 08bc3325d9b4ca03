package dev.arbor.observer;

import dev.arbor.Supervisor;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Observer.Builder}: every bad argument is refused at once with a message naming it. */
class ObserverBuilderTest {
    private final Supervisor root = Supervisor.create("root");

    @Test
    void badArgumentsAreNamedWithTheirValue() {
        Observer.Builder b = Observer.builder(root);
        assertThatThrownBy(() -> Observer.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("root must not be null");
        assertThatThrownBy(() -> b.port(-1)).hasMessage("port must be in 0..65535, was -1");
        assertThatThrownBy(() -> b.port(65_536)).hasMessage("port must be in 0..65535, was 65536");
        assertThatThrownBy(() -> b.bindAddress(null)).hasMessage("bindAddress must not be null");
        assertThatThrownBy(() -> b.interval(null)).hasMessage("interval must not be null");
        assertThatThrownBy(() -> b.interval(Duration.ofMillis(9))).hasMessage("interval must be in 10ms..1m, was PT0.009S");
        assertThatThrownBy(() -> b.interval(Duration.ofSeconds(61))).hasMessage("interval must be in 10ms..1m, was PT1M1S");
        assertThatThrownBy(() -> b.historySize(1)).hasMessage("historySize must be in 2..3600, was 1");
        assertThatThrownBy(() -> b.maxClients(0)).hasMessage("maxClients must be in 1..1024, was 0");
        assertThatThrownBy(() -> b.maxClients(1025)).hasMessage("maxClients must be in 1..1024, was 1025");
    }

    @Test
    void aPortInUseIsReportedWithTheAddressAndPort() {
        try (Observer first = Observer.builder(root).start()) {
            int port = first.url().getPort();
            assertThatThrownBy(() -> Observer.builder(root).port(port).start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("arbor-observer cannot listen on 127.0.0.1:" + port + ": ");
        }
    }

    @Test
    void aNewSupervisorCanBeWatchedAndAWildcardBindingShowsTheLoopbackUrl() throws Exception {
        try (Observer observer = Observer.builder(root).bindAddress(InetAddress.getByName("0.0.0.0")).start()) {
            assertThat(observer.url().getHost()).isEqualTo("127.0.0.1");
        }
    }
}
