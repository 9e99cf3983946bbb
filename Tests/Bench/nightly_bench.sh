#!/usr/bin/env bash
# The nightly benchmark (`make bench-nightly`): whole runs of the release binary on one
# generated export, as the nights of a real installation follow each other:
#   1. cold      — a fresh output folder (every document, page, PDF and ledger entry made);
#   2. no change — the same export again: the run finds export, configuration, as-of date, program
#                  and output as the last run left them and writes nothing (Sources/Pipeline/UnchangedRun.swift);
#   3. full      — the same again with `--full-run`: every stage runs on unchanged data (what a night
#                  costs when only something outside the export changed, and what step 2 cost before);
#   4. 1 %       — every 100th case edited (Tests/Bench/mutate_export.py), then run again;
#   5. report    — `sanxiang report --year` for the year before the as-of date (the statistics office's command);
#   6. afterrep  — the night after it, the export unchanged (its output is not the recorded one: the report's files).
#   7. rules     — a disclosure rule changed (evidence no longer published, in a copy of CONFIG beside it): every public
#                  case changes and every page is written again (1,132 MiB at 100,000 cases before session 36).
# Each run is timed by /usr/bin/time -v: wall time, CPU time, peak RSS (and by the run itself per
# stage, `run --timings`, printed after the table); documents per second
# counts every document the run's output holds (rendered or kept) over the run's wall time. Last, each of
# issue #15's goals for one machine with its figure and whether it is met.
#
# Environment: CASES (default 100000), BENCH_DIR (default /tmp/sanxiang-nightly-$CASES),
# AS_OF (default 2026-01-06, the generator's export date), BIN (default .build/release/sanxiang),
# CONFIG (default pipeline.yml). The export is generated once per CASES and kept in $BENCH_DIR/base.
set -euo pipefail

CASES=${CASES:-100000}
BENCH_DIR=${BENCH_DIR:-/tmp/sanxiang-nightly-$CASES}
AS_OF=${AS_OF:-2026-01-06}
BIN=${BIN:-.build/release/sanxiang}
CONFIG=${CONFIG:-pipeline.yml}
BASE=$BENCH_DIR/base
INPUT=$BENCH_DIR/input
OUT=$BENCH_DIR/out

if [ ! -f "$BASE/cases.csv" ]; then
  echo "== generating $CASES cases into $BASE (once)"
  rm -rf "$BASE"
  python3 Tests/Fixtures/gen_export.py --out "$BASE" --cases "$CASES" --seed 7 --no-media >/dev/null
fi
# The runs read one folder (the input path is part of what a run records), refreshed from the base.
rm -rf "$INPUT" "$OUT"
cp -a "$BASE" "$INPUT"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "export: $CASES cases (gen_export.py --seed 7 --no-media), as of $AS_OF, binary $BIN"
printf '%-10s %9s %9s %9s %10s %10s %10s %9s\n' run wall_s user_s sys_s docs docs/s rendered peak_MiB

# Runs a sanxiang command once under /usr/bin/time and prints one line of figures: the label, the command
# (`run`, `report`), then its own arguments after the common ones.
timed() {
  local label=$1 command=$2 log=$BENCH_DIR/$1.time status=0
  shift 2
  /usr/bin/time -v -o "$log" "$BIN" "$command" --config "$CONFIG" --input "$INPUT" --output "$OUT" --as-of "$AS_OF" "$@" \
    >"$BENCH_DIR/$label.out" 2>&1 || status=$?
  # 3: rows set aside, 4: the publication gate withheld cases — both are ordinary nights.
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ "$status" -ne 4 ]; then
    echo "$label: sanxiang exited with $status; see $BENCH_DIR/$label.out" >&2
    tail -5 "$BENCH_DIR/$label.out" >&2
    exit 1
  fi
  cp "$OUT/run-summary.json" "$BENCH_DIR/$label.summary.json"
  python3 - "$label" "$log" "$OUT/run-summary.json" "$BENCH_DIR/$label.out" "$command" <<'EOF'
import json, sys
label, log, summary, out, command = sys.argv[1:]
times = {}
for line in open(log):
    key, _, value = line.strip().rpartition(": ")
    times[key] = value
