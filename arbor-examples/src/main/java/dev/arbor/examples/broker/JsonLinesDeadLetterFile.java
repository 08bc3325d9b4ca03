package dev.arbor.examples.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DeadLetterSink} that appends each {@link DeadLetter} as one JSON object per line
 * (<a href="https://jsonlines.org">JSON Lines</a>), at most one per message id, and hands every
 * line to the operating system before returning: a letter the archiver acknowledged is in the
 * file, even if the JVM is killed the next moment. (A power cut is another matter: that would
 * need an fsync per letter.) Thread-safe.
 */
public final class JsonLinesDeadLetterFile implements DeadLetterSink, Closeable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writerFor(DeadLetter.class);
    private static final ObjectReader READER = MAPPER.readerFor(DeadLetter.class);

    private final Path path;
    private final ReentrantLock lock = new ReentrantLock();
    private final FileChannel out;      // guarded by lock
    private final Set<Long> ids;        // guarded by lock
    private boolean closed;             // guarded by lock

    private JsonLinesDeadLetterFile(Path path, FileChannel out, Set<Long> ids) {
        this.path = path;
        this.out = out;
        this.ids = ids;
    }

    /**
     * Creates (or truncates) the file, and its parent directories.
     *
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be created
     */
    public static JsonLinesDeadLetterFile create(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens the file, and creates its parent directories.
     *
     * @param resume true to keep the letters already in the file (after a crash) and append to
     *               them, dropping a last line the crash left half written; false to start empty
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be opened, or a complete line is not a dead letter
     */
    public static JsonLinesDeadLetterFile open(Path path, boolean resume) throws IOException {
        Path absolute = Objects.requireNonNull(path, "path must not be null").toAbsolutePath().normalize();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Set<Long> ids = new HashSet<>();
        if (resume && Files.exists(absolute)) {
            truncateTornLine(absolute);
            read(absolute).forEach(letter -> ids.add(letter.messageId()));
        } else {
            Files.deleteIfExists(absolute);
        }
        FileChannel out = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new JsonLinesDeadLetterFile(absolute, out, ids);
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

    /** Cuts the file after its last newline: a kill in the middle of a write leaves a partial line. */
    static void truncateTornLine(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                channel.truncate(keep);
            }
        }
    }

    /** The absolute path of the file. */
    public Path path() {
        return path;
    }

    /** How many letters the file holds. */
    public int size() {
        lock.lock();
        try {
            return ids.size();
        } finally {
            lock.unlock();
        }
    }

    /** True if the file holds a letter for this message id. */
    public boolean contains(long messageId) {
        lock.lock();
        try {
            return ids.contains(messageId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends the letter, unless its message id is in the file already.
     *
     * @throws NullPointerException if letter is null
     * @throws IOException          if writing fails or the file was closed
     */
    @Override
    public boolean deadLetter(DeadLetter letter) throws IOException {
        // Serialise outside the lock; only the write is serialised.
        String json = WRITER.writeValueAsString(Objects.requireNonNull(letter, "letter must not be null"));
        ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        lock.lock();
        try {
            if (closed) {
                throw new IOException("dead-letter file " + path + " is closed");
            }
            if (ids.contains(letter.messageId())) {
                return false;
            }
            while (line.hasRemaining()) {
                out.write(line);
            }
            ids.add(letter.messageId());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the file. Idempotent. */
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
