#!/usr/bin/env bash
# Cluster benchmark: the 1M-message day of benches/pipeline.sh, every job run
# locally and on a loopback Ballista cluster (one scheduler, two executors, all
# started from the same voc binary on this machine), job by job in dependency
# order so that each job's costs can be told apart.
#
# For each job and mode it prints the wall time of `voc run JOB --date D`, the
# split the manifest records (inputs = listing and registering input files;
# plan = physical planning on the client; wait = until the first result rows
# reach the client, which on the cluster is the whole distributed job:
# scheduling, tasks, shuffle; write = fetching the rest and writing Parquet;
# checks; commit) and, on the cluster, the shuffle bytes the executors wrote
# to their work dirs and the bytes that crossed loopback during the job
# (scheduler gRPC, shuffle fetches between executors and results to the
# client; inputs and outputs are file:// here, so no storage traffic).
# Peak RSS of each cluster process is printed at the end.
#
#   cargo build --release -p voc-cli && benches/cluster.sh [WORKDIR]
#
# Environment: SESSIONS_PER_DAY (94000 ≈ 1M chat messages), VCORES (task slots
# per executor, 1: two executors on two cores).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
voc="${VOC_BIN:-$here/target/release/voc}"
work="${1:-/tmp/voc-bench-cluster}"
sessions="${SESSIONS_PER_DAY:-94000}"
vcores="${VCORES:-1}"
[ -x "$voc" ] || { echo "build first: cargo build --release -p voc-cli (or set VOC_BIN)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"
export VOC_LOG=warn
day=2026-11-10

echo "generating 2 days, $sessions chat sessions a day …"
"$voc" generate --out "$work/in" --start 2026-11-09 --days 2 --shops 50 --customers "${CUSTOMERS:-500000}" \
    --sessions-per-day "$sessions" --seed 1 | grep -E "chat_messages|call_transcripts|orders " || true
# D-1 once, locally: the lagged jobs of D read D-1's message_insights; both modes start from it.
"$voc" --project "$here" run --all --date 2026-11-09 --input "$work/in" --output "$work/local" > /dev/null
cp -r "$work/local" "$work/cluster"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sport=$(port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
# Cluster processes log at info (tasks started are counted from the executors' logs).
VOC_LOG=info VOC_LOG_FORMAT=text "$voc" --project "$here" cluster scheduler --bind "127.0.0.1:$sport" --external-host 127.0.0.1 \
    > "$work/scheduler.log" 2>&1 &
pids+=($!)
health=()
for i in 0 1; do
    hp=$(port)
    health+=("$hp")
    VOC_LOG=info VOC_LOG_FORMAT=text "$voc" --project "$here" cluster executor --scheduler "df://127.0.0.1:$sport" --bind-host 127.0.0.1 \
        --external-host 127.0.0.1 --port "$(port)" --grpc-port "$(port)" --health-port "$hp" \
        --work-dir "$work/executor-$i" --vcores "$vcores" > "$work/executor-$i.log" 2>&1 &
    pids+=($!)
done
for _ in $(seq 1 100); do
    ok=1
    curl -sf "http://127.0.0.1:$sport/readyz" > /dev/null || ok=0
    for hp in "${health[@]}"; do curl -sf "http://127.0.0.1:$hp/readyz" > /dev/null || ok=0; done
    [ "$ok" = 1 ] && break
    sleep 0.3
done
[ "$ok" = 1 ] || { echo "the cluster did not get ready; see $work/*.log" >&2; exit 1; }

lo() { cat /sys/class/net/lo/statistics/rx_bytes; }
# Shuffle bytes of the Ballista jobs a voc job runs: a sampler walks the executors' work dirs
# (work-dir/<ballista job>/<stage>/…) every 50 ms while the voc job runs and keeps the largest
# size seen of each stage folder; Ballista removes a job's intermediate stages as soon as the
# job succeeds, so this is a lower bound (a stage written and dropped within 50 ms is missed).
sampler() { # stop-file, out-file
    python3 - "$work" "$1" "$2" <<'PY'
import os, sys, time, pathlib
work, stop, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
seen = {}
def ls(d):  # folders come and go while we look
    try:
        return [os.path.join(d, e) for e in os.listdir(d)]
    except OSError:
        return []
def sample():
    for stage in (s for e in ls(work) if "/executor-" in e for j in ls(e) for s in ls(j)):
        size = 0
        for root, _, files in os.walk(stage):
            for f in files:
                try:
                    size += os.path.getsize(os.path.join(root, f))
                except OSError:
                    pass
        seen[stage] = max(seen.get(stage, 0), size)
before = None
while True:
    sample()
    if before is None:
        before = dict(seen)  # what earlier voc jobs left: not this job's
    if stop.exists():
        sample()
        break
    time.sleep(0.05)
open(out, "w").write(str(sum(v for k, v in seen.items() if k not in before)))
PY
}

jobs=$("$voc" --project "$here" list | grep -E '^[a-z_]+ ' | awk '{print $1}')
# Tasks the executors started: "Execute task  : [TID job/stage.attempt/task.attempt]".
tasks_log() { { cat "$work"/executor-*.log | grep -o 'Execute task  : \[TID [^]]*' || true; } | sed 's/.*TID //' | sort; }
printf '%s\n' "mode job wall_s lo_bytes shuffle_bytes tasks stages max_tasks_per_stage" > "$work/jobs.txt"
for mode in local cluster; do
    for job in $jobs; do
        args=(--project "$here" run "$job" --date "$day" --input "$work/in" --output "$work/$mode")
        [ "$mode" = cluster ] && args+=(--cluster "df://127.0.0.1:$sport")
        tasks_log > "$work/tasks.before"
        rm -f "$work/stop"
        sampler "$work/stop" "$work/shuffle.txt" &
        spid=$!
        sleep 0.3
        l0=$(lo); t0=$(date +%s.%N)
        "$voc" "${args[@]}" > /dev/null
        t1=$(date +%s.%N); l1=$(lo)
        touch "$work/stop"; wait "$spid"; new_shuffle=$(cat "$work/shuffle.txt")
        # the tasks this voc job ran: stages are job/stage; tasks per stage, the widest
        new_tasks=$(tasks_log | comm -13 "$work/tasks.before" -)
        ntasks=$(printf '%s' "$new_tasks" | grep -c . || true)
        per_stage=$(printf '%s\n' "$new_tasks" | { grep . || true; } | sed 's/\..*//' | sort | uniq -c | awk '{print $1}')
        nstages=$(printf '%s' "$per_stage" | grep -c . || true)
        widest=$(printf '%s\n' "$per_stage" | sort -n | tail -1)
        echo "$mode $job $(python3 -c "print($t1 - $t0)") $((l1 - l0)) $new_shuffle $ntasks $nstages ${widest:-0}" \
            >> "$work/jobs.txt"
    done
done

python3 - "$work" "$day" <<'PY'
import json, pathlib, sys, collections
work, day = pathlib.Path(sys.argv[1]), sys.argv[2]
runs = collections.defaultdict(dict)
for line in (work / "jobs.txt").read_text().splitlines()[1:]:
    mode, job, wall, lo, sh, tasks, stages, widest = line.split()
    runs[job][mode] = dict(wall=float(wall), lo=int(lo), shuffle=int(sh), tasks=f"{tasks}/{stages}/{widest}")
def split(mode, job):
    for m in sorted((work / mode).glob("*/dt=*/_SUCCESS")):
        j = json.loads(m.read_text())
        if j["job"] == job and j["date"] == day:
            t = j["timings_ms"]
            part = lambda p: sum(v for k, v in t.items() if k.startswith(p)) / 1000
            rows = sum(i["rows"] for i in j["inputs"])
            return rows, t.get("inputs", 0) / 1000, part("plan:"), part("wait:"), part("write:"), part("checks:"), t.get("commit", 0) / 1000
    return 0, 0, 0, 0, 0, 0, 0
print(f"{'job':<19}{'mode':<8}{'rows read':>11}{'wall s':>8}{'inputs':>8}{'plan':>7}{'wait':>7}{'write':>7}{'checks':>7}{'commit':>7}{'shuffle MB':>11}{'loopback MB':>12}{'tasks/stages/widest':>21}")
total = collections.Counter()
for job, modes in runs.items():
    for mode in ("local", "cluster"):
        r = modes[mode]
        rows, inp, plan, wait, write, checks, commit = split(mode, job)
        total[mode] += r["wall"]
        sh = f"{r['shuffle'] / 1e6:.1f}" if mode == "cluster" else "-"
        lo = f"{r['lo'] / 1e6:.1f}" if mode == "cluster" else "-"
        tasks = r["tasks"] if mode == "cluster" else "-"
        print(f"{job:<19}{mode:<8}{rows:>11,}{r['wall']:>8.1f}{inp:>8.1f}{plan:>7.1f}{wait:>7.1f}{write:>7.1f}{checks:>7.1f}{commit:>7.1f}{sh:>11}{lo:>12}{tasks:>21}")
print(f"all jobs: local {total['local']:.1f} s, cluster {total['cluster']:.1f} s")
PY
for p in "${pids[@]}"; do
    printf 'peak RSS pid %s (%s): %s\n' "$p" "$(tr '\0' ' ' < /proc/"$p"/cmdline | awk '{print $4, $5}')" \
        "$(grep VmHWM /proc/"$p"/status | awk '{print $2/1024 " MB"}')"
done
