package dev.arbor;

/**
 * Which children a supervisor restarts when one of them fails, as in Erlang/OTP.
 *
 * <p>For {@link #ONE_FOR_ALL} and {@link #REST_FOR_ONE} the affected siblings are stopped exactly
 * as {@link Supervisor#stop()} stops children (in the supervisor's {@link StopOrder}, each bounded
 * by its shutdown timeout); when the last of them has ended, the failed child and the stopped
 * ones start again in add order. {@link Restart#TEMPORARY} siblings are removed, not restarted.
 * One failure counts once, however many children it restarts. As in Erlang/OTP, only a failure
 * that restarts the failed child involves its siblings: a {@link Restart#TEMPORARY} child that
 * fails is removed and its siblings keep running.
 */
public enum Strategy {
    /** Only the failed child is restarted. The default. */
    ONE_FOR_ONE,
    /** Every child is stopped and all are restarted together. */
    ONE_FOR_ALL,
    /** The failed child and every child added after it are stopped and restarted. */
    REST_FOR_ONE
}
