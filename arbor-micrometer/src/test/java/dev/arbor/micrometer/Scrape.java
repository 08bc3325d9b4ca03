package dev.arbor.micrometer;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads every meter of a registry once, as a scrape or a step publish does. */
final class Scrape {
    private Scrape() {
    }

    static int of(MeterRegistry registry) {
        int values = 0;
        for (Meter meter : registry.getMeters()) {
            for (Measurement m : meter.measure()) {
                m.getValue();
                values++;
            }
        }
        return values;
    }
}
