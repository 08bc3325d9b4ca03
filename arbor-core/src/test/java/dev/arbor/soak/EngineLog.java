package dev.arbor.soak;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Captures what the engine logs through {@code System.getLogger("dev.arbor")} during soak runs:
 * WARNING records (a listener or onStop action threw: expected here) are only counted, SEVERE ones
 * (an internal error) become violations, and nothing reaches the console.
 *
 * <p>The tests are compiled into module {@code dev.arbor}, which reads only {@code java.base}, so
 * java.util.logging is reached by reflection: a {@code java.util.logging.Filter} proxy on the
 * "dev.arbor" logger sees each record and rejects it.
 */
final class EngineLog {
    private static final ConcurrentLinkedQueue<String> SEVERE = new ConcurrentLinkedQueue<>();
    private static final AtomicLong WARNINGS = new AtomicLong();
    private static final Object LOGGER;   // strong reference: JUL holds loggers weakly
    private static volatile boolean installed;

    static {
        Object logger = null;
        try {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> filterClass = Class.forName("java.util.logging.Filter");
            Class<?> levelClass = Class.forName("java.util.logging.Level");
            Class<?> recordClass = Class.forName("java.util.logging.LogRecord");
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, "dev.arbor");
            Object warning = levelClass.getField("WARNING").get(null);
            int severe = (int) levelClass.getMethod("intValue").invoke(levelClass.getField("SEVERE").get(null));
            Method getLevel = recordClass.getMethod("getLevel");
            Method intValue = levelClass.getMethod("intValue");
            Method getMessage = recordClass.getMethod("getMessage");
            Method getThrown = recordClass.getMethod("getThrown");
            Object filter = Proxy.newProxyInstance(EngineLog.class.getClassLoader(), new Class<?>[] {filterClass},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("isLoggable")) {
                            return method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                    : method.getName().equals("equals") ? proxy == args[0] : "EngineLog";
                        }
                        Object record = args[0];
                        if ((int) intValue.invoke(getLevel.invoke(record)) >= severe) {
                            Object thrown = getThrown.invoke(record);
                            SEVERE.add(getMessage.invoke(record) + (thrown == null ? "" : ": " + thrown));
                        } else {
                            WARNINGS.incrementAndGet();
                        }
                        return false;
                    });
            loggerClass.getMethod("setLevel", levelClass).invoke(logger, warning);
            loggerClass.getMethod("setFilter", filterClass).invoke(logger, filter);
            installed = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("soak: cannot capture the engine's log (" + e + "); it goes to the console");
        }
        LOGGER = logger;
    }

    private EngineLog() {
    }

    static void reset() {
        SEVERE.clear();
        WARNINGS.set(0);
    }

    static boolean installed() {
        return installed && LOGGER != null;
    }

    static List<String> severe() {
        return List.copyOf(SEVERE);
    }

    static long warnings() {
        return WARNINGS.get();
    }
}
