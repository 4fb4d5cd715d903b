#!/usr/bin/env bash
# Here (no GPU needed): builds what the GPU run of the onnx-capi backend needs into one small folder,
# by default .device/capi of the repository (git-ignored), beside what `bash scripts/gpu-bench.sh prepare` stages:
#   capi-smoke.mjs, capi-bench-render.mjs,  esbuild bundles of scripts/smoke.ts and the pipeline's
#   capi-bench-gpu.mjs,                     bench-render.ts, bench-gpu.ts and accuracy-render.ts
#   capi-accuracy-render.mjs
#   koffi.tar.xz                           koffi and its prebuilt linux-x64 binary package
#   run.sh                                 the device-side runner (gpu-run.sh)
#   gpu-renderer-21e.sh                    issue 21e's one-call renderer comparison (scripts/gpu-renderer-21e.sh)
#   commit.txt                             the commit the bundles were built from (+ "with local changes")
# Every run rebuilds the bundles from this tree, so what is carried is what is checked out here.
#   bash packages/backend-onnx-capi/scripts/prepare-gpu.sh [destination]
set -euo pipefail
here=$(cd "$(dirname "$0")/../../.." && pwd)
dest=${1:-$here/.device/capi}
mkdir -p "$dest"
esbuild=$(ls -d "$here"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
bundle() {
  "$esbuild" "$1" --bundle --platform=node --format=esm --conditions=@joyvasa/source \
    --external:onnxruntime-node --external:onnxruntime-web --external:webgpu --external:sharp --external:koffi \
    --define:__PACKAGE_VERSION__='"0.0.0-source"' --log-level=warning --outfile="$2"
}
bundle "$here/packages/backend-onnx-capi/scripts/smoke.ts" "$dest/capi-smoke.mjs"
bundle "$here/packages/pipeline/scripts/bench-render.ts" "$dest/capi-bench-render.mjs"
bundle "$here/packages/pipeline/scripts/bench-gpu.ts" "$dest/capi-bench-gpu.mjs"
bundle "$here/packages/pipeline/scripts/accuracy-render.ts" "$dest/capi-accuracy-render.mjs"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/node_modules/@koromix"
cp -rL "$here"/node_modules/.pnpm/koffi@3.3.4/node_modules/koffi "$scratch/node_modules/"
cp -rL "$here"/node_modules/.pnpm/@koromix+koffi-linux-x64@3.3.4/node_modules/@koromix/koffi-linux-x64 \
  "$scratch/node_modules/@koromix/"
rm -rf "$scratch/node_modules/koffi/vendor" "$scratch/node_modules/koffi/doc"
tar cJf "$dest/koffi.tar.xz" -C "$scratch" node_modules
cp "$here/packages/backend-onnx-capi/scripts/gpu-run.sh" "$dest/run.sh"
cp "$here/scripts/gpu-renderer-21e.sh" "$dest/gpu-renderer-21e.sh"
{
  git -C "$here" rev-parse --short HEAD
  git -C "$here" diff --quiet HEAD -- packages scripts || echo "with local changes"
} >"$dest/commit.txt"
du -sh "$dest"/*
