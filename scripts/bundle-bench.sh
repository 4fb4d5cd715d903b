#!/usr/bin/env bash
# One benchmark script of packages/pipeline/scripts as a plain ESM file for a machine without tsx or a
# registry (the GPU machine): bash scripts/bundle-bench.sh ROOT SCRIPT OUT.mjs, ROOT a checkout with its
# node_modules (this tree or a baseline's worktree), SCRIPT a name such as bench-gpu.
set -euo pipefail
root=$1 script=$2 out=$3
esbuild=$(ls -d "$root"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
"$esbuild" "$root/packages/pipeline/scripts/$script.ts" --bundle --platform=node --format=esm \
  --conditions=@joyvasa/source --external:onnxruntime-node --external:onnxruntime-web --external:webgpu \
  --external:sharp --external:@joyvasa/backend-onnx-capi --external:koffi --log-level=warning --outfile="$out"
