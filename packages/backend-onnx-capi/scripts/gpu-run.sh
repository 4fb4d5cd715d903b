#!/usr/bin/env bash
# There (the GPU machine), from the root of the carried tree, after `scripts/gpu-bench.sh stage` has put the
# CUDA provider parts in /tmp: the onnx-capi backend's smoke test on CUDA, then W, G and W+G (bench-render's
# graphs, full size, fp32 and fp16, batches 1, 4, 8) with the CUDA provider's options off and on, beside
# onnxruntime-node and the official renderer (eager and torch.compile). Copied to .device/capi/run.sh by
# prepare-gpu.sh.
#
#   bash .device/capi/run.sh [step ...]     steps: smoke ours more graph pipeline official compile table
#                                           (default: smoke ours official compile table)
#
# The device calls, from the repository root after `bash scripts/gpu-bench.sh prepare` and `prepare-gpu.sh`:
#   run(carry: [".device/node.xz", ".device/ort-node.tar.xz", ".device/bench", ".device/shared", ".device/capi"],
#       command: "bash .device/capi/run.sh smoke ours table", timeout_s: 600)
#   the same carry with "official compile more table", then "graph pipeline table" (results accumulate in /tmp).
#
# Every step is bounded by `timeout` and a failing one is logged and skipped, so a CUDA error (its OrtStatus
# message is in the log and in capi-smoke.json) never hides the figures of what works. Output under $OUT.
set -uo pipefail
root=$(pwd)
device_dir="$root/.device"
capi="$device_dir/capi"
parts=${CAPI_PARTS:-/tmp/joyvasa-parts}
work=${CAPI_WORK:-/tmp/joyvasa-gpu}
# Results gather in /tmp (kept by a warm machine, so a second call adds to the first) and are copied to $OUT.
out=${CAPI_RESULTS:-/tmp/joyvasa-capi-results}
runs=${RUNS:-20}
mkdir -p "$out" "${OUT:-/tmp/joyvasa-out}"
exec > >(tee -a "$out/capi-log.txt") 2>&1

# As scripts/gpu-bench.sh install_runtime: Node, onnxruntime-node 1.29 and its CUDA provider under $work.
install() {
  mkdir -p "$work"
  if [ ! -f "$work/.installed" ]; then
    [ -x "$work/node" ] || { xz -dc "$device_dir/node.xz" >"$work/node" && chmod +x "$work/node"; }
    tar xJf "$device_dir/ort-node.tar.xz" -C "$work"
    cat "$parts"/provider.tar.xz.* | xz -dc | tar xf - -C "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
    cp "$device_dir"/bench/*.mjs "$work/" 2>/dev/null
    touch "$work/.installed"
  fi
  tar xJf "$capi/koffi.tar.xz" -C "$work"
  cp "$capi"/*.mjs "$work/"
  local site
  site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
  LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
  export LD_LIBRARY_PATH
  ls "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
}

# One bench-render configuration: label, then bench-render flags; appends to capi-bench.jsonl.
bench() {
  local label=$1 limit=$2
  shift 2
  echo "== $label: $*"
  (cd "$work" && timeout "$limit" ./node capi-bench-render.mjs --device cuda --runs "$runs" --fused --json \
    --cache-dir "$work/graphs" --label "$label" --out "$out/capi-bench.jsonl" "$@" >/dev/null) ||
    echo "!! $label failed or timed out (exit $?)"
}

tuned='{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}'
pinned='{"pinnedHostMemory":true,"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}'
graph='{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true,"enableCudaGraph":true}}'

step() {
  case "$1" in
  smoke) (cd "$work" && timeout 180 ./node capi-smoke.mjs --device cuda --out "$out/capi-smoke.json") ||
    echo "!! smoke exit $?" ;;
  ours)
    bench onnx-node 200 --backend onnx-node # the first one may build the graphs
    bench capi 110 --backend onnx-capi
    bench capi-tuned-upload 110 --backend onnx-capi --upload-volume --capi "$tuned"
    bench capi-tuned-pinned-upload 110 --backend onnx-capi --upload-volume --capi "$pinned"
    bench capi-graph-upload 110 --backend onnx-capi --upload-volume --capi "$graph" ;;
  more)
    bench capi-upload 90 --backend onnx-capi --upload-volume
    bench capi-nhwc 90 --backend onnx-capi --upload-volume --capi '{"cuda":{"preferNhwc":true}}'
    bench capi-heuristic 90 --backend onnx-capi --upload-volume --capi '{"cuda":{"cudnnConvAlgoSearch":"HEURISTIC"}}'
    bench capi-fuse-workspace 90 --backend onnx-capi --upload-volume \
      --capi '{"cuda":{"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}' ;;
  graph)
    bench capi-graph-only 110 --backend onnx-capi --upload-volume --capi '{"cuda":{"enableCudaGraph":true}}'
    bench capi-graph-pinned 110 --backend onnx-capi --upload-volume \
      --capi '{"pinnedHostMemory":true,"cuda":{"enableCudaGraph":true,"preferNhwc":true,"fuseConvBias":true}}' ;;
  pipeline)
    # The whole pipeline (crop, motion, W, G, paste-back; no encoding), 8 frames a render, both backends.
    for backend in onnx-node onnx-capi; do
      echo "== pipeline $backend"
      (cd "$work" && timeout 240 ./node capi-bench-gpu.mjs --device cuda --bundle "$work/bundle" --runs 20 \
        --seconds 16 --render-batch 8 --backend "$backend" --capi "$pinned" --out "$out/pipeline-$backend.json" |
        tail -n 12) || echo "!! pipeline $backend exit $?"
    done ;;
  official) PYTHONUNBUFFERED=1 timeout 200 python3 "$device_dir/shared/bench/official_renderer.py" --device cuda \
    --reps 30 --batches 1,4,8 >"$out/official-eager.jsonl" || echo "!! official exit $?" ;;
  compile) PYTHONUNBUFFERED=1 timeout 240 python3 "$device_dir/shared/bench/official_renderer.py" --device cuda \
    --reps 30 --batches 1,8 --compile | grep '"torch.compile"' >"$out/official-compile.jsonl" ;;
  table) table ;;
  *) echo "unknown step $1" ;;
  esac
}

# ms per frame by configuration, W+G fused first; the official lines as they are.
table() {
  "$work/node" -e '
    const fs = require("node:fs");
    const read = (f) => fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).filter(Boolean) : [];
    const ours = read(process.argv[1]);
    const keys = [...new Set(ours.map((r) => `${r.stage}|${r.dtype}|${r.batch}`))];
    const variants = [...new Set(ours.map((r) => r.variant))];
    console.log(`| stage dtype batch | ${variants.join(" | ")} |`);
    console.log(`|---|${variants.map(() => "---").join("|")}|`);
    for (const key of keys) {
      const cells = variants.map((v) => ours.find((r) => r.variant === v && `${r.stage}|${r.dtype}|${r.batch}` === key)?.ms_per_frame ?? "");
      console.log(`| ${key.replaceAll("|", " ")} | ${cells.join(" | ")} |`);
    }
    for (const f of process.argv.slice(2)) for (const r of read(f)) console.log(JSON.stringify(r));
  ' "$out/capi-bench.jsonl" "$out/official-eager.jsonl" "$out/official-compile.jsonl" | tee "$out/capi-table.md"
}

nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u +%FT%TZ
install
for name in "${@:-smoke ours official compile table}"; do
  for each in $name; do step "$each"; done
done
date -u +%FT%TZ
cp -r "$out"/. "${OUT:-/tmp/joyvasa-out}/"
