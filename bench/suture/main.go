// Command suture-bench runs the side-by-side workloads (see bench/README.md) on Go's suture
// (github.com/thejerf/suture/v4, as Debian packages it) and prints one JSON line per measurement,
// in the format of dev.arbor.bench.Results.
//
//	suture-bench -workload restart|spawnstop|storm|tree|events [-fail panic|return] [-n N] [-runs R] [-warmup W] [-children C] [-seconds S]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	suture "github.com/thejerf/suture/v4"
)

var base = time.Now()

// now is a monotonic clock in nanoseconds.
func now() int64 { return int64(time.Since(base)) }

var system string

func emit(workload, metric, unit string, value float64, run, n int) {
	if run <= 0 {
		return // warm-up
	}
	fmt.Printf("{\"system\":\"%s\",\"workload\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",\"value\":%.3f,\"run\":%d,\"n\":%d}\n",
		system, workload, metric, unit, value, run, n)
}

// Logging off, as in every system of the harness.
func quiet(suture.Event) {}

func must(cond bool, format string, args ...interface{}) {
	if !cond {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
		os.Exit(1)
	}
}

// ---- workload 1: restart latency ----

type failer struct {
	at     []int64
	next   int64
	starts int64
	done   chan struct{}
	panics bool
}

func (f *failer) String() string { return "failer" }

func (f *failer) Serve(ctx context.Context) error {
	k := atomic.AddInt64(&f.next, 1) - 1
	f.at[k] = now()
	if k+1 == f.starts {
		close(f.done)
		<-ctx.Done()
		return ctx.Err()
	}
	if f.panics {
		panic("boom")
	}
	return errors.New("boom")
}

func restart(n int, panics bool, run int) {
	starts := n + 1
	f := &failer{at: make([]int64, starts), starts: int64(starts), done: make(chan struct{}), panics: panics}
	// Never back off: the threshold is the largest float.
	sup := suture.New("restart", suture.Spec{EventHook: quiet, FailureThreshold: math.MaxFloat64})
	ctx, cancel := context.WithCancel(context.Background())
	errc := sup.ServeBackground(ctx)
	sup.Add(f)
	select {
	case <-f.done:
	case <-time.After(120 * time.Second):
		must(false, "only %d of %d starts", atomic.LoadInt64(&f.next), starts)
	}
	cancel()
	<-errc
	emitRestart(f.at, run)
}

func emitRestart(at []int64, run int) {
	d := make([]int64, len(at)-1)
	for i := 1; i < len(at); i++ {
		d[i-1] = at[i] - at[i-1]
	}
	emit("restart", "p50_growth", "x", tenthP50(d, 9)/tenthP50(d, 0), run, len(d))
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	emit("restart", "p50", "ns", percentile(d, 50), run, len(d))
	emit("restart", "p99", "ns", percentile(d, 99), run, len(d))
	secs := float64(at[len(at)-1]-at[0]) / 1e9
	emit("restart", "restarts_per_s", "1/s", float64(len(d))/secs, run, len(d))
}

// tenthP50 is the median of one tenth of the restarts, in order (0 = the first tenth): the last
// tenth's over the first's shows whether a restart costs more after many recent restarts.
func tenthP50(inOrder []int64, tenth int) float64 {
	from := len(inOrder) * tenth / 10
	to := len(inOrder) * (tenth + 1) / 10
	if to < from+1 {
		to = from + 1
	}
	part := append([]int64(nil), inOrder[from:to]...)
	sort.Slice(part, func(i, j int) bool { return part[i] < part[j] })
	return math.Max(1, percentile(part, 50))
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []int64, p float64) float64 {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return float64(sorted[rank-1])
}

// ---- workloads 2 and 3: spawn and stop N idle children ----

type idle struct {
	name    string
	running *int64
	n       int64
	all     chan struct{}
}

func (i *idle) String() string { return i.name }

func (i *idle) Serve(ctx context.Context) error {
	if atomic.AddInt64(i.running, 1) == i.n {
		close(i.all)
	}
	<-ctx.Done()
	return ctx.Err()
}

// heap is what the Go runtime holds for live objects and goroutine stacks, after a collection.
func heap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}

