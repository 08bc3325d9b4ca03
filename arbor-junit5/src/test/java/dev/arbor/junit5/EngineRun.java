package dev.arbor.junit5;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs a sample test class on the Jupiter engine and tells, per test method, how it ended. */
final class EngineRun {
    private final Map<String, TestExecutionResult> results = new TreeMap<>();
    private final List<Throwable> containerFailures;

    private EngineRun(EngineExecutionResults engine) {
        containerFailures = engine.containerEvents().failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .toList();
        for (Event finished : engine.testEvents().finished().list()) {
            String method = finished.getTestDescriptor().getSource()
                    .filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(MethodSource::getMethodName).orElseThrow();
            results.put(method, finished.getRequiredPayload(TestExecutionResult.class));
        }
    }

    static EngineRun of(Class<?> sample) {
        return new EngineRun(EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute());
    }

    /** Runs the sample's tests concurrently, four at a time. */
    static EngineRun inParallel(Class<?> sample) {
        return new EngineRun(EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute());
    }

    /** Every test method that finished, by name, with how it ended. */
    Map<String, TestExecutionResult.Status> statuses() {
        Map<String, TestExecutionResult.Status> statuses = new TreeMap<>();
        results.forEach((method, result) -> statuses.put(method, result.getStatus()));
        return statuses;
    }

    /** What the test classes (not their tests) failed with, e.g. in a @BeforeAll method. */
    List<Throwable> containerFailures() {
        return containerFailures;
    }

    /** What the named test failed with; empty if it did not fail. */
    Optional<Throwable> failure(String method) {
        TestExecutionResult result = results.get(method);
        if (result == null) {
            throw new AssertionError("no test named " + method + " finished; finished: " + results.keySet());
        }
        return result.getThrowable();
    }

    /** What the named test failed with, which it must have. */
    Throwable requiredFailure(String method) {
        return failure(method).orElseThrow(() -> new AssertionError(method + " did not fail"));
    }
}
