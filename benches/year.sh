#!/usr/bin/env bash
# Look-back benchmark: a year of orders for 1,000,000 customers (50 shops),
# then the two jobs that read the whole year: customer_profile (365 days of
# orders and refunds) and basket_rules over 365 days instead of its default 90
# (a copy of the project with `orders = { days = 365 }` and `window_days = 365`). Prints wall time and
# peak RSS of each, and how many planted RFM segments the profile recovered.
#
# Measured (2 cores, 24 GB, 2026-11-25): generate 365 days 2:13 / 6.4 GB
# (6,567,010 orders, 1,210,667 refunds); customer_profile 60.1 s / 2.07 GB peak
# RSS (701,130 customers; 48.5 s / 1.93 GB before the evidence columns
# last_order_id, complaint_session_ids, tag_evidence; 63.2 s / 2.88 GB while
# complaint ids took a second scan of session_facts); basket_rules over 365
# days 22.8-27.8 s / 1.15-1.19 GB (1,612 rules, period 2025-11-11..2026-11-10;
# 20.9 s / 967 MB before example_orders and the window filter);
# planted segments matched 700,346 / 700,413 buyers.
#
#   cargo build --release -p voc-cli && benches/year.sh [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
voc="${VOC_BIN:-$here/target/release/voc}"
work="${1:-/tmp/voc-bench-year}"
customers="${CUSTOMERS:-1000000}"
[ -x "$voc" ] || { echo "build first: cargo build --release -p voc-cli (or set VOC_BIN)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"
export VOC_LOG=warn
first=2025-11-11 last=2026-11-10
measure() { # name, command...
    local name=$1; shift
    /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out"
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$work/$name.time" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$work/$name.time" | awk '{print $NF}')
    printf '%-26s wall %9s   peak RSS %6d MB\n' "$name" "$wall" $((rss / 1024))
}
# Few chat sessions a day: only the last two days' chats feed the profile here.
measure generate "$voc" generate --out "$work/in" --start "$first" --days 365 --shops 50 \
    --customers "$customers" --sessions-per-day 2000 --seed 1
grep -E "^  (orders|refunds) " "$work/generate.out" || true
roots=(--input "$work/in" --output "$work/out")
prev=$(date -d "$last - 1 day" +%F)
"$voc" --project "$here" run message_insights --date "$prev" "${roots[@]}" > /dev/null
"$voc" --project "$here" run message_insights --date "$last" "${roots[@]}" > /dev/null
"$voc" --project "$here" run session_facts --date "$last" "${roots[@]}" > /dev/null
measure customer_profile "$voc" --project "$here" run customer_profile --date "$last" "${roots[@]}"
project="$work/project"
mkdir -p "$project"
for f in jobs sql config voc.toml; do
    if [ -e "$here/$f" ]; then cp -r "$here/$f" "$project/"; fi
done
sed -i 's/^orders = { days = 90 }.*/orders = { days = 365 }/' "$project/jobs/basket_rules.toml"
sed -i 's/^window_days = 90 /window_days = 365 /' "$project/jobs/basket_rules.toml"
grep -q "orders = { days = 365 }" "$project/jobs/basket_rules.toml"
grep -q "window_days = 365" "$project/jobs/basket_rules.toml"
measure basket_rules_365d "$voc" --project "$project" run basket_rules --date "$last" "${roots[@]}"
"$voc" --project "$here" sql "${roots[@]}" --format csv -- "
    SELECT COUNT(*) AS planted_buyers, SUM(CASE WHEN p.rfm_segment = t.segment THEN 1 ELSE 0 END) AS matched,
           (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM customer_profile) AS profiles,
           (SELECT COUNT(*) FROM basket_rules) AS rules
    FROM '$work/in/_truth/customer_segments/part-00000.parquet' t
    LEFT JOIN customer_profile p ON p.customer_id = t.customer_id"
