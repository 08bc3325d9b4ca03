package dev.arbor;

/**
 * When a child is restarted, as in Erlang/OTP.
 *
 * <table class="striped">
 * <caption>What happens when a run ends without a stop request</caption>
 * <tr><th>the run</th><th>PERMANENT</th><th>TRANSIENT</th><th>TEMPORARY</th></tr>
 * <tr><td>returns</td><td>restart (a failure)</td><td>removed</td><td>removed</td></tr>
 * <tr><td>throws</td><td>restart (a failure)</td><td>restart (a failure)</td><td>removed</td></tr>
 * </table>
 */
public enum Restart {
    /** Always restarted; returning counts as a failure. The default. */
    PERMANENT,
    /** Restarted only when it fails by throwing; a normal return removes it. */
    TRANSIENT,
    /** Never restarted: removed whenever its run ends. Its failures are not counted. */
    TEMPORARY
}
