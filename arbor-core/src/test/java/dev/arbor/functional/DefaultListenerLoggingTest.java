package dev.arbor.functional;

import dev.arbor.Supervisor;
import dev.arbor.testing.ManualClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md "Builder": without {@code onEvent}, a root supervisor logs its events through
 * {@code System.getLogger("dev.arbor")} (here backed by java.util.logging): a failure at WARNING
 * with its throwable; a child supervisor without a listener logs through its parent's default.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a wedged supervisor fails, not hangs
class DefaultListenerLoggingTest {
    private final Logger logger = Logger.getLogger("dev.arbor");   // held: JUL keeps loggers weakly
    private final LinkedBlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void install() {
        logger.addHandler(handler);
    }

    @AfterEach
    void uninstall() {
        logger.removeHandler(handler);
    }

    /** The first record carrying {@code thrown}, within the bound. */
    private LogRecord recordWith(Throwable thrown) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            LogRecord r = records.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.getThrown() == thrown) {
                return r;
            }
        }
        throw new AssertionError("no log record with " + thrown + " within 10 s");
    }

    private static Supervisor failingOnce(String name, Throwable failure, CountDownLatch settled) {
        Supervisor sup = Supervisor.builder(name).clock(new ManualClock()).build();
        AtomicInteger runs = new AtomicInteger();
        sup.add("worker", ctx -> {
            if (runs.incrementAndGet() == 1) {
                throw (RuntimeException) failure;
            }
            settled.countDown();
            ctx.awaitStop();
        });
        return sup;
    }

    @Test
    void rootWithoutListenerLogsAFailureAtWarningWithItsThrowable() throws Exception {
        IllegalStateException failure = new IllegalStateException("logged failure");
        CountDownLatch settled = new CountDownLatch(1);
        try (Supervisor sup = failingOnce("logged-root", failure, settled)) {
            sup.start();
            LogRecord record = recordWith(failure);
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getLoggerName()).isEqualTo("dev.arbor");
            assertThat(record.getMessage()).contains("logged-root").contains("worker");
            assertThat(settled.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void childSupervisorWithoutListenerLogsThroughItsParentsDefault() throws Exception {
        IllegalStateException failure = new IllegalStateException("nested failure");
        CountDownLatch settled = new CountDownLatch(1);
        try (Supervisor root = Supervisor.builder("logged-parent").clock(new ManualClock()).build()) {
            root.add("child", failingOnce("logged-child", failure, settled));
            root.start();
            LogRecord record = recordWith(failure);
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("logged-child");
            assertThat(settled.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
