#!/usr/bin/env bash
# Side-by-side benchmarks: Arbor, Apache Pekko typed, Go's suture, Erlang/OTP's supervisor and a floor of
# bare virtual threads, on the same workloads, and the demo's throughput with and without Arbor (see
# bench/README.md). Installs what it needs (Debian packages, Maven dependencies through the build), builds
# every side, runs every workload, aggregates and writes the report.
#
#   bench/run.sh            full run: N = 100,000, 5 measured runs per process, 3 processes per system for
#                           restart, spawnstop and tree; writes docs/BENCHMARKS.md and docs/benchmarks.png
#                           (takes about 20 minutes on 2 cores)
#   bench/run.sh --smoke    tiny N, one run, no warm-up, 0.5 s storms, one JVM per JVM system; report under
#                           bench/out/smoke/ (CI: well under a minute)
#
# Options: --runs R  --warmup W  --forks F  --n N  --children C  --seconds S  --otp-batch B  --messages M (demo)
#          --systems arbor,floor,floor-named,pekko,suture,suture-return,otp,otp-1sup
#          --workloads restart,spawnstop,storm,tree,events,demo
#          --out DIR (raw results, logs, builds)  --md FILE --png FILE (the report)  --no-install
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ARGS="$*"

MODE=full RUNS=5 WARMUP=1 FORKS=3 N=100000 CHILDREN=1000 SECS=10 OTP_BATCH=100 MESSAGES=50000
SYSTEMS=arbor,floor,floor-named,pekko,suture,suture-return,otp,otp-1sup
# demo: Arbor alone, with and without supervision in one JVM; floor-named runs spawnstop and tree only
WORKLOADS=restart,spawnstop,storm,tree,events,demo
INSTALL=1 OUT="" MD="" PNG="" TIMEOUT=900
set_smoke() { MODE=smoke RUNS=1 WARMUP=0 FORKS=1 N=2000 CHILDREN=50 SECS=0.5 MESSAGES=8000 TIMEOUT=60; }
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) set_smoke ;;
    --runs) RUNS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --forks) FORKS=$2; shift ;;
    --n) N=$2; shift ;;
    --children) CHILDREN=$2; shift ;;
    --seconds) SECS=$2; shift ;;
    --otp-batch) OTP_BATCH=$2; shift ;;
    --messages) MESSAGES=$2; shift ;;
    --systems) SYSTEMS=$2; shift ;;
    --workloads) WORKLOADS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --md) MD=$2; shift ;;
    --png) PNG=$2; shift ;;
    --no-install) INSTALL=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-$ROOT/bench/out/$MODE}
if [ "$MODE" = smoke ]; then
  MD=${MD:-$OUT/BENCHMARKS.md}; PNG=${PNG:-$OUT/benchmarks.png}
else
  MD=${MD:-$ROOT/docs/BENCHMARKS.md}; PNG=${PNG:-$ROOT/docs/benchmarks.png}
fi
mkdir -p "$OUT"/{raw,logs,bin,ebin} "$(dirname "$MD")" "$(dirname "$PNG")"
rm -f "$OUT"/raw/*.jsonl "$OUT"/logs/*
say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
has() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- install
missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/thejerf/suture/v4 ] || missing+=(golang-github-thejerf-suture-dev)
{ command -v erl && command -v erlc; } >/dev/null 2>&1 || missing+=(erlang-base)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q . || missing+=(fontconfig fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    say "missing Debian packages: ${missing[*]} (install them, or run as root without --no-install); the systems that need them are skipped"
  fi
fi

# ---------------------------------------------------------------- build
JAVA_HOME=$("$ROOT/mvnj" --java-home)
JAVA="$JAVA_HOME/bin/java"
java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
# A build directory of its own, so that the harness and a developer's build of the same tree do not clobber
# each other's classes.
BT=${ARBOR_BENCH_TARGET:-target-bench}
say "building arbor-bench (and arbor-core) into */$BT with $JAVA_HOME"
"$ROOT/mvnj" -q -B -pl arbor-bench -am -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Darbor.target="$BT" package >&2
# The run uses copies, so a rebuild of the tree while it runs cannot change what it measures.
rm -rf "$OUT/lib" && mkdir -p "$OUT/lib"
cp arbor-bench/"$BT"/arbor-bench-*.jar "$OUT/lib/"
{ tr ':' '\n' < arbor-bench/"$BT"/bench-classpath.txt; echo; } | while read -r jar; do [ -z "$jar" ] || cp "$jar" "$OUT/lib/"; done
CP="$OUT/lib/*"
JOPTS=(-Xms2g -Xmx4g -XX:+UseG1GC -Djava.awt.headless=true)
[ "$java_major" -ge 24 ] && JOPTS+=(--sun-misc-unsafe-memory-access=allow) # Pekko still calls sun.misc.Unsafe

