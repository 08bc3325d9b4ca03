#!/usr/bin/env bash
# JMH benchmarks of Arbor's hot paths (arbor-bench/src/main/java/dev/arbor/bench/jmh).
#   bench/jmh.sh                 all of them (about 2 minutes)
#   bench/jmh.sh RestartBench    those whose name matches; any other JMH argument works too (-h lists them)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BT=${ARBOR_BENCH_TARGET:-target-bench}
JAVA_HOME=$("$ROOT/mvnj" --java-home)
"$ROOT/mvnj" -q -B -pl arbor-bench -am -Dmaven.test.skip=true -Darbor.target="$BT" package >&2
CP="arbor-bench/$BT/classes:$(cat "arbor-bench/$BT/bench-classpath.txt")"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main "$@"
