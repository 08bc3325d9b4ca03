package dev.arbor.internal;

import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The current children of one supervisor: unique by name, iterated in add order. Guarded by the
 * owning supervisor's lock; not thread-safe.
 *
 * <p>Why not a {@code LinkedHashMap}: adding 100,000 children spent 44% of {@code add()} in it,
 * half of that rehashing, which chases every entry through memory, and each entry cost 40 bytes.
 * Here names are found by open addressing (linear probing) over two parallel arrays, the hashes
 * and the children, so a rehash reads arrays in order and never touches a child; add order is a
 * list threaded through the children themselves. That is 8 to 16 bytes of table per child, plus
 * the two links, instead of about 48.
 *
 * <p>Both arrays are cut into chunks of {@value #CHUNK} entries (256 KB of hashes), so that neither is
 * ever a humongous object in G1 (one of at least half a region): a humongous array takes whole regions,
 * and at 100,000 children the unused tails of the two 1 MB arrays' regions cost 21 bytes per child
 * (issue 12). Rehashing through the chunks still reads every array in order and never touches a child.
 */
final class ChildTable implements Iterable<Child> {
    private static final int MIN_CAPACITY = 8;   // a power of two, like every capacity

    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int IN_CHUNK = CHUNK - 1;

    private int capacity = MIN_CAPACITY;
    private Child[][] slots = newSlots(MIN_CAPACITY);
    private int[][] hashes = newHashes(MIN_CAPACITY);
    private int size;
    private Child first;
    private Child last;
    private int modCount;        // lets iterators fail fast, as the JDK's collections do

    int size() {
        return size;
    }

    /**
     * Adds a child last in add order, unless a current child has the same name.
     *
     * @return the current child with that name, or null if {@code child} was added
     */
    Child putIfAbsent(Child child) {
        if ((size + 1) * 2 > capacity) {     // load factor at most 1/2: probes stay short
            resize(capacity * 2);
        }
        String name = child.name();
        int hash = spread(name.hashCode());
        int mask = capacity - 1;
        int i = hash & mask;
        for (Child c = slot(i); c != null; c = slot(i)) {
            if (hash(i) == hash && c.name().equals(name)) {
                return c;
            }
            i = (i + 1) & mask;
        }
        set(i, child, hash);
        size++;
        modCount++;
        link(child);
        return null;
    }

    /**
     * Removes this very child (not another of the same name).
     *
     * @return whether it was a current child
     */
    boolean remove(Child child) {
        int mask = capacity - 1;
        for (int i = spread(child.name().hashCode()) & mask; slot(i) != null; i = (i + 1) & mask) {
            if (slot(i) == child) {
                deleteAt(i);
                unlink(child);
                size--;
                modCount++;
                if (capacity > MIN_CAPACITY && size * 8 < capacity) {
                    resize(capacity / 2);    // give back what a mass removal left empty
                }
                return true;
            }
        }
        return false;
    }

    /** Removes, in add order, every child the filter accepts. */
    void removeIf(Predicate<? super Child> filter) {
        for (Child c = first; c != null; ) {
            Child next = c.nextInTable;
            if (filter.test(c)) {
                remove(c);
            }
            c = next;
        }
    }

    /** Iterates in add order; fails fast if the table changes meanwhile. */
    @Override
    public Iterator<Child> iterator() {
        return new Iterator<>() {
            private Child next = first;
            private final int expectedModCount = modCount;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Child next() {
                if (modCount != expectedModCount) {
                    throw new ConcurrentModificationException();
                }
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Child c = next;
                next = c.nextInTable;
                return c;
            }
        };
    }

    /**
     * Empties slot i and closes the gap (Knuth's algorithm R for linear probing): each later
     * child of the same probe run moves back unless its home slot lies cyclically in (i, j].
     */
    private void deleteAt(int i) {
        int mask = capacity - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Child c = slot(j);
            if (c == null) {
                break;
            }
            int home = hash(j) & mask;
            boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!staysPut) {
                set(i, c, hash(j));
                i = j;
            }
        }
        set(i, null, 0);
    }

    private void resize(int newCapacity) {
        Child[][] oldSlots = slots;
        int[][] oldHashes = hashes;
        capacity = newCapacity;
        slots = newSlots(newCapacity);
        hashes = newHashes(newCapacity);
        int mask = newCapacity - 1;
        for (int chunk = 0; chunk < oldSlots.length; chunk++) {
            Child[] cs = oldSlots[chunk];
            int[] hs = oldHashes[chunk];
            for (int k = 0; k < cs.length; k++) {
                if (cs[k] != null) {
                    int i = hs[k] & mask;
                    while (slot(i) != null) {
                        i = (i + 1) & mask;
                    }
                    set(i, cs[k], hs[k]);
                }
            }
        }
    }

    private Child slot(int i) {
        return slots[i >>> CHUNK_BITS][i & IN_CHUNK];
    }

    private int hash(int i) {
        return hashes[i >>> CHUNK_BITS][i & IN_CHUNK];
    }

    private void set(int i, Child child, int hash) {
        slots[i >>> CHUNK_BITS][i & IN_CHUNK] = child;
        hashes[i >>> CHUNK_BITS][i & IN_CHUNK] = hash;
    }

    /** A power-of-two capacity in chunks: one short chunk below {@link #CHUNK}, else whole ones. */
    private static Child[][] newSlots(int capacity) {
        Child[][] chunks = new Child[Math.max(1, capacity >>> CHUNK_BITS)][];
        for (int k = 0; k < chunks.length; k++) {
            chunks[k] = new Child[Math.min(capacity, CHUNK)];
        }
        return chunks;
    }

    private static int[][] newHashes(int capacity) {
        int[][] chunks = new int[Math.max(1, capacity >>> CHUNK_BITS)][];
        for (int k = 0; k < chunks.length; k++) {
            chunks[k] = new int[Math.min(capacity, CHUNK)];
        }
        return chunks;
    }

    private void link(Child child) {
        child.prevInTable = last;
        child.nextInTable = null;
        if (last == null) {
            first = child;
        } else {
            last.nextInTable = child;
        }
        last = child;
    }

    private void unlink(Child child) {
        Child prev = child.prevInTable;
        Child next = child.nextInTable;
        if (prev == null) {
            first = next;
        } else {
            prev.nextInTable = next;
        }
        if (next == null) {
            last = prev;
        } else {
            next.prevInTable = prev;
        }
        child.prevInTable = null;
        child.nextInTable = null;
    }

    /**
     * Mixes every bit of the name's hash into the low bits the mask keeps (MurmurHash3's
     * finalizer): names like "c1", "c2", ... have consecutive hashes, which linear probing would
     * otherwise pile into long runs.
     */
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
