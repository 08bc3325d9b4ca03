package dev.arbor.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that the test's supervisor is meant to terminate (a {@link dev.arbor.TerminateTreeException},
 * a fatal JVM error, a restart-intensity limit): after the test, {@link ArborExtension} then requires
 * {@link dev.arbor.Supervisor#terminationCause()} to hold a {@link #value()}, and fails the test when the
 * supervisor did not terminate, or terminated with something else.
 *
 * <p>On a test method it applies to that test; on a test class to each of its tests, nested classes
 * included. The annotation nearest the test wins (the method's, then its class's, then the enclosing
 * classes' outwards).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ExpectTermination {
    /**
     * The type the termination cause must be an instance of.
     *
     * @return the expected cause type; {@code Throwable.class} accepts any cause
     */
    Class<? extends Throwable> value() default Throwable.class;
}
