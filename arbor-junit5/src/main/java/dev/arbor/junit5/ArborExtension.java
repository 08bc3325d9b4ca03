package dev.arbor.junit5;

import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A JUnit Jupiter extension that gives each test a supervisor on a {@link ManualClock}, and stops and
 * checks it when the test is over.
 *
 * <p><b>Parameters</b>: a test method, or a {@code @BeforeEach}/{@code @AfterEach} method, may declare
 * any of {@link ManualClock}, {@link Supervisor} and {@link EventRecorder}; within one test they are
 * always the same three objects, and every test gets new ones. The supervisor is built (named
 * {@code "root"} unless {@link #named} says otherwise, with {@link #configure} applied) on that clock,
 * with the recorder as its listener, and is <em>not started</em>: the test adds children and calls
 * {@code start()}. Constructors and {@code @BeforeAll} methods cannot receive them (a
 * {@link ParameterResolutionException} says so). A test that declares none of them costs nothing.
 *
 * <p><b>After each test</b> (after its {@code @AfterEach} methods), the extension stops the supervisor.
 * {@code stop()} waits for shutdown timeouts on the ManualClock, so the extension advances the clock
 * itself while the stop waits: once the children asked to stop have had {@link #shutdownGrace} of real
 * time to end, it moves the clock past their shutdown timeouts, so a child that ignores its stop
 * request is abandoned and the stop returns; the whole stop is bounded by {@link #stopTimeout} of real
 * time. The test then fails with an
 * {@link org.opentest4j.AssertionFailedError} when
 * <ul>
 *   <li><b>the stop was not clean</b>: the message names each service left running, its supervisor
 *       path, and the thread left behind (named {@code "<supervisor>/<service>"}, as the default thread
 *       factory names it);</li>
 *   <li><b>the supervisor terminated unexpectedly</b> ({@link Supervisor#terminationCause()} is present,
 *       the test has no {@link ExpectTermination}, and {@link #failOnTermination} is true, the
 *       default); the cause is the failure's cause;</li>
 *   <li><b>a termination was expected</b> with {@link ExpectTermination} and did not happen, or had a
 *       cause of another type;</li>
 *   <li><b>the stop did not return</b> within the real-time bound (a bug in the supervisor or a
 *       listener, never a child: children are abandoned at their timeouts).</li>
 * </ul>
 * Each message ends with the events recorded. When the test itself already failed, JUnit adds this
 * failure to it as a suppressed exception.
 *
 * <p><b>Registration</b>: {@code @ExtendWith(ArborExtension.class)} uses the defaults;
 * {@code @RegisterExtension static final ArborExtension arbor = ArborExtension.create().configure(..)}
 * customizes. Register one ArborExtension per test (two instances would compete for the parameters).
 * {@code @Nested} classes inherit the registration of their enclosing classes.
 *
 * <p><b>Thread-safety</b>: an ArborExtension is immutable (each {@code with}-style method returns a new
 * one), and all per-test state lives in that test's {@link ExtensionContext}, so it is safe under JUnit's
 * parallel execution, also as a {@code static} field shared by concurrently running tests. The customizer
 * given to {@link #configure} is then called from several threads and must be thread-safe (a stateless
 * lambda is).
 */
public final class ArborExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ArborExtension.class);
    private static final Set<Class<?>> INJECTABLE = Set.of(ManualClock.class, Supervisor.class, EventRecorder.class);
    private static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofMillis(500);

    private final String name;
    private final Consumer<? super Supervisor.Builder> customizer;
    private final Duration awaitTimeout;
    private final Duration stopTimeout;
    private final Duration shutdownGrace;
    private final boolean failOnTermination;

    /**
     * The extension with its defaults: a supervisor named {@code "root"} with the builder's defaults,
     * await and stop bounded by 10 s of real time, unexpected terminations failing the test. This is
     * the constructor {@code @ExtendWith} uses.
     */
    public ArborExtension() {
        this("root", builder -> { }, DEFAULT_AWAIT_TIMEOUT, DEFAULT_STOP_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, true);
    }

    private ArborExtension(String name, Consumer<? super Supervisor.Builder> customizer, Duration awaitTimeout,
                           Duration stopTimeout, Duration shutdownGrace, boolean failOnTermination) {
        this.name = name;
        this.customizer = customizer;
        this.awaitTimeout = awaitTimeout;
        this.stopTimeout = stopTimeout;
        this.shutdownGrace = shutdownGrace;
        this.failOnTermination = failOnTermination;
    }

    /**
     * The extension with its defaults, to customize for {@code @RegisterExtension}.
     *
     * @return a new extension, as {@link #ArborExtension()} makes it
     */
    public static ArborExtension create() {
        return new ArborExtension();
    }

    /**
     * Names each test's supervisor.
     *
     * @param supervisorName the supervisor's name (also the prefix of its children's thread names)
     * @return a copy of this extension with that name
     * @throws NullPointerException     if supervisorName is null
     * @throws IllegalArgumentException if supervisorName is blank
     */
    public ArborExtension named(String supervisorName) {
        Objects.requireNonNull(supervisorName, "supervisorName must not be null");
        if (supervisorName.isBlank()) {
            throw new IllegalArgumentException("supervisorName must not be blank, was \"" + supervisorName + "\"");
        }
        return new ArborExtension(supervisorName, customizer, awaitTimeout, stopTimeout, shutdownGrace, failOnTermination);
    }

    /**
     * Adds a step that configures each test's supervisor builder (strategy, thresholds, timeouts...),
     * run after the steps added before it. The builder's clock and listener are set after every step:
     * they are the extension's ManualClock and EventRecorder whatever a step sets.
     *
     * @param step what to do to the builder, e.g. {@code b -> b.strategy(Strategy.ONE_FOR_ALL)}
     * @return a copy of this extension with the step added
     * @throws NullPointerException if step is null
     */
    public ArborExtension configure(Consumer<? super Supervisor.Builder> step) {
        Objects.requireNonNull(step, "step must not be null");
        Consumer<? super Supervisor.Builder> previous = customizer;
        Consumer<Supervisor.Builder> both = builder -> {
            previous.accept(builder);
            step.accept(builder);
        };
        return new ArborExtension(name, both, awaitTimeout, stopTimeout, shutdownGrace, failOnTermination);
    }

    /**
     * Bounds, in real time, how long {@link EventRecorder#await} waits for an event. Default 10 s.
     *
     * @param timeout the bound; zero checks the events already delivered without waiting
     * @return a copy of this extension with that bound
     * @throws NullPointerException     if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public ArborExtension awaitTimeout(Duration timeout) {
        return new ArborExtension(name, customizer, nonNegative(timeout, "awaitTimeout"), stopTimeout,
                shutdownGrace, failOnTermination);
    }

    /**
     * Bounds, in real time, how long the stop after each test may take while the extension advances the
     * clock; past it the test fails. Default 10 s. The supervisor's shutdown timeouts are on the
     * ManualClock and take no real time.
     *
     * @param timeout the bound
     * @return a copy of this extension with that bound
     * @throws NullPointerException     if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public ArborExtension stopTimeout(Duration timeout) {
        return new ArborExtension(name, customizer, awaitTimeout, nonNegative(timeout, "stopTimeout"),
                shutdownGrace, failOnTermination);
    }

    /**
     * How long, in real time, the children asked to stop after a test may take to react before the
     * extension advances the ManualClock past their shutdown timeouts. Default 500 ms. The wait ends as
     * soon as the stop returns, so it costs time only when a child does not stop (the test then fails
     * anyway); it restarts whenever an event shows the tree making progress. Too short a grace reports
     * a child that was slow to be scheduled as one that ignored its stop.
     *
     * @param grace the real time children get to end, per round of stop requests
     * @return a copy of this extension with that grace
     * @throws NullPointerException     if grace is null
     * @throws IllegalArgumentException if grace is negative
     */
    public ArborExtension shutdownGrace(Duration grace) {
        return new ArborExtension(name, customizer, awaitTimeout, stopTimeout, nonNegative(grace, "shutdownGrace"),
                failOnTermination);
    }

    /**
     * Whether a test fails when its supervisor terminated (a {@link Supervisor#terminationCause()} is
     * present) and the test has no {@link ExpectTermination}. Default true.
     *
     * @param yes false to let tests end with a terminated supervisor without declaring it
     * @return a copy of this extension with that choice
     */
    public ArborExtension failOnTermination(boolean yes) {
        return new ArborExtension(name, customizer, awaitTimeout, stopTimeout, shutdownGrace, yes);
    }

    /**
     * Whether the parameter is one this extension injects.
     *
     * @throws ParameterResolutionException if it is one of those types, declared where there is no test
     *                                      to own it (a constructor, a {@code @BeforeAll} method)
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (!INJECTABLE.contains(type)) {
            return false;
        }
        if (!(parameter.getDeclaringExecutable() instanceof Method) || context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("ArborExtension injects " + type.getSimpleName()
                    + " only into test methods and @BeforeEach/@AfterEach methods, where a test owns it; not into "
                    + parameter.getDeclaringExecutable());
        }
        return true;
    }

    /** The test's clock, supervisor or recorder, created with the other two on first use. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestTree tree = context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context), k -> new TestTree(this),
                TestTree.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == ManualClock.class) {
            return tree.clock;
        }
        return type == Supervisor.class ? tree.supervisor : tree.events;
    }

    /**
     * Stops the test's supervisor, if the test used one, and fails the test as the class
     * documentation says.
     *
     * @throws org.opentest4j.AssertionFailedError naming what the test left behind
     * @throws InterruptedException                if the test thread is interrupted while stopping
     */
    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        TestTree tree = context.getStore(NAMESPACE).remove(key(context), TestTree.class);
        if (tree != null) {
            tree.finish(expectedTermination(context));
        }
    }

    /** A key of the test's own: a store lookup also sees the enclosing contexts' values. */
    private static String key(ExtensionContext context) {
        return "tree:" + context.getUniqueId();
    }

    /** The ExpectTermination nearest the test: on the method, then its class, then enclosing classes. */
    private static Optional<ExpectTermination> expectedTermination(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<ExpectTermination> found = c.get().getElement()
                    .flatMap(element -> AnnotationSupport.findAnnotation(element, ExpectTermination.class));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Duration nonNegative(Duration timeout, String what) {
        Objects.requireNonNull(timeout, what + " must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(what + " must be >= 0, was " + timeout);
        }
        return timeout;
    }

    String nameValue() {
        return name;
    }

    Consumer<? super Supervisor.Builder> customizer() {
        return customizer;
    }

    Duration awaitTimeoutValue() {
        return awaitTimeout;
    }

    Duration stopTimeoutValue() {
        return stopTimeout;
    }

    Duration shutdownGraceValue() {
        return shutdownGrace;
    }

    boolean failOnTerminationValue() {
        return failOnTermination;
    }
}
