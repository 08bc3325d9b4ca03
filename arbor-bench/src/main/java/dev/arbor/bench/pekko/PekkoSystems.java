package dev.arbor.bench.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** What the Pekko workloads share: an actor system with logging off, and the supervisor strategy. */
final class PekkoSystems {
    private PekkoSystems() {}

    /** Every log line is discarded, as in every system of the harness; the rest is Pekko's defaults. */
    static final Config CONFIG = ConfigFactory.parseString("""
            pekko.loglevel = OFF
            pekko.stdout-loglevel = OFF
            pekko.log-dead-letters = off
            pekko.log-dead-letters-during-shutdown = off
            pekko.jvm-exit-on-fatal-error = off
            """).withFallback(ConfigFactory.defaultReference());

    static <T> ActorSystem<T> create(Behavior<T> guardian, String name) {
        return ActorSystem.create(guardian, name, CONFIG);
    }

    /**
     * Pekko's plain restart strategy: unlimited restarts, no back-off (its default parameters), with the
     * failure log turned off.
     */
    static <T> Behavior<T> supervised(Behavior<T> child) {
        return Behaviors.supervise(child).onFailure(SupervisorStrategy.restart().withLoggingEnabled(false));
    }

    static void terminate(ActorSystem<?> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static final Duration WAIT = Duration.ofSeconds(120);
}
