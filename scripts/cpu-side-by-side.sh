#!/usr/bin/env bash
# The renderer on this machine's CPU at one intra-op thread: the official PyTorch modules, ours, the official
# again, one after another in one invocation, timed by each process's CPU time (a shared machine's wait for
# a core is not counted). Writes JSON lines and the table into the folder given (default /tmp/joyvasa-cpu).
#
#   nice bash scripts/cpu-side-by-side.sh [folder] [runs]
#
# Needs Debian's python3-torch and python3-yaml (apt-get install python3-torch python3-yaml) and ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/joyvasa-cpu}
runs=${2:-2}
mkdir -p "$out"
official() {
  /usr/bin/python3 "$here/scripts/official-cpu-clock.py" "$here/../shared/bench/official_renderer.py" \
    --device cpu --threads 1 --reps "$runs" >"$out/official-$1.jsonl"
}
{ date -u +%FT%TZ; uptime; } >"$out/machine.txt"
official 1
(cd "$here" && pnpm --silent bench:render --device cpu --threads 1 --runs "$runs" --clock cpu --json \
  >"$out/ours.jsonl" 2>"$out/ours.log")
official 2
{ date -u +%FT%TZ; uptime; } >>"$out/machine.txt"
(cd "$here" && pnpm --silent exec tsx packages/pipeline/scripts/render-table.ts --ours "$out/ours.jsonl" \
  --official "$out/official-1.jsonl" --title "CPU, 1 intra-op thread, CPU-time clock") >"$out/table-1.md"
(cd "$here" && pnpm --silent exec tsx packages/pipeline/scripts/render-table.ts --ours "$out/ours.jsonl" \
  --official "$out/official-2.jsonl" --title "CPU, 1 intra-op thread, CPU-time clock") >"$out/table-2.md"
cat "$out/table-1.md" "$out/table-2.md"
