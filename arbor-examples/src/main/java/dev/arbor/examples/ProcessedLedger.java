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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The workers' record of what they processed, keyed by message id: what makes processing
 * <b>idempotent</b> under at-least-once delivery. A redelivered message whose id is already here
 * is acknowledged without being processed (or counted) again. Thread-safe.
 *
 * <p>A ledger {@linkplain #open opened on a file} appends one line per id ({@code id totalCents})
 * and hands it to the operating system before {@link #record} returns, that is before the worker
 * acknowledges the message: a JVM killed after the record and before the ack leaves the id in the
 * file, and the next process recognises the redelivery. (A power cut would need an fsync per
 * record, and the processing and its record would belong in one transaction; a demo's "processing"
 * has no effect outside the ledger.)
 */
public final class ProcessedLedger implements Closeable {
    private final ConcurrentHashMap<Long, Long> processed = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder totalCents = new LongAdder();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final FileChannel file;   // null for a ledger in memory; writes guarded by writeLock
    private final int loaded;

    /** A ledger in memory only. */
    public ProcessedLedger() {
        this.file = null;
        this.loaded = 0;
    }

    private ProcessedLedger(FileChannel file, Path path, boolean resume) throws IOException {
        this.file = file;
        int count = 0;
        if (resume) {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                String[] fields = line.trim().split(" ");
                if (fields.length == 2) {
                    long cents = Long.parseLong(fields[1]);
                    if (processed.putIfAbsent(Long.parseLong(fields[0]), cents) == null) {
                        totalCents.add(cents);
                        count++;
                    }
                }
            }
        }
        this.loaded = count;
    }

    /**
     * A ledger kept in a file, created with its parent directories if missing.
     *
     * @param resume true to load the ids the file holds (after a crash; a half-written last line
     *               is dropped) and append to them; false to start empty
     * @throws NullPointerException if path is null
     * @throws IOException          if the file cannot be read or opened
     */
    public static ProcessedLedger open(Path path, boolean resume) throws IOException {
        Path absolute = Objects.requireNonNull(path, "path must not be null").toAbsolutePath().normalize();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        if (resume && Files.exists(absolute)) {
            truncateTornLine(absolute);
        } else {
            Files.deleteIfExists(absolute);
            Files.createFile(absolute);
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            return new ProcessedLedger(channel, absolute, resume);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Records that a message's order was processed, unless its id already was.
     *
     * @return true if this is the first time; false for a duplicate, which changes nothing but
     *         the duplicate count
     * @throws IllegalArgumentException if id is not positive
     * @throws NullPointerException     if order is null
     * @throws UncheckedIOException     if the ledger's file cannot be written; the id is then not
     *                                  recorded, so the worker crashes before acknowledging and the
     *                                  message comes back
     */
    public boolean record(long id, Order order) {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be > 0, was " + id);
        }
        Objects.requireNonNull(order, "order must not be null");
        if (processed.containsKey(id)) {
            duplicates.increment();
            return false;
        }
        writeLock.lock();
        try {
            if (processed.containsKey(id)) {
                duplicates.increment();
                return false;
            }
            if (file != null) {
                ByteBuffer line = ByteBuffer.wrap((id + " " + order.totalCents() + "\n").getBytes(StandardCharsets.UTF_8));
                while (line.hasRemaining()) {
                    file.write(line);
                }
            }
            processed.put(id, order.totalCents());
            totalCents.add(order.totalCents());
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record message " + id + " in the ledger", e);
        } finally {
            writeLock.unlock();
        }
    }

    /** True if a message with this id was processed. */
    public boolean contains(long id) {
        return processed.containsKey(id);
    }

    /** How many distinct messages were processed. */
    public int size() {
        return processed.size();
    }

    /** How many ids the ledger loaded from its file when it was opened (0 unless resumed). */
    public int loaded() {
        return loaded;
    }

    /** How many redeliveries of already processed messages were recognised and skipped. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** The sum of the processed orders' totals; counts each message id once. */
    public long totalCents() {
        return totalCents.sum();
    }

    /** A snapshot of the processed ids. */
    public Set<Long> ids() {
        return Set.copyOf(processed.keySet());
    }

    /** Closes the ledger's file, if it has one. Idempotent. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            writeLock.lock();
            try {
                file.close();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Cuts the file after its last newline: a kill in the middle of a write leaves a partial line. */
    private static void truncateTornLine(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long keep = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            channel.truncate(keep);
        }
    }
}