have_go=0 have_erl=0
if command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/github.com/thejerf/suture/v4 ]; then
  say "building bench/suture with $(go version | cut -d' ' -f3)"
  # GOPATH mode against Debian's packaged sources: nothing is fetched.
  (cd bench/suture && GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= \
     GOCACHE="${GOCACHE:-$OUT/gocache}" go build -o "$OUT/bin/suture-bench" .) && have_go=1
fi
if command -v erlc >/dev/null 2>&1; then
  say "compiling bench/otp"
  erlc -o "$OUT/ebin" bench/otp/arbor_bench.erl && have_erl=1
fi

# ---------------------------------------------------------------- machine and versions
java_version=$("$JAVA" -version 2>&1 | head -n1 | sed 's/"//g')
java_vm=$("$JAVA" -version 2>&1 | sed -n 3p | sed 's/ (build[^)]*)//; s/,.*//')
commit=${ARBOR_BENCH_COMMIT:-$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)}
pekko_version=$(sed -n 's:.*<pekko.version>\(.*\)</pekko.version>.*:\1:p' arbor-bench/pom.xml)
go_version=$( [ $have_go = 1 ] && go version | cut -d' ' -f3 || echo "not installed")
suture_version=$(dpkg-query -W -f='${Version}' golang-github-thejerf-suture-dev 2>/dev/null || echo "?")
otp_version=$( [ $have_erl = 1 ] && erl -noshell -eval 'io:format("OTP ~s, erts ~s", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().' || echo "not installed")
{
  echo "mode=$MODE"
  echo "runs=$RUNS"
  echo "warmup=$WARMUP"
  echo "forks=$FORKS"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "command=bench/run.sh${ARGS:+ $ARGS}"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "nproc=$(nproc)"
  echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "os=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null), Linux $(uname -r)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "what.arbor=Arbor, this repository (arbor-bench/.../arbor)"
  echo "what.floor=bare virtual threads, no supervision: a fresh thread per attempt, park/interrupt/join"
  echo "what.floor-named=the floor whose threads carry what a supervised child keeps: named <supervisor>/<child>, the child's name held (spawn, stop, tree)"
  echo "what.pekko=Apache Pekko typed, Behaviors.supervise(...).onFailure(SupervisorStrategy.restart())"
  echo "what.suture=Go suture, v4 API (Serve(ctx)); the failing child panics"
  echo "what.suture-return=the same, the failing child returns an error"
  echo "what.otp=Erlang/OTP supervisor; restarts in batches of $OTP_BATCH per fresh supervisor; simple_one_for_one for spawn and stop"
  echo "what.otp-1sup=Erlang/OTP, all restarts under one supervisor of intensity 2^40 per 1 s (restart only)"
  echo "version.arbor=commit $commit; $java_version ($java_vm)"
  echo "version.floor=$java_version"
  echo "version.floor-named=same as floor"
  echo "version.pekko=$pekko_version (Scala 2.13); $java_version"
  echo "version.suture=Debian golang-github-thejerf-suture-dev $suture_version; $go_version"
  echo "version.suture-return=same as suture"
  echo "version.otp=$otp_version"
  echo "version.otp-1sup=same as otp"
  echo "jvm.options=${JOPTS[*]}"
} > "$OUT/machine.properties"

