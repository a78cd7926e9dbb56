#!/usr/bin/env bash
# Whole-pipeline benchmark: one day of ~1,000,000 chat messages (plus the
# proportional calls, sessions, orders, …), `voc run --all --date D` as the
# scheduler runs it every day, on this machine.
#
# Generates D-1 and D (~1M messages each), runs --all for D-1 first (so that
# the lagged jobs have D-1's message_insights), then measures the run for D:
# message_insights and risk process D, session_facts / qa / service_kpi close
# D-1 — each job handles one full day. Prints wall time and peak RSS of the
# whole run and, from the _SUCCESS manifests, rows read/written and rows/s
# per job.
#
#   cargo build --release -p voc-cli && benches/pipeline.sh [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
voc="${VOC_BIN:-$here/target/release/voc}"
work="${1:-/tmp/voc-bench-pipeline}"
sessions="${SESSIONS_PER_DAY:-94000}"
[ -x "$voc" ] || { echo "build first: cargo build --release -p voc-cli (or set VOC_BIN)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"
export VOC_LOG=warn
echo "generating 2 days, $sessions chat sessions a day …"
"$voc" generate --out "$work/in" --start 2026-11-09 --days 2 --shops 50 --customers 500000 \
    --sessions-per-day "$sessions" --seed 1 | grep -E "chat_messages|chat_sessions|call_transcripts|orders " || true
"$voc" --project "$here" run --all --date 2026-11-09 --input "$work/in" --output "$work/out" > /dev/null
/usr/bin/time -v -o "$work/time.txt" "$voc" --project "$here" run --all --date 2026-11-10 \
    --input "$work/in" --output "$work/out" > "$work/run.txt"
wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
echo "voc run --all --date 2026-11-10: wall $wall, peak RSS $((rss / 1024)) MB"
python3 - "$work/out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print(f"{'job':<20}{'partition':<12}{'rows read':>12}{'rows written':>14}{'seconds':>9}{'rows read/s':>13}")
seen = set()
for m in sorted(out.glob("*/dt=*/_SUCCESS")):
    j = json.loads(m.read_text())
    if j["date"] != "2026-11-10" or j["job"] in seen:
        continue
    seen.add(j["job"])
    read = sum(i["rows"] for i in j["inputs"])
    wrote = sum(o["rows"] for o in j["outputs"])
    s = j["timings_ms"]["total_before_commit"] / 1000  # the manifest is written before the commit step
    print(f"{j['job']:<20}{j['partition_date']:<12}{read:>12,}{wrote:>14,}{s:>9.2f}{read / s:>13,.0f}")
PY
