package dev.arbor;

/**
 * A handle to one child of one supervisor, returned by {@link Supervisor#add}. Refs are compared
 * by identity: a child added again under the same name gets a new ref, and the old one no longer
 * names a current child.
 */
public interface ServiceRef {
    /**
     * The name the child was added under.
     *
     * @return the child's name
     */
    String name();
}
