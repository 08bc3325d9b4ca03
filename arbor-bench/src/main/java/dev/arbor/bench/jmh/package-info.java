/**
 * JMH benchmarks of Arbor's hot paths: the restart of a throwing child, {@code add}/{@code remove},
 * event delivery and {@code children()}. Run them with {@code bench/jmh.sh} (any JMH arguments, e.g. a
 * regular expression of benchmark names). The side-by-side comparison with the peers is bench/run.sh.
 */
package dev.arbor.bench.jmh;
