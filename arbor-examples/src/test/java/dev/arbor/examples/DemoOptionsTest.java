package dev.arbor.examples;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line: defaults, both flag styles, and errors that name the flag. */
class DemoOptionsTest {
    @Test
    void noFlagsGiveTheDefaults() throws UsageException {
        DemoOptions options = DemoOptions.parse();
        assertThat(options).isEqualTo(DemoOptions.defaults());
        assertThat(options.messages()).isEqualTo(3000);
        assertThat(options.workers()).isEqualTo(4);
        assertThat(options.burst()).isEqualTo(40);
        assertThat(options.maxDeliveries()).isEqualTo(3);
        assertThat(options.progress()).isEqualTo(ProgressMode.AUTO);
    }

    @Test
    void parsesEveryFlagInBothStyles() throws UsageException {
        DemoOptions o = DemoOptions.parse("--messages", "2000", "--malformed-share=0.05", "--workers", "8",
                "--burst", "10", "--rate=0", "--work", "0", "--max-deliveries", "5", "--crash-before-ack-share", "0.5",
                "--seed", "-3", "--dead-letter", "out/dead.jsonl", "--failure-threshold", "2.5",
                "--failure-decay", "1.5s", "--failure-backoff", "PT0.1S", "--timeout", "2m", "--progress", "LOG",
                "--broker", "Artemis", "--data-dir=out/data", "--resume");
        assertThat(o).isEqualTo(new DemoOptions(2000, 0.05, 8, 10, 0, Duration.ZERO, 5, 0.5, -3,
                Path.of("out/dead.jsonl"), 2.5, Duration.ofMillis(1500), Duration.ofMillis(100), Duration.ofMinutes(2),
                ProgressMode.LOG, BrokerKind.ARTEMIS, Path.of("out/data"), true, 0, false));
        assertThat(DemoOptions.parse("--broker=rabbitmq").broker()).isEqualTo(BrokerKind.RABBITMQ);
        assertThat(DemoOptions.parse("--broken-worker").brokenWorker()).isTrue();
        assertThat(DemoOptions.parse("--broken-worker").toArgs()).contains("--broken-worker");
        assertThat(DemoOptions.parse("--sigkill-after", "1000").sigkillAfter()).isEqualTo(1000);
    }

    @Test
    void toArgsParsesBackToTheSameOptions() throws UsageException {
        DemoOptions o = DemoOptions.parse("--messages", "500", "--malformed-share", "0.125", "--work", "1.5ms",
                "--rate", "0", "--seed", "7", "--data-dir", "d", "--sigkill-after", "100", "--progress", "off");
        assertThat(DemoOptions.parse(o.toArgs().toArray(String[]::new))).isEqualTo(o);
        DemoOptions resumed = DemoOptions.parse("--resume", "--broker", "artemis");
        assertThat(DemoOptions.parse(resumed.toArgs().toArray(String[]::new))).isEqualTo(resumed);
    }

    @Test
    void theBurstFollowsTheMessageCountUnlessGiven() throws UsageException {
        assertThat(DemoOptions.parse("--messages", "100").burst()).isEqualTo(10);
        assertThat(DemoOptions.parse("--messages", "100000").burst()).isEqualTo(40);
        assertThat(DemoOptions.parse("--messages", "100", "--burst", "0").burst()).isZero();
    }

    @Test
    void aSingleDeliveryIsAllowedWithoutCrashesBeforeAck() throws UsageException {
        assertThat(DemoOptions.parse("--max-deliveries", "1", "--crash-before-ack-share", "0").maxDeliveries())
                .isEqualTo(1);
    }

    @Test
    void theLastOfARepeatedFlagWins() throws UsageException {
        assertThat(DemoOptions.parse("--workers", "2", "--workers", "3").workers()).isEqualTo(3);
    }

