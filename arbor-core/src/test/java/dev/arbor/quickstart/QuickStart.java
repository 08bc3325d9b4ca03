package dev.arbor.quickstart;

import dev.arbor.Strategy;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorProcess;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The README's quick start, compiled so that it cannot rot: {@link QuickStartTest} checks that the
 * README shows exactly the region below, and runs this program in a JVM of its own.
 */
public final class QuickStart {
    private static final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

    private QuickStart() {
    }

    // @start region="quick-start"
    public static void main(String[] args) {
        Supervisor root = Supervisor.builder("orders")
                .strategy(Strategy.ONE_FOR_ONE)
                .failureThreshold(5).failureDecay(Duration.ofSeconds(30)).failureBackoff(Duration.ofSeconds(15))
                .build();
        root.add("consumer", ctx -> {
            while (!ctx.isStopping()) handle(queue.take());   // throws on a bad message: restarted
        });
        SupervisorProcess.run(root);   // stays up; SIGTERM or Ctrl-C stops the tree in order, then exits
    }
    // @end

    private static void handle(String message) {
        if (message.isBlank()) {
            throw new IllegalArgumentException("a blank message");
        }
    }
}