# ---------------------------------------------------------------- run
# run_one SYSTEM WORKLOAD COMMAND...: appends the command's JSON lines to raw/, or an error line. It runs the
# command in $FORKS processes one after the other for restart and spawnstop: a JVM's figures differ more
# between launches (JIT, heap layout) than between the runs of one launch, so one process is not a sample.
run_one() {
  local system=$1 workload=$2; shift 2
  local forks=$FORKS fork
  case "$workload" in restart|spawnstop|tree) ;; *) forks=1 ;; esac
  for fork in $(seq 1 "$forks"); do
    run_process "$fork" "$forks" "$system" "$workload" "$@" || return 0
  done
}
run_process() {
  local fork=$1 forks=$2 system=$3 workload=$4; shift 4
  local tag="$system-${workload//,/+}"
  local raw="$OUT/raw/$tag.jsonl" err="$OUT/logs/$tag.err" rc=0
  if [ "$forks" -gt 1 ]; then say "$system $workload (process $fork of $forks)"; else say "$system $workload"; fi
  timeout "$TIMEOUT" "$@" > "$raw.tmp" 2>> "$err" || rc=$?
  grep '^{' "$raw.tmp" >> "$raw" || true
  rm -f "$raw.tmp"
  if [ $rc -ne 0 ]; then
    local why
    why=$(grep -v '^\s*at \|^WARNING' "$err" | head -n 3 | tr '\n"\\' "  /" | cut -c1-300)
    [ $rc = 124 ] && why="timed out after ${TIMEOUT}s; $why"
    printf '{"system":"%s","workload":"%s","error":"exit %s: %s"}\n' "$system" "$workload" "$rc" "$why" >> "$raw"
    say "$system $workload FAILED (exit $rc), see $err"
    return 1
  fi
}
skip() {
  printf '{"system":"%s","workload":"%s","error":"%s"}\n' "$1" "$2" "$3" > "$OUT/raw/$1-$2.jsonl"
  say "$1 $2 skipped: $3"
}
P=(--n "$N" --runs "$RUNS" --warmup "$WARMUP" --children "$CHILDREN" --seconds "$SECS" --messages "$MESSAGES")
# The workloads of SYSTEM among WORKLOADS, comma-separated: the demo is Arbor's alone (its bare variant runs in
# the same JVM), the peers run the others.
workloads_of() {
  local w out=""
  for w in ${WORKLOADS//,/ }; do
    [ "$w" = demo ] && [ "$1" != arbor ] && continue
    [ "$w" = events ] && [ "$1" = pekko ] && continue # Pekko typed has no supervision-event listener
    [ "$1" = floor-named ] && [ "$w" != spawnstop ] && [ "$w" != tree ] && continue
    out+="${out:+,}$w"
  done
  echo "$out"
}
if [ "$MODE" = smoke ]; then # one JVM per JVM system for all its workloads: JVM and actor-system starts add up
  for s in arbor floor floor-named pekko; do
    ws=$(workloads_of "$s")
    has "$SYSTEMS" "$s" && [ -n "$ws" ] && run_one "$s" "$ws" "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.arbor.bench.Main "$s" "$ws" "${P[@]}"
  done
fi
for w in ${WORKLOADS//,/ }; do
  for s in ${SYSTEMS//,/ }; do
    [ "$w" = demo ] && [ "$s" != arbor ] && continue
    case "$s/$w" in
      pekko/events) ;; # none: Pekko typed has no listener for supervision events
      floor-named/spawnstop|floor-named/tree|arbor/*|floor/*|pekko/*)
        [ "$MODE" = smoke ] || run_one "$s" "$w" "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.arbor.bench.Main "$s" "$w" "${P[@]}" ;;
      suture/*|suture-return/restart) # suture/tree and suture/events too (events: the panic variant)
        fail=panic; [ "$s" = suture-return ] && fail=return
        if [ $have_go = 1 ]; then
          run_one "$s" "$w" "$OUT/bin/suture-bench" -workload "$w" -fail "$fail" -n "$N" -runs "$RUNS" \
            -warmup "$WARMUP" -children "$CHILDREN" -seconds "$SECS"
        else skip "$s" "$w" "Go or Debian's suture package is not installed"; fi ;;
      otp/*|otp-1sup/restart) # otp/tree and otp/events too
        variant=batched; [ "$s" = otp-1sup ] && variant=single
        if [ $have_erl = 1 ]; then
          run_one "$s" "$w" erl +P 4000000 -noshell -pa "$OUT/ebin" -run arbor_bench main "$w" "$variant" \
            "$N" "$RUNS" "$WARMUP" "$CHILDREN" "$SECS" "$OTP_BATCH"
        else skip "$s" "$w" "Erlang/OTP is not installed"; fi ;;
      *) ;; # suture-return and otp-1sup are restart-only variants
    esac
  done
done
cat "$OUT"/raw/*.jsonl > "$OUT/results.jsonl"
# The machine is shared: what else ran shows in the load average after the run.
echo "load.after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.properties"
echo "finished=$(date -u '+%Y-%m-%d %H:%M UTC')" >> "$OUT/machine.properties"

# ---------------------------------------------------------------- report
"$JAVA" -Djava.awt.headless=true -cp "$CP" dev.arbor.bench.report.Report \
  "$OUT/results.jsonl" "$OUT/machine.properties" "$MD" "$PNG" >&2
failed=$(grep -c '"error"' "$OUT/results.jsonl" || true)
say "done: $(grep -vc '"error"' "$OUT/results.jsonl") measurements, $failed failed workloads; report $MD"
# In smoke mode (CI) a failed workload fails the run, so that the harness never rots unnoticed.
[ "$MODE" = smoke ] && [ "$failed" -gt 0 ] && { say "smoke run FAILED"; exit 1; }
exit 0
