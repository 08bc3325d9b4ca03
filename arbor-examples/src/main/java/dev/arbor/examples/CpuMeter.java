package dev.arbor.examples;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU use between two readings, in percent of one core (as {@code top} shows it:
 * 200% is two busy cores). Not thread-safe: one reader.
 */
final class CpuMeter {
    private final com.sun.management.OperatingSystemMXBean os;
    private long lastCpuNanos;
    private long lastWallNanos;

    CpuMeter() {
        // The com.sun.management bean is in every OpenJDK build; without it the meter reads -1.
        var bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
        this.lastCpuNanos = cpuNanos();
        this.lastWallNanos = System.nanoTime();
    }

    /** Percent of one core used since the previous reading, or -1 if unknown. */
    int percentSinceLastReading() {
        long cpu = cpuNanos();
        long wall = System.nanoTime();
        if (cpu < 0 || lastCpuNanos < 0 || wall == lastWallNanos) {
            lastCpuNanos = cpu;
            lastWallNanos = wall;
            return -1;
        }
        int percent = (int) Math.round(100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos));
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return Math.max(0, percent);
    }

    private long cpuNanos() {
        return os == null ? -1 : os.getProcessCpuTime();
    }
}
