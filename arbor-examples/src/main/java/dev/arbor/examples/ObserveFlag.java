package dev.arbor.examples;

import dev.arbor.Supervisor;
import dev.arbor.observer.Observer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The demo's {@code --observe} flag: serve arbor-observer's live view of the tree on 127.0.0.1
 * while the demo runs, and print its URL. {@code --observe} picks a free port,
 * {@code --observe=PORT} a given one. Kept apart from {@link DemoOptions} (which parses
 * {@code --flag value} pairs) because it may stand alone.
 *
 * @param port the port to listen on (0 for a free one); empty when the view is off
 */
public record ObserveFlag(OptionalInt port) {
    /** The line of {@code --help} for the flag. */
    public static final String USAGE =
            "  --observe[=PORT]           serve a live view of the tree in the browser (arbor-observer) on\n"
            + "                             127.0.0.1 while the demo runs, and print its URL (default: a free port)\n";

    /** The view off. */
    public static final ObserveFlag OFF = new ObserveFlag(OptionalInt.empty());

    /**
     * Checks the port.
     *
     * @throws NullPointerException     if port is null
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public ObserveFlag {
        Objects.requireNonNull(port, "port must not be null");
        if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("--observe port must be in 0..65535, was " + port.getAsInt());
        }
    }

    /**
     * The flag and the other arguments.
     *
     * @param flag the {@code --observe} setting (the last one given wins)
     * @param rest every other argument, in order, for {@link DemoOptions#parse}
     */
    public record Split(ObserveFlag flag, String[] rest) {
    }

    /**
     * Takes {@code --observe} and {@code --observe=PORT} out of the arguments.
     *
     * @throws UsageException       if PORT is not a port number
     * @throws NullPointerException if args or one of them is null
     */
    public static Split split(String... args) throws UsageException {
        Objects.requireNonNull(args, "args must not be null");
        ObserveFlag flag = OFF;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = Objects.requireNonNull(args[i], "args[" + i + "] must not be null");
            if (arg.equals("--observe")) {
                flag = new ObserveFlag(OptionalInt.of(0));
            } else if (arg.startsWith("--observe=")) {
                flag = parsePort(arg.substring("--observe=".length()));
            } else {
                rest.add(arg);
            }
        }
        return new Split(flag, rest.toArray(String[]::new));
    }

    private static ObserveFlag parsePort(String text) throws UsageException {
        try {
            return new ObserveFlag(OptionalInt.of(Integer.parseInt(text.trim())));
        } catch (NumberFormatException e) {
            throw new UsageException("--observe expects a port number, got '" + text + "'");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Starts the view of {@code root} and prints its URL to {@code out}, if the flag is on.
     *
     * @return what stops the view; does nothing when the flag is off
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public AutoCloseable start(Supervisor root, PrintStream out) {
        if (port.isEmpty()) {
            return () -> { };
        }
        Observer observer = Observer.builder(root).port(port.getAsInt()).start();
        out.println("Observer: " + observer.url() + " (a live view of the tree, until the demo ends)");
        out.flush();
        return observer;
    }
}
