package dev.arbor.process;

import dev.arbor.ChildSpec;
import dev.arbor.Service;
import dev.arbor.Supervisor;
import dev.arbor.SupervisorProcess;
import dev.arbor.TerminateTreeException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The program that {@link SupervisorProcessSignalTest} runs in a JVM of its own: the tree
 * {@code app = [a, b, inner = [c], (stubborn), ready]} under {@link SupervisorProcess}. Every
 * service prints {@code "stopped <name>"} as it stops; the last prints {@code "ready"} once
 * running, so every other has started by then (children start in add order).
 *
 * <p>Arguments: the scenario ({@code tree}; {@code terminate}: the last child throws
 * {@link TerminateTreeException} when a line arrives on standard input; {@code stubborn}: a child
 * that ignores its stop) and the grace period in milliseconds.
 */
public final class ProcessFixture {
    private ProcessFixture() {
    }

    public static void main(String[] args) {
        String scenario = args[0];
        Duration grace = Duration.ofMillis(Long.parseLong(args[1]));

        Supervisor inner = Supervisor.builder("inner").build();
        inner.add("c", printsItsStop("c"));
        Supervisor root = Supervisor.builder("app").build();
        root.add("a", printsItsStop("a"));
        root.add("b", printsItsStop("b"));
        root.add("inner", inner);
        if (scenario.equals("stubborn")) {
            root.add(ChildSpec.of("stubborn", ProcessFixture::ignoresItsStop).withShutdownTimeout(Duration.ofDays(1)));
        }
        root.add("ready", scenario.equals("terminate") ? ProcessFixture::terminatesOnInput : ready());
        SupervisorProcess.builder(root).gracePeriod(grace).build().run();
    }

    private static Service printsItsStop(String name) {
        return ctx -> {
            try {
                ctx.awaitStop();
            } finally {
                System.out.println("stopped " + name);
            }
        };
    }

    private static Service ready() {
        Service stops = printsItsStop("ready");
        return ctx -> {
            System.out.println("ready");
            stops.serve(ctx);
        };
    }

    private static void terminatesOnInput(dev.arbor.ServiceContext ctx) throws Exception {
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        throw new TerminateTreeException("asked to on standard input: " + in.readLine());
    }

    private static void ignoresItsStop(dev.arbor.ServiceContext ctx) {
        while (true) {
            try {
                Thread.sleep(Duration.ofDays(1));
            } catch (InterruptedException e) {
                System.out.println("ignoring my stop");
            }
        }
    }
}
