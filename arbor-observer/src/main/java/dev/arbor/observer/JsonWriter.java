package dev.arbor.observer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one JSON document into a string, by hand (the module has no dependencies). Strings are
 * escaped so that the output is valid JSON, valid UTF-8 once encoded (a lone surrogate is written
 * as a <code>&#92;uXXXX</code> escape), one line (no raw line terminators, U+2028 and U+2029
 * included, so that it fits in a single server-sent-events {@code data:} line), and inert in HTML
 * ({@code < > & '} are escaped too, should anyone paste it into a page). Not thread-safe: one writer per document.
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(1024);
    /** One entry per open object or array: whether the next member is its first. */
    private final Deque<Boolean> firstInScope = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        firstInScope.push(true);
        return this;
    }

    JsonWriter endObject() {
        firstInScope.pop();
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        firstInScope.push(true);
        return this;
    }

    JsonWriter endArray() {
        firstInScope.pop();
        out.append(']');
        return this;
    }

    /** The name of the next member of the current object. */
    JsonWriter name(String name) {
        separate();
        appendString(name);
        out.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        if (s == null) {
            return nullValue();
        }
        beforeValue();
        appendString(s);
        return this;
    }

    JsonWriter value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    /** A finite number; NaN and infinities, which JSON cannot say, are written as null. */
    JsonWriter value(double d) {
        if (!Double.isFinite(d)) {
            return nullValue();
        }
        beforeValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);   // Double.toString: digits, '.', maybe 'E' and an exponent: all valid JSON
        }
        return this;
    }

    JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
        } else {
            separate();
        }
    }

    private void separate() {
        if (firstInScope.isEmpty()) {
            return;
        }
        if (firstInScope.peek()) {
            firstInScope.pop();
            firstInScope.push(false);
        } else {
            out.append(',');
        }
    }

    private void appendString(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (needsUnicodeEscape(s, i, c)) {
                        unicodeEscape(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsUnicodeEscape(String s, int i, char c) {
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' || c == '\'' || c == '\u2028' || c == '\u2029') {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    private void unicodeEscape(char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
