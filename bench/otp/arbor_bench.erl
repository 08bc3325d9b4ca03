%% The side-by-side workloads (see bench/README.md) on the Erlang/OTP `supervisor`, printing one JSON
%% line per measurement in the format of dev.arbor.bench.Results.
%%
%%   erl -noshell -pa EBIN -run arbor_bench main WORKLOAD VARIANT N RUNS WARMUP CHILDREN SECONDS BATCH
%%
%% WORKLOAD is restart, spawnstop, storm, tree or events. For restart, VARIANT batched (system "otp") runs the N
%% restarts under fresh supervisors of BATCH restarts each; VARIANT single (system "otp-1sup") runs
%% them all under one supervisor with a huge intensity, whose cost grows with its restart list.
-module(arbor_bench).
-behaviour(supervisor).

-export([main/1, init/1, start_failer/1, start_idle/1, start_stormer/1, start_event_child/1, log/2]).

main([Workload, Variant, N, Runs, Warmup, Children, Seconds, Batch]) ->
    %% Logging off, as in every system of the harness (the supervisor reports every restart).
    ok = logger:set_primary_config(level, none),
    process_flag(trap_exit, true),
    System = case {Workload, Variant} of
                 {"restart", "single"} -> "otp-1sup";
                 _ -> "otp"
             end,
    Opts = #{system => System, n => list_to_integer(N), children => list_to_integer(Children),
             seconds => list_to_float_or_int(Seconds), batch => list_to_integer(Batch),
             variant => Variant},
    Status = try
                 [run(Workload, Opts, Run) || Run <- lists:seq(1 - list_to_integer(Warmup), list_to_integer(Runs))],
                 0
             catch Class:Reason:Stack ->
                     io:format(standard_error, "otp/~s failed: ~p:~p~n~p~n", [Workload, Class, Reason, Stack]),
                     1
             end,
    halt(Status).

list_to_float_or_int(S) ->
    try list_to_float(S) catch error:badarg -> float(list_to_integer(S)) end.

