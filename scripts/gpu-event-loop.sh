#!/usr/bin/env bash
# The caller's event loop during a CPU generate() (issue 19, point 2) on the GPU machine's idle CPU:
# packages/pipeline/scripts/bench-event-loop.ts bundled twice, against this tree's SDK and against
# BASE_COMMIT's (default 58fd860: main before issue-19c), the two taking turns run by run.
#
#   bash scripts/gpu-event-loop.sh prepare [BASE_COMMIT]   # here: fills .device/bench-19c/ (git-ignored)
#   bash .device/bench-19c/gpu-event-loop.sh run            # there: $OUT/event-loop-*.json, $OUT/event-loop.md
#
# It needs only Node and onnxruntime-node's CPU part: the carried .device/node.xz and .device/ort-node.tar.xz
# (scripts/gpu-bench.sh prepare makes them), no CUDA provider. Environment: ROUNDS (3), SECONDS_AUDIO (4),
# CORES (all; e.g. 2 pins the process to cores 0-1 with taskset, as on the shared VM), WORK (/tmp/joyvasa-cpu).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-/tmp/joyvasa-cpu}

prepare() {
  set -e
  local repo base=${1:-58fd860} device_dir tree=/tmp/joyvasa-event-loop-base
  repo=$(cd "$here/.." && pwd)
  device_dir=${DEVICE_DIR:-$repo/.device}/bench-19c
  mkdir -p "$device_dir"
  bash "$repo/scripts/bundle-bench.sh" "$repo" bench-event-loop "$device_dir/event-loop-new.mjs"
  rm -rf "$tree"
  git -C "$repo" worktree prune
  git -C "$repo" worktree add --detach "$tree" "$base" >/dev/null
  (cd "$tree" && pnpm install --frozen-lockfile --prefer-offline >/dev/null)
  # The measuring script is this tree's; the SDK under it the baseline's.
  for script in bench-event-loop bench-bundle machine-load; do
    cp "$repo/packages/pipeline/scripts/$script.ts" "$tree/packages/pipeline/scripts/"
  done
  bash "$repo/scripts/bundle-bench.sh" "$tree" bench-event-loop "$device_dir/event-loop-base.mjs"
  git -C "$tree" rev-parse --short HEAD >"$device_dir/base-commit.txt"
  git -C "$repo" rev-parse --short HEAD >"$device_dir/new-commit.txt"
  git -C "$repo" worktree remove --force "$tree"
  cp "$repo/scripts/gpu-event-loop.sh" "$device_dir/"
  ls -l "$device_dir"
}

# Node and onnxruntime-node under $work, from the files carried in .device/.
install_runtime() {
  local device_dir
  device_dir=$(cd "$here/.." && pwd)
  mkdir -p "$work"
  [ -x "$work/node" ] || { xz -dc "$device_dir/node.xz" >"$work/node" && chmod +x "$work/node"; }
  [ -d "$work/node_modules/onnxruntime-node" ] || tar xJf "$device_dir/ort-node.tar.xz" -C "$work"
  cp "$here"/event-loop-*.mjs "$work/"
}

run() {
  local out=${OUT:-/tmp/joyvasa-out} pin=()
  mkdir -p "$out"
  exec > >(tee -a "$out/event-loop-log.txt") 2>&1
  date -u +%FT%TZ
  nproc
  install_runtime
  [ -z "${CORES:-}" ] || pin=(taskset -c "0-$((CORES - 1))")
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for tree in new base; do
      echo "== round $round $tree $(cut -c1-9 "$here/$tree-commit.txt") load $(cut -d' ' -f1-3 /proc/loadavg)"
      (cd "$work" && timeout 240 "${pin[@]}" ./node "event-loop-$tree.mjs" --threads main,worker --repeat 1 \
        --seconds "${SECONDS_AUDIO:-4}" --out "$out/event-loop-$tree-$round.json")
    done
  done
  "$work/node" -e '
    const fs = require("node:fs");
    const dir = process.argv[1];
    console.log("| tree | round | mode | load avg before | p50 | p99 | max | probe > 100 ms late | calling thread busy | generate() wall | busy cores |");
    console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const f of fs.readdirSync(dir).filter((f) => /^event-loop-.*\.json$/.test(f)).sort()) {
      const [, tree, round] = f.match(/^event-loop-(\w+)-(\d+)\.json$/);
      for (const r of JSON.parse(fs.readFileSync(dir + "/" + f, "utf8")).runs) {
        const d = r.delayMs;
        console.log(`| ${tree} | ${round} | ${r.thread} | ${r.loadAverageBefore.toFixed(1)} | ${d.p50} ms | **${d.p99} ms** | ${d.max} ms | ${(100 * r.stalledShare).toFixed(1)} % | ${(100 * r.loopUtilization).toFixed(0)} % | ${r.wallSeconds.toFixed(1)} s | ${r.busyCores.toFixed(1)} |`);
      }
    }
  ' "$out" | tee "$out/event-loop.md"
}

case "${1:-}" in
  prepare) prepare "${2:-}" ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-event-loop.sh prepare [BASE_COMMIT] | bash .device/bench-19c/gpu-event-loop.sh run" >&2; exit 2 ;;
esac