func spawnstop(n, run int) {
	var running int64
	all := make(chan struct{})
	sup := suture.New("spawn", suture.Spec{EventHook: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	errc := sup.ServeBackground(ctx)
	heap0, rss0 := heap(), rss()

	t0 := now()
	for i := 0; i < n; i++ {
		sup.Add(&idle{name: "c" + strconv.Itoa(i), running: &running, n: int64(n), all: all})
	}
	select {
	case <-all:
	case <-time.After(120 * time.Second):
		must(false, "only %d of %d children started", atomic.LoadInt64(&running), n)
	}
	t1 := now()
	heap1, rss1 := heap(), rss()
	emit("spawn", "ns_per_child", "ns", float64(t1-t0)/float64(n), run, n)
	emit("spawn", "total_ms", "ms", float64(t1-t0)/1e6, run, n)
	emit("spawn", "heap_per_child", "B", float64(heap1-heap0)/float64(n), run, n)
	emit("spawn", "rss_per_child", "B", float64(rss1-rss0)/float64(n), run, n)

	// suture stops all children at once: it cancels every child's context, each in its own goroutine,
	// and Serve returns once all of them have returned.
	t2 := now()
	cancel()
	<-errc
	t3 := now()
	report, _ := sup.UnstoppedServiceReport()
	must(len(report) == 0, "%d children did not stop", len(report))
	emit("stop", "ns_per_child", "ns", float64(t3-t2)/float64(n), run, n)
	emit("stop", "total_ms", "ms", float64(t3-t2)/1e6, run, n)
}

// ---- workload 4: restart storm under default settings ----

type stormer struct {
	name   string
	starts *int64
	panics bool
}

func (s *stormer) String() string { return s.name }

func (s *stormer) Serve(ctx context.Context) error {
	atomic.AddInt64(s.starts, 1)
	if s.panics {
		panic("boom")
	}
	return errors.New("boom")
}

func storm(children int, seconds float64, panics bool, run int) {
	var starts int64
	cpu0 := cpuSeconds()
	t0 := time.Now()
	// Default settings: threshold 5, decay 30 s, back-off 15 s with jitter; only logging is off.
	sup := suture.New("storm", suture.Spec{EventHook: quiet})
	for i := 0; i < children; i++ {
		sup.Add(&stormer{name: "c" + strconv.Itoa(i), starts: &starts, panics: panics})
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := sup.ServeBackground(ctx)
	time.Sleep(time.Until(t0.Add(time.Duration(seconds * float64(time.Second)))))
	cpu := cpuSeconds() - cpu0
	restarts := atomic.LoadInt64(&starts) - int64(children)
	cancel()
	// Not waited for: suture 4.0.1 never marks a run that panicked as done, so its stop waits out the
	// 10 s timeout for every child still queued for a restart. That wait burns no CPU.
	_ = errc
	emit("storm", "cpu_s", "s", cpu, run, children)
	emit("storm", "restarts", "count", float64(restarts), run, children)
	emit("storm", "window_s", "s", seconds, run, children)
}

// ---- tree: spawn and stop a three-level tree of supervisors ----

// tree builds 1 root supervisor over 10 supervisors over 10 bottom supervisors each, every bottom one
// with n/100 idle leaves, the way a suture program builds a tree: suture.New per supervisor, Add the
// leaves and the sub-supervisors (Add on a supervisor that is not running yet only queues), then
// ServeBackground the root, which starts its sub-supervisors, each of which starts its children. Spawn
// is timed from the first suture.New until the last leaf has begun to run; stop cancels the root's
// context and is timed until the root's Serve has returned, which it does after every supervisor under
// it has returned, each after all its children had.
func tree(n, run int) {
	per := n / 100
	must(per >= 1, "tree needs at least 100 leaves, got -n %d", n)
	n = per * 100
	var running int64
	all := make(chan struct{})
	sups := make([]*suture.Supervisor, 0, 111)
	heap0, rss0 := heap(), rss()

	t0 := now()
	root := suture.New("root", suture.Spec{EventHook: quiet})
	sups = append(sups, root)
	for i := 0; i < 10; i++ {
		// A sub-supervisor takes the EventHook of the supervisor it is added to.
		mid := suture.New("s"+strconv.Itoa(i), suture.Spec{EventHook: quiet})
		sups = append(sups, mid)
		for j := 0; j < 10; j++ {
			bottom := suture.New("s"+strconv.Itoa(i)+"."+strconv.Itoa(j), suture.Spec{EventHook: quiet})
			sups = append(sups, bottom)
			for k := 0; k < per; k++ {
				bottom.Add(&idle{name: "c" + strconv.Itoa(k), running: &running, n: int64(n), all: all})
			}
			mid.Add(bottom)
		}
		root.Add(mid)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := root.ServeBackground(ctx)
	select {
	case <-all:
	case <-time.After(120 * time.Second):
		must(false, "only %d of %d leaves started", atomic.LoadInt64(&running), n)
	}
	t1 := now()
	heap1, rss1 := heap(), rss()
	emit("tree_spawn", "ns_per_leaf", "ns", float64(t1-t0)/float64(n), run, n)
	emit("tree_spawn", "total_ms", "ms", float64(t1-t0)/1e6, run, n)
	emit("tree_spawn", "heap_per_leaf", "B", float64(heap1-heap0)/float64(n), run, n)
	emit("tree_spawn", "rss_per_leaf", "B", float64(rss1-rss0)/float64(n), run, n)

	// Cancelling the root's context cancels every context under it at once (each child's is derived
	// from its supervisor's); each supervisor then waits for its own children, all at once.
	t2 := now()
	cancel()
	<-errc
	t3 := now()
	for _, s := range sups {
		report, _ := s.UnstoppedServiceReport()
		must(len(report) == 0, "%d children of %s did not stop", len(report), s)
	}
	emit("tree_stop", "ns_per_leaf", "ns", float64(t3-t2)/float64(n), run, n)
	emit("tree_stop", "total_ms", "ms", float64(t3-t2)/1e6, run, n)
}

// ---- events: event delivery to a listener during a restart storm ----

// events runs C children that panic at once on every start under one supervisor that never backs off
// (as in restart), for S seconds, with an EventHook that counts every call: suture calls it from the
// supervisor's goroutine for every failure (EventServicePanic; a backoff or stop timeout would be
// events too, but none happens in the window). Measured in the window: the process's CPU time, the
// events the hook received and the restarts (starts minus C, counted by the children).
func events(children int, seconds float64, run int) {
	var starts, delivered int64
	hook := func(suture.Event) { atomic.AddInt64(&delivered, 1) }
	cpu0 := cpuSeconds()
	t0 := time.Now()
	sup := suture.New("events", suture.Spec{EventHook: hook, FailureThreshold: math.MaxFloat64})
	for i := 0; i < children; i++ {
		sup.Add(&stormer{name: "c" + strconv.Itoa(i), starts: &starts, panics: true})
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := sup.ServeBackground(ctx)
	time.Sleep(time.Until(t0.Add(time.Duration(seconds * float64(time.Second)))))
	cpu := cpuSeconds() - cpu0
	ev := float64(atomic.LoadInt64(&delivered))
	restarts := float64(atomic.LoadInt64(&starts) - int64(children))
	cancel()
	// Not waited for, as in the storm: the children that had panicked and were not restarted yet keep
	// the stop waiting out its 10 s timeout, burning no CPU.
	_ = errc
	must(ev > 0 && restarts > 0, "events: %.0f events, %.0f restarts in %.1f s", ev, restarts, seconds)
	emit("events", "events_per_s", "1/s", ev/seconds, run, children)
	emit("events", "cpu_ns_per_event", "ns", cpu*1e9/ev, run, children)
	emit("events", "restarts_per_s", "1/s", restarts/seconds, run, children)
	emit("events", "cpu_ns_per_restart", "ns", cpu*1e9/restarts, run, children)
	emit("events", "events_per_restart", "x", ev/restarts, run, children)
	emit("events", "cpu_s", "s", cpu, run, children)
}

// ---- process measurements, read as the JVM and Erlang sides read them ----

// cpuSeconds is user + system CPU time of the process (all threads), from /proc/self/stat.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	must(err == nil, "read /proc/self/stat: %v", err)
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return float64(utime+stime) / 100 // USER_HZ
}

// rss is the resident set size in bytes, from /proc/self/status.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

func main() {
	workload := flag.String("workload", "restart", "restart, spawnstop, storm, tree or events")
	fail := flag.String("fail", "panic", "how a failing child fails: panic or return (an error)")
	n := flag.Int("n", 100000, "restarts to time, children to spawn, or leaves of the tree")
	runs := flag.Int("runs", 5, "measured runs")
	warmup := flag.Int("warmup", 1, "unreported runs first (a storm warm-up lasts at most 1 s)")
	children := flag.Int("children", 1000, "children in the storm and in events")
	seconds := flag.Float64("seconds", 10, "length of the storm and of events")
	flag.StringVar(&system, "system", "", "system name in the output (default suture, or suture-return)")
	flag.Parse()
	panics := *fail == "panic"
	if system == "" {
		system = "suture"
		if !panics {
			system = "suture-return"
		}
	}
	for run := 1 - *warmup; run <= *runs; run++ {
		switch *workload {
		case "restart":
			restart(*n, panics, run)
		case "spawnstop":
			spawnstop(*n, run)
		case "storm":
			s := *seconds
			if run <= 0 && s > 1 {
				s = 1
			}
			storm(*children, s, panics, run)
		case "tree":
			tree(*n, run)
		case "events":
			// The panic variant only (system "suture"); warms up like the storm.
			must(panics, "events runs the panic variant only")
			s := *seconds
			if run <= 0 && s > 1 {
				s = 1
			}
			events(*children, s, run)
		default:
			must(false, "unknown workload %q", *workload)
		}
	}
}
