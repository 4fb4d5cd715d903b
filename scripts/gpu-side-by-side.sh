#!/usr/bin/env bash
# There (the GPU machine), after the provider parts are staged and with .device/capi carried (see
# packages/backend-onnx-capi/scripts/prepare-gpu.sh): the onnx-capi smoke test on CUDA, then W+G at batches 1 and 8
# for onnx-node, onnx-capi tuned and onnx-capi with CUDA graphs, then the official renderer (eager at 1 and 8,
# torch.compile at 8), in one call under 10 minutes. Results under $OUT. The run of 2026-12-07 in benchmarks §6d.
set -uo pipefail
root=$(pwd); work=/tmp/joyvasa-gpu; out=/tmp/joyvasa-capi-results
mkdir -p "$out" "${OUT:-/tmp/joyvasa-out}"
SECONDS=0
bash .device/capi/run.sh smoke
site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
export LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
exec > >(tee -a "$out/lead-log.txt") 2>&1
bench() {
  local label=$1 limit=$2; shift 2
  echo "== $label ($SECONDS s): $*"
  (cd "$work" && timeout "$limit" ./node capi-bench-render.mjs --device cuda --runs 20 --fused --json \
    --cache-dir "$work/graphs" --label "$label" --out "$out/capi-bench.jsonl" "$@" >/dev/null) || echo "!! $label failed (exit $?)"
}
tuned='{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}'
graph='{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true,"enableCudaGraph":true}}'
bench onnx-node 150 --backend onnx-node --batch 1,8
bench capi-tuned-upload 100 --backend onnx-capi --upload-volume --capi "$tuned" --batch 1,8
bench capi-graph-upload 60 --backend onnx-capi --upload-volume --capi "$graph" --batch 1,8 --dtype fp16
echo "== official eager ($SECONDS s)"
PYTHONUNBUFFERED=1 timeout 80 python3 .device/shared/bench/official_renderer.py --device cuda --reps 30 --batches 1,8 >"$out/official-eager.jsonl" || echo "!! eager exit $?"
left=$((540 - SECONDS)); echo "== official compile ($SECONDS s, $left s left)"
[ "$left" -gt 60 ] && { PYTHONUNBUFFERED=1 timeout "$left" python3 .device/shared/bench/official_renderer.py --device cuda --reps 30 --batches 8 --compile | grep '"torch.compile"' >"$out/official-compile.jsonl"; }
bash .device/capi/run.sh table >/dev/null 2>&1
cat "$out/capi-table.md"
cp -r "$out"/. "${OUT:-/tmp/joyvasa-out}/"
echo "done in $SECONDS s"
