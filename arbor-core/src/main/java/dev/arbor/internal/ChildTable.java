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
 * Here names are found by open addressing (linear probing) over two parallel arrays, the children
 * and one tag byte per slot (eight bits of the name's hash that the slot index does not use, as in
 * Abseil's Swiss tables), so a probe compares bytes in order and touches a child only when its tag
 * matches (one in 256 of the other names); add order is a list threaded through the children
 * themselves. That is 5 to 10 bytes of table per child, plus the two links, instead of about 48.
 *
 * <p>Why tags rather than whole hashes (issue 12): an int per slot cost 4 to 8 bytes per child, and
 * at 100,000 children its 1 MB array was a humongous object in G1, whose region's unused tail
 * counted as much again. What a tag cannot answer, the child's name can: a rehash walks the add-order
 * list, whose children lie in memory in the order they were allocated, and a removal reads the home of
 * each entry it shifts from that entry's name (its hash is cached in the String).
 */
final class ChildTable implements Iterable<Child> {
    private static final int MIN_CAPACITY = 8;   // a power of two, like every capacity

    private Child[] slots = new Child[MIN_CAPACITY];
    private byte[] tags = new byte[MIN_CAPACITY];
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
        if ((size + 1) * 2 > slots.length) {     // load factor at most 1/2: probes stay short
            resize(slots.length * 2);
        }
        String name = child.name();
        int hash = spread(name.hashCode());
        int mask = slots.length - 1;
        int i = hash & mask;
        byte tag = tag(hash);
        for (Child c = slots[i]; c != null; c = slots[i]) {
            if (tags[i] == tag && c.name().equals(name)) {
                return c;
            }
            i = (i + 1) & mask;
        }
        slots[i] = child;
        tags[i] = tag;
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
        int mask = slots.length - 1;
        for (int i = spread(child.name().hashCode()) & mask; slots[i] != null; i = (i + 1) & mask) {
            if (slots[i] == child) {
                deleteAt(i);
                unlink(child);
                size--;
                modCount++;
                if (slots.length > MIN_CAPACITY && size * 8 < slots.length) {
                    resize(slots.length / 2);    // give back what a mass removal left empty
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
        int mask = slots.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Child c = slots[j];
            if (c == null) {
                break;
            }
            int home = spread(c.name().hashCode()) & mask;
            boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!staysPut) {
                slots[i] = c;
                tags[i] = tags[j];
                i = j;
            }
        }
        slots[i] = null;
        tags[i] = 0;
    }

    /** Rehashes in add order: the children, not the old slots, are what lies in memory in order. */
    private void resize(int capacity) {
        slots = new Child[capacity];
        tags = new byte[capacity];
        int mask = capacity - 1;
        for (Child c = first; c != null; c = c.nextInTable) {
            int hash = spread(c.name().hashCode());
            int i = hash & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = c;
            tags[i] = tag(hash);
        }
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
    /**
     * The hash's top byte. The index takes the low bits, so the tag tells the index something new up to
     * 2^24 slots (8 million children); beyond, it is still right, only less often decisive.
     */
    private static byte tag(int hash) {
        return (byte) (hash >>> 24);
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
