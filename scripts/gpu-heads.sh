#!/usr/bin/env bash
# Several live heads in one process on one GPU (issue 19, point 4): bench-live with --heads, at wall-clock
# speed, on the official-size bundle with the renderer. One device call:
#   1 head (the baseline of the day), 4 heads each with its own sessions, the same 4 heads with their
#   sessions on the calling thread (before: onnxruntime-node's own way), and 4 streams on one shared head.
#
#   bash scripts/gpu-heads.sh prepare   # here: bundles bench-live into .device/bench-19b/ (git-ignored)
#   bash .device/bench-19b/gpu-heads.sh run   # there: writes $OUT/heads-*.json and $OUT/heads.md
#
# On the GPU machine it uses the runtime scripts/gpu-bench.sh installed under /tmp/joyvasa-gpu (Node,
# onnxruntime-node 1.29, the CUDA provider); when that is missing it installs it the same way, from the
# carried .device/node.xz and .device/ort-node.tar.xz and the provider parts staged in /tmp/joyvasa-parts.
# Environment: SECONDS_PER_RUN (default 20), HEADS (4), RENDER_BATCH (1), SKIP_MAIN_THREAD=1, SKIP_SHARED=1; for a dry run
# on a CPU: WORK (a folder with node and node_modules), DEVICE=cpu, BUNDLE=fixture.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-/tmp/joyvasa-gpu}
parts=/tmp/joyvasa-parts

prepare() {
  set -e
  local repo device_dir esbuild
  repo=$(cd "$here/.." && pwd)
  device_dir=${DEVICE_DIR:-$repo/.device}/bench-19b
  mkdir -p "$device_dir"
  esbuild=$(ls -d "$repo"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
  "$esbuild" "$repo/packages/pipeline/scripts/bench-live.ts" --bundle --platform=node --format=esm \
    --conditions=@joyvasa/source --external:onnxruntime-node --external:onnxruntime-web --external:webgpu \
    --external:sharp --log-level=warning --outfile="$device_dir/bench-heads.mjs"
  cp "$repo/scripts/gpu-heads.sh" "$device_dir/gpu-heads.sh"
  ls -l "$device_dir"
}

# The runtime as scripts/gpu-bench.sh installs it; the CUDA libraries from the machine's Python packages.
install_runtime() {
  local device_dir site
  device_dir=$(cd "$here/.." && pwd)
  mkdir -p "$work"
  [ -x "$work/node" ] || { xz -dc "$device_dir/node.xz" >"$work/node" && chmod +x "$work/node"; }
  [ -d "$work/node_modules/onnxruntime-node" ] || tar xJf "$device_dir/ort-node.tar.xz" -C "$work"
  if [ ! -f "$work/.installed" ]; then
    cat "$parts"/provider.tar.xz.* | xz -dc | tar xf - -C "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
    touch "$work/.installed"
  fi
  cp "$here/bench-heads.mjs" "$work/"
  site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
  LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
  export LD_LIBRARY_PATH
}

# One run: label, then bench-live options; its figures go to $OUT/heads-<label>.json.
heads_run() {
  local label=$1 limit=$2
  shift 2
  echo "== $label: $*"
  (cd "$work" && timeout "$limit" ./node bench-heads.mjs --device "${DEVICE:-cuda}" --bundle "${BUNDLE:-$work/bundle}" --real-renderer \
    --realtime --preload --seconds "${SECONDS_PER_RUN:-20}" --render-batch "${RENDER_BATCH:-1}" "$@" \
    --out "$out/heads-$label.json" | grep -E '^(head|window|  "(aggregate|frames|realTimeFactor)")')
}

run() {
  out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out"
  exec > >(tee -a "$out/heads-log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  date -u +%FT%TZ
  install_runtime
  local n=${HEADS:-4}
  # The first run builds the official-size bundle when /tmp/joyvasa-gpu/bundle is missing (scripts/gpu-bench.sh
  # run or live leaves one): it gets more time.
  heads_run one-head 200
  heads_run "$n-heads" 130 --heads "$n"
  [ -n "${SKIP_MAIN_THREAD:-}" ] || heads_run "$n-heads-main-thread" 130 --heads "$n" --thread main
  [ -n "${SKIP_SHARED:-}" ] || heads_run "$n-streams-one-head" 110 --heads "$n" --share-head
  "$work/node" -e '
    const fs = require("node:fs");
    const rows = fs.readdirSync(process.argv[1]).filter((f) => /^heads-.*\.json$/.test(f)).map((f) => {
      const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
      const each = r.perHead ?? [r];
      const fps = r.aggregateFramesPerSecond ?? r.frames / r.wallSeconds;
      const rtf = each.map((h) => (h.realTimeFactor == null ? "–" : h.realTimeFactor.toFixed(2))).join(" / ");
      const worst = each.map((h) => Math.round(h.windowLatencyMs.max)).join(" / ");
      const drift = each.map((h) => Math.round(h.driftMs?.max ?? NaN)).join(" / ");
      return `| ${f.slice(6, -5)} | ${r.heads ?? 1} | ${r.thread} | ${fps.toFixed(1)} | ${rtf} | ${worst} | ${drift} |`;
    });
    console.log("| run | heads | thread | aggregate frames/s | real-time factor per head | worst window latency per head (ms) | max drift per head (ms) |");
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    console.log(rows.join("\n"));
  ' "$out" | tee "$out/heads.md"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-heads.sh prepare | bash .device/bench-19b/gpu-heads.sh run" >&2; exit 2 ;;
esac