run("restart", #{variant := "single", n := N} = O, Run) ->
    restart(O, N, 1 bsl 40, Run);
run("restart", #{batch := B} = O, Run) ->
    restart(O, B, B, Run);
run("spawnstop", O, Run) ->
    spawnstop(O, Run);
run("storm", #{seconds := S} = O, Run) when Run =< 0 ->
    storm(O#{seconds := min(1.0, S)}, Run);
run("storm", O, Run) ->
    storm(O, Run);
run("tree", O, Run) ->
    tree(O, Run);
run("events", #{seconds := S} = O, Run) when Run =< 0 ->
    events(O#{seconds := min(1.0, S)}, Run);
run("events", O, Run) ->
    events(O, Run).

emit(#{system := System}, Workload, Metric, Unit, Value, Run, N) when Run > 0 ->
    io:format("{\"system\":\"~s\",\"workload\":\"~s\",\"metric\":\"~s\",\"unit\":\"~s\",\"value\":~.3f,\"run\":~b,\"n\":~b}~n",
              [System, Workload, Metric, Unit, float(Value), Run, N]);
emit(_, _, _, _, _, _, _) ->
    ok.

now_ns() -> erlang:monotonic_time(nanosecond).

%% ---- supervisor callbacks ----

init({restart, Intensity, Ctx}) ->
    %% Never gives up within a batch: the intensity is at least the batch's restarts, in 1 s.
    {ok, {#{strategy => one_for_one, intensity => Intensity, period => 1},
          [#{id => failer, start => {?MODULE, start_failer, [Ctx]}, restart => permanent,
             shutdown => brutal_kill}]}};
init({idle, Ctx}) ->
    {ok, {#{strategy => simple_one_for_one},
          [#{id => idle, start => {?MODULE, start_idle, [Ctx]}, restart => permanent}]}};
init({storm, Children, Ctr}) ->
    %% Default settings: intensity 1, period 5 s.
    {ok, {#{},
          [#{id => I, start => {?MODULE, start_stormer, [Ctr]}, restart => permanent}
           || I <- lists:seq(1, Children)]}};
init({tree, Level, Ctx}) when Level < 2 ->
    %% The root (level 0) and the supervisors under it (level 1): one_for_one over 10 supervisors each.
    {ok, {#{strategy => one_for_one},
          [#{id => I, start => {supervisor, start_link, [?MODULE, Child]}, type => supervisor}
           || I <- lists:seq(1, 10),
              Child <- [case Level of 0 -> {tree, 1, Ctx}; 1 -> {idle, Ctx} end]]}};
init({events, Children, Ctr}) ->
    %% Never gives up: intensity 2^40 in 1 s, as otp-1sup's restart.
    {ok, {#{strategy => one_for_one, intensity => 1 bsl 40, period => 1},
          [#{id => I, start => {?MODULE, start_event_child, [Ctr]}, restart => permanent}
           || I <- lists:seq(1, Children)]}}.

%% ---- workload 1: restart latency ----

start_failer(Ctx) -> {ok, spawn_link(fun() -> failer(Ctx) end)}.

failer({Ctr, Times, Limit, Parent}) ->
    T = now_ns(),
    K = atomics:add_get(Ctr, 1, 1),
    atomics:put(Times, K, T),
    case K of
        Limit -> Parent ! {done, self()}, receive stop -> ok end;
        _ -> exit(boom)
    end.

%% N restarts in batches of Batch, each batch under a fresh supervisor of the given intensity.
restart(#{n := N} = O, Batch, Intensity, Run) ->
    T0 = now_ns(),
    Diffs = restart_batches(N, Batch, Intensity, []),
    T1 = now_ns(),
    Sorted = lists:sort(Diffs),
    Len = length(Sorted),
    emit(O, "restart", "p50_growth", "x", tenth_p50(Diffs, Len, 9) / tenth_p50(Diffs, Len, 0), Run, Len),
    emit(O, "restart", "p50", "ns", percentile(Sorted, Len, 50), Run, Len),
    emit(O, "restart", "p99", "ns", percentile(Sorted, Len, 99), Run, Len),
    %% Wall time of all batches, supervisor churn included.
    emit(O, "restart", "restarts_per_s", "1/s", Len / ((T1 - T0) / 1.0e9), Run, Len).

restart_batches(Left, _, _, Acc) when Left =< 0 ->
    lists:append(lists:reverse(Acc));   % in the order they happened
restart_batches(Left, Batch, Intensity, Acc) ->
    B = min(Left, Batch),
    Starts = B + 1,
    Ctr = atomics:new(1, []),
    Times = atomics:new(Starts, [{signed, true}]),
    {ok, Sup} = supervisor:start_link(?MODULE, {restart, Intensity, {Ctr, Times, Starts, self()}}),
    receive {done, _} -> ok after 120000 -> error({stuck, atomics:get(Ctr, 1), Starts}) end,
    stop_sup(Sup),
    Diffs = [atomics:get(Times, I) - atomics:get(Times, I - 1) || I <- lists:seq(2, Starts)],
    restart_batches(Left - B, Batch, Intensity, [Diffs | Acc]).

%% The median of one tenth of the restarts, in order (0 = the first tenth): the last tenth's over
%% the first's shows whether a restart costs more after many recent restarts.
tenth_p50(Diffs, Len, Tenth) ->
    From = Len * Tenth div 10,
    To = max(From + 1, Len * (Tenth + 1) div 10),
    Part = lists:sort(lists:sublist(Diffs, From + 1, To - From)),
    max(1, percentile(Part, length(Part), 50)).

percentile(Sorted, Len, P) ->
    Rank = max(1, min(Len, ceil(P / 100 * Len))),
    lists:nth(Rank, Sorted).

stop_sup(Sup) ->
    MRef = monitor(process, Sup),
    unlink(Sup),
    exit(Sup, shutdown),
    receive {'DOWN', MRef, process, Sup, _} -> ok after 120000 -> error(supervisor_did_not_stop) end,
    receive {'EXIT', Sup, _} -> ok after 0 -> ok end.

%% ---- workloads 2 and 3: spawn and stop N idle children ----

start_idle(Ctx) -> {ok, spawn_link(fun() -> idle(Ctx) end)}.

idle({Ctr, N, Parent}) ->
    case atomics:add_get(Ctr, 1, 1) of
        N -> Parent ! all_running;
        _ -> ok
    end,
    receive after infinity -> ok end.

%% Memory the emulator has allocated (process heaps and control blocks, the supervisor's state, ...).
memory() ->
    erlang:garbage_collect(),
    erlang:memory(total).

spawnstop(#{n := N} = O, Run) ->
    Ctr = atomics:new(1, []),
    {ok, Sup} = supervisor:start_link(?MODULE, {idle, {Ctr, N, self()}}),
    Mem0 = memory(),
    Rss0 = rss(),
    T0 = now_ns(),
    [{ok, _} = supervisor:start_child(Sup, []) || _ <- lists:seq(1, N)],
    receive all_running -> ok after 120000 -> error({stuck, atomics:get(Ctr, 1), N}) end,
    T1 = now_ns(),
    Mem1 = memory(),
    Rss1 = rss(),
    emit(O, "spawn", "ns_per_child", "ns", (T1 - T0) / N, Run, N),
    emit(O, "spawn", "total_ms", "ms", (T1 - T0) / 1.0e6, Run, N),
    emit(O, "spawn", "heap_per_child", "B", (Mem1 - Mem0) / N, Run, N),
    emit(O, "spawn", "rss_per_child", "B", (Rss1 - Rss0) / N, Run, N),
    %% A simple_one_for_one supervisor stops its children all at once: it sends every one of them
    %% the shutdown exit, then waits for all of them.
    T2 = now_ns(),
    stop_sup(Sup),
    T3 = now_ns(),
    emit(O, "stop", "ns_per_child", "ns", (T3 - T2) / N, Run, N),
    emit(O, "stop", "total_ms", "ms", (T3 - T2) / 1.0e6, Run, N).

%% ---- workload 4: restart storm under default settings ----

%% Counted when the supervisor starts the child, not when the child runs: a supervisor that gives up
%% kills the child it has just restarted before that child gets to run.
start_stormer(Ctr) ->
    counters:add(Ctr, 1, 1),
    {ok, spawn_link(fun() -> exit(boom) end)}.

storm(#{children := C, seconds := S} = O, Run) ->
    Ctr = counters:new(1, []),
    Cpu0 = cpu_seconds(),
    T0 = now_ns(),
    {ok, Sup} = supervisor:start_link(?MODULE, {storm, C, Ctr}),
    Left = round(S * 1000 - (now_ns() - T0) / 1.0e6),
    timer:sleep(max(0, Left)),
    Cpu = cpu_seconds() - Cpu0,
    Restarts = counters:get(Ctr, 1) - C,
    %% With default settings the supervisor gives up (it exits) after its second restart in 5 s.
    case is_process_alive(Sup) of
        true -> stop_sup(Sup);
        false -> receive {'EXIT', Sup, _} -> ok after 0 -> ok end
    end,
    emit(O, "storm", "cpu_s", "s", Cpu, Run, C),
    emit(O, "storm", "restarts", "count", Restarts, Run, C),
    emit(O, "storm", "window_s", "s", S, Run, C).

%% ---- tree: spawn and stop a three-level tree of supervisors ----

%% The root, a one_for_one supervisor, over 10 one_for_one supervisors over 10 bottom supervisors each,
%% all started by supervisor:start_link of the root (static child specs, type supervisor). The bottom
%% ones are simple_one_for_one, as in spawnstop: the leaves are added by supervisor:start_child, N/100 to
%% each, from this process one after the other (found with which_children). Spawn is timed from starting
%% the root until the last leaf has begun to run; stop is exit(Root, shutdown), timed until the root is
%% down. A one_for_one supervisor stops its children one after the other (in reverse start order, each
%% waited for), so the 100 bottom supervisors stop in turn; each of them stops its leaves all at once.
tree(#{n := N0} = O, Run) ->
    Per = N0 div 100,
    Per >= 1 orelse error({tree_needs_at_least_100_leaves, N0}),
    N = Per * 100,
    Ctr = atomics:new(1, []),
    Mem0 = memory(),
    Rss0 = rss(),
    T0 = now_ns(),
    {ok, Root} = supervisor:start_link(?MODULE, {tree, 0, {Ctr, N, self()}}),
    Bottoms = [B || {_, Mid, supervisor, _} <- supervisor:which_children(Root),
                    {_, B, supervisor, _} <- supervisor:which_children(Mid)],
    100 = length(Bottoms),
    [{ok, _} = supervisor:start_child(B, []) || B <- Bottoms, _ <- lists:seq(1, Per)],
    receive all_running -> ok after 120000 -> error({stuck, atomics:get(Ctr, 1), N}) end,
    T1 = now_ns(),
    Mem1 = memory(),
    Rss1 = rss(),
    emit(O, "tree_spawn", "ns_per_leaf", "ns", (T1 - T0) / N, Run, N),
    emit(O, "tree_spawn", "total_ms", "ms", (T1 - T0) / 1.0e6, Run, N),
    emit(O, "tree_spawn", "heap_per_leaf", "B", (Mem1 - Mem0) / N, Run, N),
    emit(O, "tree_spawn", "rss_per_leaf", "B", (Rss1 - Rss0) / N, Run, N),
    T2 = now_ns(),
    stop_sup(Root),
    T3 = now_ns(),
    emit(O, "tree_stop", "ns_per_leaf", "ns", (T3 - T2) / N, Run, N),
    emit(O, "tree_stop", "total_ms", "ms", (T3 - T2) / 1.0e6, Run, N).

%% ---- events: event delivery to a listener during a restart storm ----

%% Counted by the child when it runs (slot 1); this supervisor never gives up, so every start runs.
start_event_child(Ctr) ->
    {ok, spawn_link(fun() -> counters:add(Ctr, 1, 1), exit(boom) end)}.

%% The listener: a logger handler (this module) whose log/2 counts every event it is given (slot 2).
%% It runs in the process that logs, the supervisor, and formats nothing.
log(_Event, #{config := #{counter := Ctr}}) ->
    counters:add(Ctr, 2, 1).

%% C children that exit at once on every start, under one one_for_one supervisor that never gives up
%% (intensity 2^40 per 1 s: as otp-1sup, it walks its list of the last second's restarts on every
%% restart), for S seconds, with a logger handler counting what reaches it. The supervisor logs a
%% child_terminated supervisor report (error) and a progress report (info) per restart: the primary
%% level is set to info for the window so that both reach the handler, and the default handler is
%% removed so that nothing is printed. Measured in the window: the process's CPU time, the events the
%% handler received and the restarts (starts minus C, counted by the children).
events(#{children := C, seconds := S} = O, Run) ->
    Ctr = counters:new(2, [write_concurrency]),
    _ = logger:remove_handler(default),
    ok = logger:add_handler(arbor_bench_counter, ?MODULE,
                            #{level => all, filter_default => log, filters => [],
                              config => #{counter => Ctr}}),
    ok = logger:set_primary_config(level, info),
    Cpu0 = cpu_seconds(),
    T0 = now_ns(),
    {ok, Sup} = supervisor:start_link(?MODULE, {events, C, Ctr}),
    Left = round(S * 1000 - (now_ns() - T0) / 1.0e6),
    timer:sleep(max(0, Left)),
    Cpu = cpu_seconds() - Cpu0,
    Restarts = counters:get(Ctr, 1) - C,
    Events = counters:get(Ctr, 2),
    stop_sup(Sup),
    ok = logger:set_primary_config(level, none),
    ok = logger:remove_handler(arbor_bench_counter),
    emit(O, "events", "events_per_s", "1/s", Events / S, Run, C),
    emit(O, "events", "cpu_ns_per_event", "ns", Cpu * 1.0e9 / Events, Run, C),
    emit(O, "events", "restarts_per_s", "1/s", Restarts / S, Run, C),
    emit(O, "events", "cpu_ns_per_restart", "ns", Cpu * 1.0e9 / Restarts, Run, C),
    emit(O, "events", "events_per_restart", "x", Events / Restarts, Run, C),
    emit(O, "events", "cpu_s", "s", Cpu, Run, C).

%% ---- process measurements, read as the JVM and Go sides read them ----

%% user + system CPU time of the emulator process (all threads), from /proc/self/stat.
cpu_seconds() ->
    {ok, Bin} = file:read_file("/proc/self/stat"),
    S = binary_to_list(Bin),
    Rest = string:slice(S, string:rchr(S, $)) + 1),
    Fields = string:lexemes(Rest, " "),
    (list_to_integer(lists:nth(12, Fields)) + list_to_integer(lists:nth(13, Fields))) / 100.

rss() ->
    case file:read_file("/proc/self/status") of
        {ok, Bin} ->
            [Line] = [L || L <- string:split(binary_to_list(Bin), "\n", all), lists:prefix("VmRSS:", L)],
            [_, Kb | _] = string:lexemes(Line, " \t"),
            list_to_integer(Kb) * 1024;
        _ -> -1
    end.
