#!/usr/bin/env bash
# Kernels chosen by timing (issue 21): every equivalent variant of W, G and W+G timed on the lent GPU with
# onnxruntime-node 1.29 + the CUDA provider, staged as scripts/gpu-bench.sh stages them.
#
#   DEVICE_DIR=$PWD/.device bash scripts/gpu-variants.sh prepare
#       here: bundles packages/pipeline/scripts/bench-variants.ts (esbuild) and this script into
#       $DEVICE_DIR/variants/ (about 0.5 MB); Node, onnxruntime-node and the provider parts come from
#       `bash scripts/gpu-bench.sh prepare`.
#   bash .device/variants/gpu-variants.sh run [bench-variants options]
#       there, from the repository root, after the provider parts are staged in /tmp/joyvasa-parts
#       (`gpu-bench.sh stage`, or an earlier `gpu-bench.sh run` on the same warm machine): writes
#       $OUT/variants.jsonl, $OUT/variants-summary.json and $OUT/variants-log.txt. With `--backend onnx-capi`,
#       carry .device/capi too (its koffi.tar.xz).
set -uo pipefail
self_dir=$(cd "$(dirname "$0")" && pwd)
work=/tmp/joyvasa-gpu
parts=/tmp/joyvasa-parts

prepare() {
  set -e
  local here device_dir esbuild
  here=$(cd "$self_dir/.." && pwd)
  device_dir=${DEVICE_DIR:-$here/.device}
  mkdir -p "$device_dir/variants"
  esbuild=$(ls -d "$here"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
  "$esbuild" "$here/packages/pipeline/scripts/bench-variants.ts" --bundle --platform=node --format=esm \
    --conditions=@joyvasa/source --external:onnxruntime-node --external:onnxruntime-web --external:webgpu \
    --external:sharp --external:koffi --define:__PACKAGE_VERSION__='"0.0.0-source"' --log-level=warning \
    --outfile="$device_dir/variants/bench-variants.mjs"
  cp "$self_dir/gpu-variants.sh" "$device_dir/variants/gpu-variants.sh"
  du -sh "$device_dir/variants"/*
}

# Node, onnxruntime-node and the provider under $work, as gpu-bench.sh's install_runtime leaves them.
install_runtime() {
  local device_dir
  device_dir=$(cd "$self_dir/.." && pwd)
  if [ ! -f "$work/.installed" ]; then
    mkdir -p "$work"
    [ -x "$work/node" ] || { xz -dc "$device_dir/node.xz" >"$work/node" && chmod +x "$work/node"; }
    tar xJf "$device_dir/ort-node.tar.xz" -C "$work"
    cat "$parts"/provider.tar.xz.* | xz -dc | tar xf - -C "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
    touch "$work/.installed"
  fi
  # koffi for `--backend onnx-capi` (packages/backend-onnx-capi/scripts/prepare-gpu.sh packs it), when carried.
  [ -f "$device_dir/capi/koffi.tar.xz" ] && tar xJf "$device_dir/capi/koffi.tar.xz" -C "$work"
  local site
  site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
  LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
  export LD_LIBRARY_PATH
}

run() {
  local out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out"
  exec > >(tee -a "$out/variants-log.txt") 2>&1
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
  date -u +%FT%TZ
  install_runtime
  cp "$self_dir/bench-variants.mjs" "$work/"
  (cd "$work" && ./node bench-variants.mjs --device cuda --out "$out" --cache-dir /tmp/joyvasa-variants "$@")
}

case "${1:-}" in
  prepare) prepare ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash scripts/gpu-variants.sh prepare | run [bench-variants options]" >&2; exit 2 ;;
esac
