#!/usr/bin/env bash
# There (the GPU machine), in ONE device call under 540 s, after the provider parts are staged in /tmp
# (`bash scripts/gpu-bench.sh stage`, three calls) and with .device/capi rebuilt from this tree
# (`bash packages/backend-onnx-capi/scripts/prepare-gpu.sh`, which copies this file there): the renderer at
# fp16 and fp32, batches 1, 4, 8, in five forms (issue 21, §6e's next steps), then the official renderer:
#   a  onnx-node, W+G as one graph
#   b  onnx-capi tuned, one graph                               ($TUNED, §6e's tuned set)
#   c  onnx-capi tuned + fixed batch + CUDA graph, one graph     ($TUNED + enableCudaGraph, --fixed-batch)
#   d  onnx-capi W (NCHW, $W_OPTS) → G (NHWC + fuse_conv_bias, $G_OPTS), W's output kept on the device
#      (`W→G on device`; W, G and W+G through the host beside it)
#   e  d + fixed batch + CUDA graph on each session
#   official eager at 1, 4, 8, then torch.compile at 8, 1, 4 for as long as the budget lasts (its lines are
#   written as they come; a timeout keeps those already out).
# Each bench step has its own time limit and a failing configuration is logged and skipped (bench-render goes
# on with the next one), so one refused option set never hides the others. Results under $OUT:
# renderer-21e.jsonl (ours; `variant` = a…e), official.jsonl (eager and compile), table-21e.md, log-21e.txt.
#
#   run(carry: [".device/node.xz", ".device/ort-node.tar.xz", ".device/shared", ".device/capi"],
#       command: "bash .device/capi/gpu-renderer-21e.sh", timeout_s: 600)
set -uo pipefail
root=$(pwd)
work=${CAPI_WORK:-/tmp/joyvasa-gpu}
out=${RESULTS_21E:-/tmp/joyvasa-21e}
budget=${BUDGET:-540}
runs=${RUNS:-20}
# For a dry run of the plumbing elsewhere (DEVICE=cpu BATCHES=1 DTYPES=fp32 RUNS=1); the call uses the defaults.
device=${DEVICE:-cuda}
batches=${BATCHES:-1,4,8}
dtypes=${DTYPES:-fp16,fp32}
rm -rf "$out" && mkdir -p "$out" "${OUT:-/tmp/joyvasa-out}"
SECONDS=0
# Node, onnxruntime-node 1.29 + CUDA provider, koffi and the bundled scripts under $work (run.sh's install).
CAPI_RESULTS="$out/install" bash "$root/.device/capi/run.sh" table >/dev/null 2>&1 || echo "!! install exit $?"
site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
export LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
exec > >(tee -a "$out/log-21e.txt") 2>&1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u +%FT%TZ
cat "$root/.device/capi/commit.txt" 2>/dev/null

TUNED=${TUNED:-'{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}'}
TUNED_GRAPH=${TUNED_GRAPH:-'{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true,"enableCudaGraph":true}}'}
# W without the max workspace: it made W slower at batch 8 on the H100 (§6f, 5.06 → 6.83 ms a frame).
W_OPTS=${W_OPTS:-'{"cuda":{}}'}
# The forms of d and e (§6f: W padded-folded, G layer-norm were the fastest at batch 8 under these options).
read -r -a FORMS <<<"${FORMS:---warping-variant padded-folded --generator-variant layer-norm}"
# The steps of this call: build a b c d e official (default all), e.g. STEPS="d e official" for a second call.
STEPS=" ${STEPS:-build a b c d e official} "
G_OPTS=${G_OPTS:-'{"cuda":{"preferNhwc":true,"fuseConvBias":true,"cudnnConvUseMaxWorkspace":true}}'}
GRAPH='{"cuda":{"enableCudaGraph":true}}'

