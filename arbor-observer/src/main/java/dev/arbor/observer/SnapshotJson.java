package dev.arbor.observer;

import dev.arbor.ChildHealth;
import dev.arbor.SupervisorHealth;
import dev.arbor.SupervisorTotals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One frame of the page's data: a {@link SupervisorHealth} snapshot as a single line of JSON,
 * with each supervisor's sparkline deltas. The shape (the page's script is its only reader):
 *
 * <pre>
 * frame:      {"seq", "observedAtMillis", "intervalMillis", "historySize", "root": supervisor}
 * supervisor: {"name", "path": [names], "state", "status", "failures", "failureThreshold",
 *              "backoffRemainingMillis": n | null, "terminationCause": failure | null,
 *              "totals": {"starts", "failures", "failuresByCause": {class: n}, "completions", "stops",
 *                         "stopTimeouts", "backoffs", "terminations"},
 *              "startsHistory": [deltas, oldest first], "children": [child]}
 * child:      {"name", "path": [names], "state", "restart", "restarts", "lastFailure": failure | null,
 *              "supervisor": supervisor | null}
 * failure:    {"type": class name, "message": text | null, "at": top stack frame | null}
 * </pre>
 *
 * A path is the root's name followed by the names each supervisor added the next one (or the
 * child) under: unique in the tree. Failure messages are user data: they are escaped by
 * {@link JsonWriter} and cut to {@value #MAX_MESSAGE} characters; the page shows them as text only.
 */
final class SnapshotJson {
    /** Longest failure message sent to the page, in chars; a longer one is cut and ends with "…". */
    static final int MAX_MESSAGE = 2000;

    private SnapshotJson() {
    }

    /**
     * The frame for one snapshot.
     *
     * @param history the sparkline deltas of the supervisor at a path
     */
    static String frame(long seq, long observedAtMillis, Duration interval, int historySize, SupervisorHealth root,
                        Function<List<String>, long[]> history) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("seq").value(seq)
                .name("observedAtMillis").value(observedAtMillis)
                .name("intervalMillis").value(interval.toMillis())
                .name("historySize").value(historySize)
                .name("root");
        supervisor(json, List.of(root.name()), root, history);
        return json.endObject().toString();
    }

    /** The path of a child named {@code name} of the supervisor at {@code parent}. */
    static List<String> childPath(List<String> parent, String name) {
        List<String> path = new ArrayList<>(parent.size() + 1);
        path.addAll(parent);
        path.add(name);
        return List.copyOf(path);
    }

    private static void supervisor(JsonWriter json, List<String> path, SupervisorHealth s,
                                   Function<List<String>, long[]> history) {
        json.beginObject()
                .name("name").value(s.name())
                .name("path");
        strings(json, path);
        json.name("state").value(s.state().name())
                .name("status").value(s.status().name())
                .name("failures").value(round(s.failures()))
                .name("failureThreshold").value(s.failureThreshold())
                .name("backoffRemainingMillis");
        s.backoffRemaining().ifPresentOrElse(d -> json.value(d.toMillis()), json::nullValue);
        json.name("terminationCause");
        failure(json, s.terminationCause().orElse(null));
        json.name("totals");
        totals(json, s.totals());
        json.name("startsHistory").beginArray();
        for (long delta : history.apply(path)) {
            json.value(delta);
        }
        json.endArray().name("children").beginArray();
        for (ChildHealth child : s.children()) {
            child(json, childPath(path, child.name()), child, history);
        }
        json.endArray().endObject();
    }

    private static void child(JsonWriter json, List<String> path, ChildHealth c,
                              Function<List<String>, long[]> history) {
        json.beginObject()
                .name("name").value(c.name())
                .name("path");
        strings(json, path);
        json.name("state").value(c.state().name())
                .name("restart").value(c.restart().name())
                .name("restarts").value(c.restarts())
                .name("lastFailure");
        failure(json, c.lastFailure().orElse(null));
        json.name("supervisor");
        c.supervisor().ifPresentOrElse(sub -> supervisor(json, path, sub, history), json::nullValue);
        json.endObject();
    }

    private static void totals(JsonWriter json, SupervisorTotals t) {
        json.beginObject()
                .name("starts").value(t.starts())
                .name("failures").value(t.failures())
                .name("failuresByCause").beginObject();
        for (Map.Entry<String, Long> e : new TreeMap<>(t.failuresByCause()).entrySet()) {
            json.name(e.getKey()).value(e.getValue());
        }
        json.endObject()
                .name("completions").value(t.completions())
                .name("stops").value(t.stops())
                .name("stopTimeouts").value(t.stopTimeouts())
                .name("backoffs").value(t.backoffs())
                .name("terminations").value(t.terminations())
                .endObject();
    }

    private static void failure(JsonWriter json, Throwable t) {
        if (t == null) {
            json.nullValue();
            return;
        }
        StackTraceElement[] trace = t.getStackTrace();
        json.beginObject()
                .name("type").value(t.getClass().getName())
                .name("message").value(cut(t.getMessage()))
                .name("at").value(trace.length == 0 ? null : trace[0].toString())
                .endObject();
    }

    /** At most {@link #MAX_MESSAGE} chars, never splitting a surrogate pair. */
    static String cut(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        int end = MAX_MESSAGE - 1;
        if (Character.isHighSurrogate(message.charAt(end - 1))) {
            end--;
        }
        return message.substring(0, end) + "…";
    }

    private static void strings(JsonWriter json, List<String> values) {
        json.beginArray();
        values.forEach(json::value);
        json.endArray();
    }

    /** Three decimals are plenty for a decayed count and keep the frame short. */
    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
