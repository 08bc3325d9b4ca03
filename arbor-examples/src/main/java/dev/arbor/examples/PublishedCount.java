package dev.arbor.examples;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How far the producer got: the number of messages it published, kept in a small file (or in
 * memory) so that a producer in a restarted process carries on there instead of at the start.
 * Written after each publish (which returns once the broker has the message durably), so after a
 * crash it may be one short: that message is then published twice, and the consumers recognise
 * the copy by its id (the ledger, the dead-letter file). Thread-safe.
 */
public final class PublishedCount implements Closeable {
    private static final int WIDTH = 20;   // a long in decimal, padded: every write overwrites the whole value

    private final FileChannel file;        // null in memory
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long count;

    private PublishedCount(FileChannel file, long count) {
        this.file = file;
        this.count = count;
    }

    /** A count in memory only, starting at 0. */
    public static PublishedCount inMemory() {
        return new PublishedCount(null, 0);
    }

    /**
     * A count kept in a file.
     *
     * @param resume true to carry on from the count in the file (0 if there is none); false to start at 0
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be read, written or parsed
     */
    public static PublishedCount open(Path path, boolean resume) throws IOException {
        Path absolute = Objects.requireNonNull(path, "path must not be null").toAbsolutePath().normalize();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        long start = 0;
        if (resume && Files.exists(absolute)) {
            String text = Files.readString(absolute, StandardCharsets.US_ASCII).trim();
            try {
                start = text.isEmpty() ? 0 : Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("not a count in " + absolute + ": '" + text + "'", e);
            }
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        PublishedCount published = new PublishedCount(channel, start);
        published.write(start);
        return published;
    }

    /** The count. */
    public long get() {
        return count;
    }

    /**
     * Sets the count (the producer calls it after each publish).
     *
     * @throws IllegalArgumentException if value is negative
     * @throws UncheckedIOException     if the file cannot be written
     */
    public void set(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + value);
        }
        lock.lock();
        try {
            write(value);
            count = value;
        } finally {
            lock.unlock();
        }
    }

    private void write(long value) {
        if (file == null) {
            return;
        }
        String padded = String.format("%" + WIDTH + "d", value);
        try {
            file.write(ByteBuffer.wrap(padded.getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the published count", e);
        }
    }

    /** Closes the file, if there is one. Idempotent. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