# One bench-render configuration: variant, time limit (s), then bench-render flags. fp16 first (the targets).
bench() {
  local variant=$1 limit=$2
  shift 2
  case "$STEPS" in *" $variant "*) ;; *) return 0 ;; esac
  echo "== $variant ($SECONDS s, limit $limit s): $*"
  (cd "$work" && timeout "$limit" ./node capi-bench-render.mjs --device "$device" --runs "$runs" --json \
    --dtype "$dtypes" --batch "$batches" --cache-dir "$work/graphs" --label "$variant" \
    --out "$out/renderer-21e.jsonl" "$@" >/dev/null) || echo "!! $variant ended with exit $?"
}
capi=(--backend onnx-capi --upload-volume)
bench build 200 --stages build # W, G and W+G built once per precision (kept in /tmp while the machine is warm)
# d and e's forms, built with the rest.
[[ "$STEPS" == *" build "* ]] && STEPS="$STEPS build-forms "
bench build-forms 150 --stages build "${FORMS[@]}"
bench a 100 --backend onnx-node --stages fused
bench b 60 "${capi[@]}" --stages fused --capi "$TUNED"
bench c 60 "${capi[@]}" --stages fused --capi "$TUNED_GRAPH" --fixed-batch
bench d 90 "${capi[@]}" --stages split,device --capi-w "$W_OPTS" --capi-g "$G_OPTS" "${FORMS[@]}"
bench e 90 "${capi[@]}" --stages split,device --capi "$GRAPH" --capi-w "$W_OPTS" --capi-g "$G_OPTS" --fixed-batch \
  "${FORMS[@]}"

# The official modules: eager at 1, 4, 8 (fp32, fp16), then torch.compile at 8, 1, 4 while time is left.
left=$((budget - SECONDS))
echo "== official eager + compile ($SECONDS s, $left s left)"
if [[ "$STEPS" == *" official "* ]] && [ "$left" -gt 20 ]; then
  PYTHONUNBUFFERED=1 timeout "$left" python3 "$root/.device/shared/bench/official_renderer.py" --device "$device" \
    --reps 30 --batches 8,1,4 --compile >"$out/official.jsonl" || echo "!! official ended with exit $?"
fi

# ms per frame: a row per stage, dtype and batch; a column per variant, then the official eager and compiled.
(cd "$work" && ./node -e '
  const fs = require("node:fs");
  const read = (f) => fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)) : [];
  const ours = read(process.argv[1]);
  const official = read(process.argv[2]);
  const variants = ["a", "b", "c", "d", "e"];
  const order = ["W+G fused", "W→G on device", "W+G", "W", "G"];
  const rank = (key) => { const [stage, dtype, batch] = key.split("|"); return [dtype === "fp16" ? 0 : 1, Number(batch), order.indexOf(stage)]; };
  const byRank = (a, b) => { const [x, y] = [rank(a), rank(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; };
  const keys = [...new Set(ours.map((r) => `${r.stage}|${r.dtype}|${r.batch}`))].sort(byRank);
  const cell = (rows, test) => rows.find(test)?.ms_per_frame ?? "";
  console.log(`| stage | dtype | batch | ${variants.join(" | ")} | official eager | official compile |`);
  console.log(`|---|---|---:|${variants.map(() => "---:").join("|")}|---:|---:|`);
  for (const key of keys) {
    const [stage, dtype, batch] = key.split("|");
    const mine = variants.map((v) => cell(ours, (r) => r.variant === v && `${r.stage}|${r.dtype}|${r.batch}` === key));
    const them = ["eager", "torch.compile"].map((mode) => cell(official, (r) => r.mode === mode && r.dtype === dtype && String(r.batch) === batch && (r.stage === "W+G" ? stage.startsWith("W") && stage !== "W" : r.stage === stage)));
    console.log(`| ${stage} | ${dtype} | ${batch} | ${mine.join(" | ")} | ${them.join(" | ")} |`);
  }
' "$out/renderer-21e.jsonl" "$out/official.jsonl") | tee "$out/table-21e.md"
date -u +%FT%TZ
echo "done in $SECONDS s"
cp -r "$out"/. "${OUT:-/tmp/joyvasa-out}/"
