/**
 * Arbor's JUnit 5 test kit: {@link dev.arbor.junit5.ArborExtension} gives each test a supervisor on
 * a {@link dev.arbor.testing.ManualClock}, an {@link dev.arbor.junit5.EventRecorder} to await its
 * events, and stops and checks the supervisor after the test.
 */
module dev.arbor.junit5 {
    requires transitive dev.arbor;
    requires transitive org.junit.jupiter.api;

    exports dev.arbor.junit5;
}
