package dev.arbor.examples;

import java.lang.reflect.Method;

/** How the demo shows its progress while it runs. */
public enum ProgressMode {
    /** {@link #LINE} when standard output is a terminal, else {@link #LOG}. */
    AUTO,
    /** One line, rewritten in place with carriage returns: for terminals. */
    LINE,
    /** A new line every second: for pipes and logs, where carriage returns make a mess. */
    LOG,
    /** Nothing until the summary. */
    OFF;

    /** This mode, with {@link #AUTO} replaced by what suits standard output. */
    public ProgressMode resolve() {
        if (this != AUTO) {
            return this;
        }
        return stdoutIsTerminal() ? LINE : LOG;
    }

    private static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 System.console() may exist even when output is redirected; Console.isTerminal()
        // (22+) tells. Arbor targets 21, so ask for it reflectively. On 21 a console means a terminal.
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
