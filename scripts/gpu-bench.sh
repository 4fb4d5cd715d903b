#!/usr/bin/env bash
# The renderer side by side on the lent GPU: ours (onnxruntime-node 1.29 + CUDA EP) and the official PyTorch
# modules (../shared/bench/official_renderer.py, eager and torch.compile), in one device call, one table.
#
#   bash scripts/gpu-bench.sh prepare    # here (npm registry needed): fills .device/ (git-ignored)
#   bash scripts/gpu-bench.sh stage      # there, once per provider part: copies the carried part to /tmp
#   bash scripts/gpu-bench.sh run        # there: unpacks, runs both, writes $OUT/*.jsonl and $OUT/renderer.md
#   bash scripts/gpu-bench.sh live       # there: short live runs, then starts the 10-minute one (own session)
#   bash scripts/gpu-bench.sh live-wait  # there, in the next call: waits for the 10-minute run, copies it out
#   bash scripts/gpu-bench.sh prepare-frames [BASE_COMMIT]  # here: the whole-pipeline bench of this tree and
#                                        # of BASE_COMMIT (default: main), into .device/bench-frames/
#   bash scripts/gpu-bench.sh frames     # there: both, render batches 1/4/8, fp16 then fp32, one bundle each
#   bash scripts/gpu-bench.sh forms      # there: renderer forms chosen at load (issue 21), batches 1/4/8, fp16
#
# docs/guide/devices.md gives the exact device calls. Why the staging: the CUDA provider library is 165 MB
# even compressed, more than one call may carry (64 MiB); a warm machine keeps /tmp between calls.
set -uo pipefail
# JOYVASA_ROOT: the repository root, when this file runs from a copy outside scripts/ (.device/bench-frames/).
here=${JOYVASA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
device_dir="$here/.device"
parts=${JOYVASA_PARTS:-/tmp/joyvasa-parts}
work=${JOYVASA_WORK:-/tmp/joyvasa-gpu}
ort_version=1.29.0
provider_package=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9

# Each step is skipped when its output exists, so an interrupted prepare resumes.
prepare() {
  set -e
  # global: the EXIT trap runs after this function has returned
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$device_dir"/{parts,bench,shared}   # .device/ is in .gitignore
  # Node 20 (the GPU machine has none).
  [ -s "$device_dir/node.xz" ] || xz -T2 -6 -c "$(command -v node)" >"$device_dir/node.xz.part"
  [ -s "$device_dir/node.xz" ] || mv "$device_dir/node.xz.part" "$device_dir/node.xz"
  # onnxruntime-node and -common of the provider's version, linux-x64 part only.
  if [ ! -s "$device_dir/ort-node.tar.xz" ]; then
    (cd "$scratch" && npm pack --silent "onnxruntime-node@$ort_version" "onnxruntime-common@$ort_version" >/dev/null)
    mkdir -p "$scratch/nm/onnxruntime-node" "$scratch/nm/onnxruntime-common"
    tar xzf "$scratch/onnxruntime-node-$ort_version.tgz" -C "$scratch/nm/onnxruntime-node" --strip-components 1 \
      package/package.json package/dist package/lib package/bin/napi-v6/linux/x64
    tar xzf "$scratch/onnxruntime-common-$ort_version.tgz" -C "$scratch/nm/onnxruntime-common" --strip-components 1
    tar cJf "$device_dir/ort-node.tar.xz" -C "$scratch" --transform 's,^nm,node_modules,' nm
  fi
  # The CUDA 13 provider of ORT 1.29 (npm: a Unity package), in parts that each fit one call.
  if [ -z "$(ls "$device_dir/parts")" ]; then
    (cd "$scratch" && npm pack --silent "$provider_package" >/dev/null)
    tar xzf "$scratch"/com.github.asus4.onnxruntime.linux-x64-gpu-*.tgz -C "$scratch" --wildcards \
      '*libonnxruntime_providers_cuda.so' '*libonnxruntime_providers_shared.so'
    find "$scratch/package" -name 'libonnxruntime_providers_*.so' -exec cp {} "$scratch" \;
    tar cf - -C "$scratch" libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so |
      xz -T2 -6 | split -b 58m - "$device_dir/parts/provider.tar.xz."
  fi
  # Our benchmark scripts as plain ESM (the GPU machine has no tsx), and the official script with its modules.
  local esbuild
  esbuild=$(ls -d "$here"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
  for script in bench-render render-table accuracy-render bench-gpu bench-live choose-renderer-form; do
    "$esbuild" "$here/packages/pipeline/scripts/$script.ts" --bundle --platform=node --format=esm \
      --conditions=@joyvasa/source --external:onnxruntime-node --external:onnxruntime-web --external:webgpu \
      --external:sharp --log-level=warning --outfile="$device_dir/bench/$script.mjs"
  done
  cp -r "$here/../shared/bench" "$here/../shared/reference" "$device_dir/shared/"
  mkdir -p "$device_dir/shared/golden-w"
  cp "$here"/../shared/golden/seed-a/{feature_3d,kp_driving,kp_source}.npy "$device_dir/shared/golden-w/"
  du -sh "$device_dir"/* "$device_dir"/parts/*
}

stage() {
  mkdir -p "$parts"
  cp "$device_dir"/parts/provider.tar.xz.* "$parts/"
  ls -l "$parts"
}

# Unpacks Node, onnxruntime-node and the reassembled provider under $work; sets the CUDA library path.
install_runtime() {
  mkdir -p "$work"
  if [ -f "$work/.installed" ]; then cp "$device_dir"/bench/*.mjs "$work/"; set_library_path; return; fi
  [ -x "$work/node" ] || { xz -dc "$device_dir/node.xz" >"$work/node" && chmod +x "$work/node"; }
  tar xJf "$device_dir/ort-node.tar.xz" -C "$work"
  cat "$parts"/provider.tar.xz.* | xz -dc | tar xf - -C "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
  cp "$device_dir"/bench/*.mjs "$work/"
  touch "$work/.installed"
  set_library_path
}

set_library_path() {
  local site
  site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
  LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
  export LD_LIBRARY_PATH
}

# The live path (issue 13) on the full-size graphs with the renderer: two short runs at wall-clock speed
# (exact windows, then a 1-s lookahead), then the 10-minute run, started in a session of its own so that
# it outlives this call (a warm machine keeps it running; the next call must follow at once: live-wait).
live_dir=/tmp/joyvasa-live
live() {
  local out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out" "$live_dir"
  exec > >(tee -a "$out/live-log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  install_runtime
  local common=(--device cuda --bundle "$work/bundle" --real-renderer --realtime --preload --render-batch "${RENDER_BATCH:-1}")
  (cd "$work" && ./node bench-live.mjs "${common[@]}" --seconds 24 --out "$out/live-exact-24s.json" | grep -v '^ ') ||
    return 1
  (cd "$work" && ./node bench-live.mjs "${common[@]}" --seconds 24 --lookahead 1 \
    --out "$out/live-lookahead-24s.json" | grep -v '^ ')
  (cd "$work" && setsid nohup ./node bench-live.mjs "${common[@]}" --seconds "${LIVE_SECONDS:-600}" \
    --out "$live_dir/live-long.json" >"$live_dir/log.txt" 2>&1 </dev/null &)
  live_wait "${LIVE_WAIT:-300}"
}

# Waits (at most $1 seconds) for the long live run, then copies its figures and log to $OUT.
live_wait() {
  local out=${OUT:-/tmp/joyvasa-out} limit=${1:-560}
  mkdir -p "$out"
  for ((waited = 0; waited < limit; waited += 10)); do
    [ -s "$live_dir/live-long.json" ] && break
    pgrep -f live-long.json >/dev/null || break   # ended without figures: its log says why
    sleep 10
  done
  tail -n 3 "$live_dir/log.txt"
  cp "$live_dir"/log.txt "$out/live-long-log.txt"
  [ -s "$live_dir/live-long.json" ] && cp "$live_dir/live-long.json" "$out/"
  grep -A12 '"frames"' "$live_dir/log.txt" | head -30
}

run() {
  local out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out"
  exec > >(tee -a "$out/log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
  date -u +%FT%TZ
  install_runtime
  local official="$device_dir/shared/bench/official_renderer.py"
  # Ours first: fp32 and fp16, batches 1/4/8 (the defaults on a GPU), W then G and W+G as one graph.
  (cd "$work" && ./node bench-render.mjs --device cuda --runs 30 --fused --json --cache-dir "$work/graphs" \
    --out "$out/ours.jsonl" >/dev/null)
  (cd "$work" && ./node accuracy-render.mjs --device cuda --golden "$device_dir/shared/golden-w" \
    --cache-dir "$work/graphs" >"$out/fp16-accuracy.md")
  # The whole pipeline (crop, motion, W, G, paste-back; no encoding), frames of a window 8 at a time.
  (cd "$work" && ./node bench-gpu.mjs --device cuda --bundle "$work/bundle" --runs 20 --seconds 16 \
    --render-batch 8 --out "$out/pipeline.json" >/dev/null)
  PYTHONUNBUFFERED=1 python3 "$official" --device cuda --reps 30 --batches 1,4,8 >"$out/official-eager.jsonl"
  # torch.compile recompiles per batch and dtype (about 35 s each): batches 1 and 8, bounded.
  PYTHONUNBUFFERED=1 timeout 240 python3 "$official" --device cuda --reps 30 --batches 1,8 --compile |
    grep '"torch.compile"' >"$out/official-compile.jsonl"
  "$work/node" "$work/render-table.mjs" --ours "$out/ours.jsonl" \
    --official "$out/official-eager.jsonl,$out/official-compile.jsonl" \
    --title "W, G and W+G on $(nvidia-smi --query-gpu=name --format=csv,noheader), $(date -u +%F)" \
    >"$out/renderer.md"
  cat "$out/renderer.md" "$out/fp16-accuracy.md"
}

# The whole-pipeline script (bench-gpu.ts) bundled twice: against this tree's SDK and against BASE_COMMIT's
# (a detached worktree under /tmp; the measuring scripts are this tree's, the SDK under them the baseline's),
# so that one device call measures the baseline of the day beside the change. FRAMES_DIR overrides the output.
bundle_script() {
  bash "$here/scripts/bundle-bench.sh" "$1" bench-gpu "$2"
}

prepare_frames() {
  set -e
  local base=${1:-main} frames=${FRAMES_DIR:-$device_dir/bench-frames} tree=/tmp/joyvasa-bench-base
  mkdir -p "$frames"
  bundle_script "$here" "$frames/frames-new.mjs"
  rm -rf "$tree"
  git -C "$here" worktree prune
  git -C "$here" worktree add --detach "$tree" "$base" >/dev/null
  (cd "$tree" && pnpm install --frozen-lockfile --prefer-offline >/dev/null)
  for script in bench-gpu bench-bundle pipeline-timeline script-args timed-backend; do
    cp "$here/packages/pipeline/scripts/$script.ts" "$tree/packages/pipeline/scripts/"
  done
  bundle_script "$tree" "$frames/frames-base.mjs"
  git -C "$tree" rev-parse HEAD >"$frames/base-commit.txt"
  git -C "$here" rev-parse HEAD >"$frames/new-commit.txt"
  git -C "$here" worktree remove --force "$tree"
  cp "$here/scripts/gpu-bench.sh" "$frames/"
  ls -l "$frames"
}

# There: the baseline and this tree on one bundle per dtype (built by the first run), render batches 1/4/8.
frames() {
  local out=${OUT:-/tmp/joyvasa-out} frames=${FRAMES_DIR:-$device_dir/bench-frames}
  mkdir -p "$out"
  exec > >(tee -a "$out/frames-log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
  date -u +%FT%TZ
  install_runtime
  cp "$frames"/frames-*.mjs "$work/"
  # FRAMES_DEVICE and FRAMES_BUNDLE: a dry run on a CPU machine with the fixture bundle.
  local common=(--device "${FRAMES_DEVICE:-cuda}" --skip-components --render-batches 1,4,8 --seconds "${FRAMES_SECONDS:-16}")
  for dtype in ${FRAMES_DTYPES:-fp16 fp32}; do
    local bundle="${FRAMES_BUNDLE:-$work/bundle-frames-$dtype}"
    (cd "$work" && timeout 240 ./node frames-new.mjs "${common[@]}" --bundle "$bundle" --dtype "$dtype" \
      --label "new $(cut -c1-7 "$frames/new-commit.txt") $dtype" --out "$out/frames-new-$dtype.json")
    (cd "$work" && timeout 240 ./node frames-base.mjs "${common[@]}" --bundle "$bundle" --dtype "$dtype" \
      --label "base $(cut -c1-7 "$frames/base-commit.txt") $dtype" --out "$out/frames-base-$dtype.json")
  done
}

# Renderer forms chosen when a head loads (issue 21, point 2): an official-size fp16 bundle with three forms
# of the renderer, each render batch loaded twice through createTalkingHead (timed, then from the cache
# file, which starts empty), the variant-chosen events and the cache file into $OUT.
forms() {
  local out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out"
  exec > >(tee -a "$out/forms-log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  install_runtime
  rm -rf "$work/choice-cache"
  (cd "$work" && XDG_CACHE_HOME="$work/choice-cache" timeout 540 ./node choose-renderer-form.mjs --device cuda \
    --bundle "$work/bundle-forms-fp16" --dtype fp16 --render-batches "${FORMS_BATCHES:-1,4,8}" \
    --out "$out/renderer-forms.json")
  cp "$work/choice-cache/joyvasa/variant-choices.json" "$out/" 2>/dev/null
}

case "${1:-}" in
  prepare) prepare ;;
  prepare-frames) prepare_frames "${2:-}" ;;
  frames) frames ;;
  stage) stage ;;
  run) run ;;
  live) live ;;
  live-wait) live_wait "${LIVE_WAIT:-560}" ;;
  forms) forms ;;
  *) echo "usage: bash scripts/gpu-bench.sh prepare|stage|run|live|live-wait|prepare-frames|frames|forms" >&2; exit 2 ;;
esac
