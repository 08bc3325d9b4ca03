package dev.arbor.examples.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DeadLetterSink} that appends each {@link DeadLetter} as one JSON object per line
 * (<a href="https://jsonlines.org">JSON Lines</a>) and flushes it before returning, so that a
 * letter the queue counts as dead-lettered is in the file. Thread-safe.
 */
public final class JsonLinesDeadLetterFile implements DeadLetterSink, Closeable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writerFor(DeadLetter.class);
    private static final ObjectReader READER = MAPPER.readerFor(DeadLetter.class);

    private final Path path;
    private final ReentrantLock lock = new ReentrantLock();
    private final BufferedWriter out;   // guarded by lock
    private boolean closed;             // guarded by lock

    private JsonLinesDeadLetterFile(Path path, BufferedWriter out) {
        this.path = path;
        this.out = out;
    }

    /**
     * Creates (or truncates) the file, and its parent directories.
     *
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be created
     */
    public static JsonLinesDeadLetterFile create(Path path) throws IOException {
        Path absolute = Objects.requireNonNull(path, "path must not be null").toAbsolutePath().normalize();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        return new JsonLinesDeadLetterFile(absolute, Files.newBufferedWriter(absolute, StandardCharsets.UTF_8));
    }

    /**
     * Reads every letter of a dead-letter file, in order.
     *
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be read or a line is not a dead letter
     */
    public static List<DeadLetter> read(Path path) throws IOException {
        Objects.requireNonNull(path, "path must not be null");
        List<DeadLetter> letters = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                letters.add(READER.readValue(line));
            }
        }
        return letters;
    }

    /** The absolute path of the file. */
    public Path path() {
        return path;
    }

    /**
     * Appends the letter and flushes.
     *
     * @throws NullPointerException if letter is null
     * @throws IOException          if writing fails or the file was closed
     */
    @Override
    public void deadLetter(DeadLetter letter) throws IOException {
        // Serialise outside the lock; only the write is serialised.
        String json = WRITER.writeValueAsString(Objects.requireNonNull(letter, "letter must not be null"));
        lock.lock();
        try {
            if (closed) {
                throw new IOException("dead-letter file " + path + " is closed");
            }
            out.write(json);
            out.newLine();
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                out.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