def seconds(text):
    parts = [float(p) for p in text.split(":")]
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total
wall = seconds(times["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
rss = int(times["Maximum resident set size (kbytes)"]) / 1024
documents = json.load(open(summary)).get("documents") or {}
docs = documents.get("documents", 0)
rendered = docs - documents.get("kept", 0)
# A run that found nothing changed leaves the last run's run-summary.json and says so on the terminal.
if "未重新生成任何文件" in open(out, encoding="utf-8").read() or command != "run":
    rendered = 0
print(f"{label:<10} {wall:9.2f} {float(times['User time (seconds)']):9.2f} {float(times['System time (seconds)']):9.2f} "
      f"{docs:10d} {docs / wall if wall else 0:10.0f} {rendered:10d} {rss:9.0f}")
# Kept for the goals' verdict at the end.
with open(f"{log}.figures", "w") as figures:
    figures.write(f"{wall} {rss}\n")
EOF
}

# A nightly run: extra arguments go to `sanxiang run`.
timed_run() {
  local label=$1
  shift
  timed "$label" run --timings "$@"
}

# Issue #15's goals for one machine, each run against its own: cold <= 5 min, no change <= 10 s, 1 % <= 15 s,
# every run's peak RSS <= 1 GiB. (The last goal, memory that grows with the largest agency rather than with the
# export, is not a figure of one export: see README, "规模".)
goals() {
  python3 - "$BENCH_DIR" "$CASES" <<'EOF'
import sys
folder, cases = sys.argv[1], int(sys.argv[2])
figures = {}
for label in ("cold", "nochange", "full", "onepct", "report", "afterrep", "rules"):
    wall, rss = open(f"{folder}/{label}.time.figures").read().split()
    figures[label] = (float(wall), float(rss))
scale = "" if cases == 100000 else f" — set for 100,000 cases, this export has {cases:,}"
print(f"goals (issue #15, this machine{scale}):")
for label, name, limit in (("cold", "cold run", 300), ("nochange", "no change", 10), ("onepct", "1 % changed", 15)):
    wall = figures[label][0]
    print(f"  {name:<12} wall {wall:8.2f} s    goal <= {limit:4d} s    {'met' if wall <= limit else 'NOT MET'}")
worst = max(figures, key=lambda label: figures[label][1])
peak = figures[worst][1]
print(f"  peak RSS     {peak:8.0f} MiB  goal <= 1024 MiB  {'met' if peak <= 1024 else 'NOT MET'} (highest: {worst})")
EOF
}

timed_run cold
timed_run nochange
timed_run full --full-run
python3 Tests/Bench/mutate_export.py --export "$INPUT" >"$BENCH_DIR/mutate.out"
timed_run onepct
# The statistics office's `report --year` for last year on the same output, and the night after it: the report swaps
# public/ with every kept file hard-linked, so that night's output is never the one its record describes, and it works
# out which files to make again from the whole record (over 1 GiB at 100,000 cases before session 35).
timed report report --year $((${AS_OF:0:4} - 1))
timed_run afterrep
# The copy sits beside CONFIG: the paths in it are relative to its folder.
RULES_CONFIG=$(dirname "$CONFIG")/.bench-rules-$$.yml
trap 'rm -f "$RULES_CONFIG"' EXIT
sed 's/^\(    evidence:\) transform/\1 drop/' "$CONFIG" >"$RULES_CONFIG"
if cmp -s "$CONFIG" "$RULES_CONFIG"; then
  echo "rules: $CONFIG has no 'evidence: transform' line under disclosure.fields to change" >&2
  exit 1
fi
CONFIG=$RULES_CONFIG timed_run rules
echo "($(cat "$BENCH_DIR/mutate.out"); logs and summaries in $BENCH_DIR)"
goals
# Where each run's time went (`run --timings`: wall and CPU seconds per stage, peak RSS at each stage's end).
for label in cold nochange full onepct afterrep rules; do
  echo "== $label"
  sed -n '/^阶段用时/,/^  total/p' "$BENCH_DIR/$label.out"
done
