/**
 * THE ARBOR SIDE of the side-by-side harness: one class per workload, written against the public API
 * only ({@code dev.arbor}, see shared API.md). The peers' versions of the same workloads are in
 * {@code dev.arbor.bench.pekko}, {@code dev.arbor.bench.floor}, {@code bench/suture} (Go) and
 * {@code bench/otp} (Erlang). Every listener here is a no-op: Arbor's default listener logs, and every
 * system in the harness runs with its logging off.
 */
package dev.arbor.bench.arbor;
