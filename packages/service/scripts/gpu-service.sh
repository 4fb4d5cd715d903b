#!/usr/bin/env bash
# The render service's load benchmark on the lent GPU: 1, 2 and 4 `joyvasa worker --device cuda` on one GPU,
# the full-size synthetic bundle, a redis-server and `joyvasa serve`, autocannon on the API meanwhile.
#
#   bash packages/service/scripts/gpu-service.sh prepare   # here (npm registry): fills .device/service
#   (there, once) mkdir -p /tmp/joyvasa-service-parts && cp .device/service/stage/* /tmp/joyvasa-service-parts/
#   bash .device/service/run/gpu-service.sh run             # there: writes $OUT/service-gpu.{md,json,log}
#
# The GPU machine has no Node, no registry, no ffmpeg and no Redis: Node and onnxruntime-node come from
# scripts/gpu-bench.sh prepare (.device/node.xz, .device/ort-node.tar.xz, the CUDA provider staged in
# /tmp/joyvasa-parts by its `stage` calls); ffmpeg (a static build from the npm package
# @ffmpeg-installer/linux-x64, staged because it is 19 MB), sharp with libvips, and Debian's redis-server
# with its libraries are carried from here. The CLI and the benchmark travel as esbuild bundles.
set -uo pipefail
here=$(cd "$(dirname "$0")/../../.." && pwd)
device_dir=${DEVICE_DIR:-$here/.device/service}
work=/tmp/joyvasa-service
parts=/tmp/joyvasa-service-parts

prepare() {
  set -e
  local esbuild lib
  # global: the EXIT trap runs after this function has returned
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$device_dir"/{stage,run}
  if [ ! -s "$device_dir/stage/ffmpeg.tar.xz" ]; then
    (cd "$scratch" && npm pack --silent @ffmpeg-installer/linux-x64@4.1.0 >/dev/null)
    tar xzf "$scratch"/ffmpeg-installer-linux-x64-4.1.0.tgz -C "$scratch" package/ffmpeg
    tar cJf "$device_dir/stage/ffmpeg.tar.xz" -C "$scratch/package" ffmpeg
  fi
  # sharp (image decoding) with its prebuilt libvips, as a node_modules tree.
  mkdir -p "$scratch/nm/@img"
  cp -rL "$here/packages/cli/node_modules/sharp" "$scratch/nm/sharp"
  for package in "$here"/node_modules/.pnpm/@img+sharp-*linux-x64@*/node_modules/@img/*; do
    cp -rL "$package" "$scratch/nm/@img/"
  done
  for dependency in detect-libc semver @img/colour; do
    local found
    found=$(ls -d "$here"/node_modules/.pnpm/node_modules/$dependency 2>/dev/null | head -1)
    [ -n "$found" ] && mkdir -p "$scratch/nm/$(dirname "$dependency")" && cp -rL "$found" "$scratch/nm/$dependency"
  done
  tar cJf "$device_dir/run/sharp.tar.xz" -C "$scratch" --transform 's,^nm,node_modules,' nm
  # Debian's redis-server and the libraries it links beyond glibc.
  mkdir -p "$scratch/redis/lib"
  cp /usr/bin/redis-server "$scratch/redis/"
  for lib in $(ldd /usr/bin/redis-server | awk '/=>/ {print $3}'); do
    case "$(basename "$lib")" in libc.so*|libm.so*|libstdc++*|libgcc_s*) ;; *) cp -L "$lib" "$scratch/redis/lib/" ;; esac
  done
  tar cJf "$device_dir/run/redis.tar.xz" -C "$scratch" redis
  esbuild=$(ls -d "$here"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
  local common=(--bundle --platform=node --format=esm --conditions=@joyvasa/source --external:onnxruntime-node
    --external:onnxruntime-web --external:webgpu --external:sharp --define:__PACKAGE_VERSION__='"0.0.0-gpu"'
    "--banner:js=import { createRequire as __joyvasaRequire } from 'node:module'; const require = __joyvasaRequire(import.meta.url);"
    --log-level=warning)
  "$esbuild" "$here/packages/cli/src/bin.ts" "${common[@]}" --outfile="$device_dir/run/joyvasa.mjs"
  "$esbuild" "$here/packages/service/scripts/bench-service.ts" "${common[@]}" --outfile="$device_dir/run/bench-service.mjs"
  cp "$0" "$device_dir/run/gpu-service.sh"
  du -sh "$device_dir"/stage/* "$device_dir"/run/*
}

install() {
  mkdir -p "$work/bin"
  local gpu=/tmp/joyvasa-gpu   # scripts/gpu-bench.sh's runtime, when this machine already has it
  if [ -x "$gpu/node" ] && [ -f "$gpu/.installed" ]; then
    ln -sfn "$gpu/node" "$work/node"
    mkdir -p "$work/node_modules"
    ln -sfn "$gpu/node_modules/onnxruntime-node" "$work/node_modules/onnxruntime-node"
    ln -sfn "$gpu/node_modules/onnxruntime-common" "$work/node_modules/onnxruntime-common"
  elif [ ! -x "$work/node" ]; then
    xz -dc "$here/.device/node.xz" >"$work/node" && chmod +x "$work/node"
    tar xJf "$here/.device/ort-node.tar.xz" -C "$work"
    cat /tmp/joyvasa-parts/provider.tar.xz.* | xz -dc | tar xf - -C "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
  fi
  tar xJf "$device_dir/run/sharp.tar.xz" -C "$work"
  tar xJf "$device_dir/run/redis.tar.xz" -C "$work"
  [ -x "$work/bin/ffmpeg" ] || tar xJf "$parts/ffmpeg.tar.xz" -C "$work/bin"
  printf '#!/bin/sh\nLD_LIBRARY_PATH=%s/redis/lib exec %s/redis/redis-server "$@"\n' "$work" "$work" >"$work/bin/redis-server"
  chmod +x "$work/bin/redis-server"
  cp "$device_dir"/run/*.mjs "$work/"
  local site
  site=$(python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null)
  LD_LIBRARY_PATH=$(printf '%s:' "$site"/nvidia/*/lib)${LD_LIBRARY_PATH:-}
  export LD_LIBRARY_PATH PATH="$work/bin:$PATH"
}

run() {
  local out=${OUT:-/tmp/joyvasa-out}
  mkdir -p "$out"
  exec > >(tee -a "$out/service-gpu.log") 2>&1
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo 'no nvidia-smi'
  date -u +%FT%TZ
  install
  ffmpeg -hide_banner -version | head -1
  redis-server --version
  local options='{"renderBatch":8}'
  [ -n "${OPTIONS:-}" ] && options=$OPTIONS
  # DEVICE=cpu MODELS=fixture make a dry run on a machine without a GPU.
  (cd "$work" && ./node bench-service.mjs --joyvasa "$work/node $work/joyvasa.mjs" --models "${MODELS:-$work/bundle}" \
    --device "${DEVICE:-cuda}" --workers "${WORKERS:-1,2,4}" --jobs "${JOBS:-8}" --seconds "${SECONDS_OF_AUDIO:-4}" \
    --size 512 --options "$options" --redis-server "$work/bin/redis-server" \
    --out "$out/service-gpu.json") | tee "$out/service-gpu.md"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash gpu-service.sh prepare|run" >&2; exit 2 ;;
esac