    @Test
    void badFlagsAreReportedByName() {
        assertUsage("unknown flag --frobnicate", "--frobnicate", "1");
        assertUsage("unknown flag --x", "--x");
        assertUsage("unknown flag --x", "--workers", "2", "--x");
        assertUsage("unknown flag --x", "--x=1");
        assertUsage("--resume takes no value, got 'yes'", "--resume=yes");
        assertUsage("--broker expects artemis or rabbitmq, got 'kafka'", "--broker", "kafka");
        assertUsage("--data-dir expects a file path, got an empty one", "--data-dir=");
        assertUsage("--sigkill-after must be in 0..messages (100), was 101", "--messages", "100", "--sigkill-after",
                "101");
        assertUsage("--resume and --sigkill-after need --broker artemis", "--broker", "rabbitmq", "--resume");
        assertUsage("--resume and --sigkill-after exclude each other", "--resume", "--sigkill-after", "5");
        assertUsage("unexpected argument 'x' (flags start with --)", "x");
        assertUsage("--workers needs a value", "--workers");
        assertUsage("--workers expects a whole number, got 'many'", "--workers", "many");
        assertUsage("--workers must be in 1..10000, was 0", "--workers", "0");
        assertUsage("--messages must be in 1..10000000, was -5", "--messages=-5");
        assertUsage("--malformed-share must be in [0, 1], was 2.0", "--malformed-share", "2");
        assertUsage("--malformed-share expects a number, got 'NaN'", "--malformed-share", "NaN");
        assertUsage("--burst must be in 0..messages (100), was 200", "--messages", "100", "--burst", "200");
        assertUsage("--failure-backoff expects a duration such as 500ms, 2s or PT0.5S, got 'soon'",
                "--failure-backoff", "soon");
        assertUsage("--failure-decay needs a unit (ms, s or m), got '5'", "--failure-decay", "5");
        assertUsage("--timeout must be > 0, was PT0S", "--timeout", "0");
        assertUsage("--progress expects auto, line, log or off, got 'fancy'", "--progress", "fancy");
        assertUsage("--dead-letter expects a file path, got an empty one", "--dead-letter=");
        assertUsage("--rate must be a finite number >= 0, was Infinity", "--rate", "Infinity");
        assertUsage("--max-deliveries must be >= 2 unless --crash-before-ack-share is 0, was 1",
                "--max-deliveries", "1");
    }

    @Test
    void durationsAcceptTheShortFormsAndIso() throws UsageException {
        assertThat(DemoOptions.parseDuration("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DemoOptions.parseDuration("--x", "0.5ms")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(DemoOptions.parseDuration("--x", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DemoOptions.parseDuration("--x", "1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DemoOptions.parseDuration("--x", "0")).isEqualTo(Duration.ZERO);
        assertThat(DemoOptions.parseDuration("--x", "pt1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> DemoOptions.parseDuration("--x", "PT-1S")).isInstanceOf(UsageException.class)
                .hasMessage("--x must not be negative, got 'PT-1S'");
    }

    @Test
    void helpIsFoundAnywhere() {
        assertThat(DemoOptions.wantsHelp("--workers", "2", "--help")).isTrue();
        assertThat(DemoOptions.wantsHelp("-h")).isTrue();
        assertThat(DemoOptions.wantsHelp("--workers", "2")).isFalse();
        assertThat(DemoOptions.USAGE).contains("--messages", "--malformed-share", "--workers", "--dead-letter");
    }

    @Test
    void theRecordValidatesDirectConstruction() {
        DemoOptions d = DemoOptions.defaults();
        assertThatThrownBy(() -> new DemoOptions(d.messages(), d.malformedShare(), d.workers(), d.burst(), d.rate(),
                d.work(), d.maxDeliveries(), d.crashBeforeAckShare(), d.seed(), null, d.failureThreshold(),
                d.failureDecay(), d.failureBackoff(), d.timeout(), d.progress(), d.broker(), d.dataDir(), false, 0, false))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("--dead-letter");
        assertThatThrownBy(() -> new DemoOptions(d.messages(), d.malformedShare(), d.workers(), d.burst(), d.rate(),
                d.work(), d.maxDeliveries(), d.crashBeforeAckShare(), d.seed(), d.deadLetterFile(), d.failureThreshold(),
                d.failureDecay(), d.failureBackoff(), d.timeout(), d.progress(), d.broker(), null, false, 0, false))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> new DemoOptions(d.messages(), d.malformedShare(), d.workers(), d.burst(), d.rate(),
                Duration.ofMillis(-1), d.maxDeliveries(), d.crashBeforeAckShare(), d.seed(), d.deadLetterFile(),
                d.failureThreshold(), d.failureDecay(), d.failureBackoff(), d.timeout(), d.progress(), d.broker(),
                d.dataDir(), false, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--work must be >= 0, was PT-0.001S");
    }

    private static void assertUsage(String message, String... args) {
        assertThatThrownBy(() -> DemoOptions.parse(args)).isInstanceOf(UsageException.class).hasMessage(message);
    }
}
