package dev.arbor.internal;

import dev.arbor.AutoShutdown;
import dev.arbor.EventListener;
import dev.arbor.Jitter;
import dev.arbor.StopOrder;
import dev.arbor.Strategy;
import dev.arbor.SupervisorClock;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * A supervisor's immutable configuration, made by {@code Supervisor.Builder.build()}, which has
 * validated every value.
 * {@code listener} is null when the builder set none: a child supervisor then inherits its
 * parent's, a root logs. {@code threadFactory} is null for the default (named virtual threads).
 * {@code shutdownDeadline} is null when a shutdown is bounded only by the children's own timeouts.
 * {@code restartWindow} is null when {@code maxRestarts} was not set: no restart intensity.
 */
public record Config(String name,
              Strategy strategy,
              double failureThreshold,
              Duration failureDecay,
              Duration failureBackoff,
              Jitter backoffJitter,
              Duration shutdownTimeout,
              Duration shutdownDeadline,
              StopOrder stopOrder,
              boolean propagateTermination,
              EventListener listener,
              int eventBuffer,
              Duration eventFlushTimeout,
              SupervisorClock clock,
              ThreadFactory threadFactory,
              int maxRestarts,
              Duration restartWindow,
              AutoShutdown autoShutdown) {
}
