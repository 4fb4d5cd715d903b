#!/usr/bin/env bash
# Sets up a fresh Debian machine that has Node 20 and nothing else: system packages (ffmpeg for audio
# decoding and mp4 writing, espeak-ng for the live-server example's TTS, Chromium for the browser tests, redis-server for the service's tests), pnpm, and the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
# The render service's fault tests (packages/service) start their own redis-server on a free port.
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The live-server example speaks typed sentences with espeak-ng (a server-side TTS).
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
# The browser tests drive Debian's Chromium (headless; WebGPU on SwiftShader). Set JOYVASA_SKIP_BROWSER=1
# to leave it out on machines that will not run them.
if [ "${JOYVASA_SKIP_BROWSER:-0}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Please install: ${need_apt[*]} (for example: sudo apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi

if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g pnpm@12 --silent
fi

# onnxruntime-node's install script would download CUDA libraries from NuGet; .npmrc and
# pnpm-workspace.yaml skip it (the CPU runtime ships in the npm package).
pnpm install --frozen-lockfile
