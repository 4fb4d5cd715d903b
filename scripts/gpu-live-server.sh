#!/usr/bin/env bash
# The live server's figures on the lent GPU (issue 23): per window, from its audio being complete in a
# session to its first frame leaving as RTP (p50/p95 over LIVE_SECONDS, default 120), and how many sessions
# at once keep 25 frames/s, with a Node WebRTC client (werift) on loopback.
#
#   bash scripts/gpu-bench.sh prepare          # here: Node, onnxruntime-node, the CUDA provider's parts
#   bash scripts/gpu-live-server.sh prepare    # here: bundles bench-live-server into .device/bench/
#   bash scripts/gpu-bench.sh stage            # there, once per provider part (as gpu-bench.sh says)
#   bash scripts/gpu-live-server.sh run        # there: writes $OUT/live-server.json and live-server-log.txt
#   (carry .device/node.xz, .device/ort-node.tar.xz, .device/bench and .device/ffmpeg.xz)
#
# The session's encoders are ffmpeg (libvpx, libopus): `run` says so and stops if the machine has none.
# SESSIONS (default 1,2,4,8), LIVE_SECONDS (default 120), DTYPE (fp32 or fp16; the official-size bundle of
# that dtype with random weights, built there once into $work/bundle-$DTYPE unless BUNDLE names one) and
# RENDER_BATCH (the renderer's batch; default the pipeline's), LATENCIES (the pacings compared: first-frame,
# the default; fixed latencies in ms; auto, set from the runs before) and THREAD (worker, the default, or
# main: where the sessions run) pass through the environment; TAG, if set, goes into the name of the
# figures file. Per window it reports where the time goes (to the frame, to its tick, to its RTP) and how
# many sessions held 25 frames/s.
# `run` on the CPU here (JOYVASA_DEVICE=cpu BUNDLE=fixture, a short LIVE_SECONDS) checks the script itself.
set -euo pipefail
here=${JOYVASA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
device_dir="$here/.device"
parts=${JOYVASA_PARTS:-/tmp/joyvasa-parts}
work=${JOYVASA_WORK:-/tmp/joyvasa-gpu}

prepare() {
  local esbuild
  esbuild=$(ls -d "$here"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
  mkdir -p "$device_dir/bench"
  "$esbuild" "$here/packages/service/scripts/bench-live-server.ts" --bundle --platform=node --format=esm \
    --conditions=@joyvasa/source --external:onnxruntime-node --external:onnxruntime-web --external:webgpu \
    --external:sharp --log-level=warning --banner:js="import { createRequire as createRequireForCjs } from 'node:module'; const require = createRequireForCjs(import.meta.url);" \
    --outfile="$device_dir/bench/bench-live-server.mjs"
  du -sh "$device_dir/bench/bench-live-server.mjs"
  # The GPU machine has no ffmpeg: a static build with libvpx and libopus (npm's @ffmpeg-installer/linux-x64),
  # carried as .device/ffmpeg.xz and used there only by this benchmark.
  if [ ! -s "$device_dir/ffmpeg.xz" ]; then
    local scratch
    scratch=$(mktemp -d)
    (cd "$scratch" && npm pack --silent @ffmpeg-installer/linux-x64@4.1.0 >/dev/null && tar xzf ./*.tgz)
    xz -T2 -6 -c "$scratch/package/ffmpeg" >"$device_dir/ffmpeg.xz"
    rm -rf "$scratch"
  fi
  du -sh "$device_dir/ffmpeg.xz"
}

run() {
  local out=${OUT:-/tmp/joyvasa-out} device=${JOYVASA_DEVICE:-cuda} node=node
  mkdir -p "$out"
  exec > >(tee -a "$out/live-server-log.txt") 2>&1
  if ! command -v ffmpeg >/dev/null && [ -s "$device_dir/ffmpeg.xz" ]; then
    mkdir -p "$work/bin" && xz -dc "$device_dir/ffmpeg.xz" >"$work/bin/ffmpeg" && chmod +x "$work/bin/ffmpeg"
    export PATH="$work/bin:$PATH"
  fi
  command -v ffmpeg >/dev/null || { echo "no ffmpeg on this machine: the live session's encoders need it" >&2; exit 3; }
  if [ "$device" = cuda ]; then
    nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
    # Node, onnxruntime-node and the provider, unpacked as gpu-bench.sh does (its install_runtime).
    eval "$(sed -n '/^install_runtime()/,/^}/p;/^set_library_path()/,/^}/p' "$here/scripts/gpu-bench.sh")"
    install_runtime
    node="$work/node"
    cp "$device_dir/bench/bench-live-server.mjs" "$work/"
    cd "$work"
  else
    # Here the bundled script finds onnxruntime-node (left out of the bundle) in the workspace's store: a
    # link beside it, as ESM imports do not read NODE_PATH.
    mkdir -p "$device_dir/bench/node_modules"
    ln -sfn "$(ls -d "$here"/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node | tail -1)" \
      "$device_dir/bench/node_modules/onnxruntime-node"
    cd "$device_dir/bench"
  fi
  local dtype=${DTYPE:-fp32}
  "$node" bench-live-server.mjs --device "$device" --bundle "${BUNDLE:-$work/bundle-$dtype}" --dtype "$dtype" \
    ${RENDER_BATCH:+--render-batch "$RENDER_BATCH"} --seconds "${LIVE_SECONDS:-120}" \
    --sessions "${SESSIONS:-1,2,4,8}" --latencies "${LATENCIES:-first-frame}" --thread "${THREAD:-worker}" \
    --out "$out/live-server-$dtype${RENDER_BATCH:+-b$RENDER_BATCH}${TAG:+-$TAG}.json"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-live-server.sh prepare|run" >&2; exit 2 ;;
esac
