#!/usr/bin/env bash
# The README's promise, tested as a user meets it: every public package packed with `pnpm pack`, the
# tarballs installed with plain npm into a new app outside the workspace (no workspace links), the README's
# Node and browser examples type-checked with stock tsconfigs (strict, no skipLibCheck), the Node example run
# on the fixture bundle (`npx joyvasa fixture`) and its mp4 read with ffprobe, the browser example bundled
# by Vite and run in headless Chromium on WebGPU (SwiftShader) and on WASM.
#
# Usage: bash scripts/consumer-test.sh   (after `pnpm build`; CI runs it from .ci/run)
# Env: KEEP_CONSUMER_APP=1 keeps the app folder; CHROMIUM_PATH as for the browser tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
template="$repo/scripts/consumer-test"
shared="$repo/../shared/data"
app="$(mktemp -d "${TMPDIR:-/tmp}/joyvasa-consumer-XXXXXX")"
if [[ "${KEEP_CONSUMER_APP:-}" != 1 ]]; then trap 'rm -rf "$app"' EXIT; fi
step() { printf '\n--- consumer test: %s (%ss)\n' "$1" "$SECONDS"; }
fail() { printf 'consumer test FAILED: %s\n' "$1" >&2; exit 1; }

step "pack the public packages into $app/tarballs"
mkdir -p "$app/tarballs"
for manifest in "$repo"/packages/*/package.json; do
  dir="$(dirname "$manifest")"
  [[ "$(node -p "require('$manifest').private === true")" == true ]] && continue
  [[ -d "$dir/dist" ]] || fail "$dir has no dist: run pnpm build first"
  (cd "$dir" && pnpm pack --pack-destination "$app/tarballs" >/dev/null)
done
ls "$app/tarballs"

step 'what the tarballs ship: no tests, no fixtures, no pickles'
for tarball in "$app"/tarballs/*.tgz; do
  if tar -tzf "$tarball" | grep -E '\.test\.|/fixtures/|\.pkl$|\.pt$|\.pth$|/test/'; then
    fail "$(basename "$tarball") ships test files"
  fi
done

step 'install the tarballs with npm into a fresh app (ONNXRUNTIME_NODE_INSTALL=skip)'
cd "$app"
cat > package.json <<'EOF'
{ "name": "joyvasa-consumer-app", "private": true, "type": "module" }
EOF
export ONNXRUNTIME_NODE_INSTALL=skip
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  ./tarballs/*.tgz typescript@5.9.3 @types/node@20 vite@8.3.8 playwright-core@1.65.1
[[ -L node_modules/@joyvasa/pipeline ]] && fail 'node_modules/@joyvasa/pipeline is a link, not an install'

step "extract the README's examples"
node - "$repo/README.md" <<'EOF'
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const blocks = [...readFileSync(process.argv[2], 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const node = blocks.find((code) => code.includes("output: 'talking.mp4'"));
const browser = blocks.find((code) => code.includes('createCanvasSink'));
if (!node || !browser) throw new Error('the README has no Node example (output: talking.mp4) or no browser example');
writeFileSync('node-example.ts', node);
mkdirSync('browser/src', { recursive: true });
// Two DDIM steps instead of the default sampler's 50: SwiftShader runs WebGPU on the CPU, slowly. The
// calls are the README's; only the number of denoising steps differs.
const sink = '{ sink: createCanvasSink(canvas) }';
if (!browser.includes(sink)) throw new Error(`the README's browser example has no ${sink}`);
writeFileSync('browser/src/main.ts', browser.replace(sink, '{ sink: createCanvasSink(canvas), sampler: { ddim: 2 } }'));
// The same page with the bare import, for the one-line tsconfig the README documents.
mkdirSync('browser/src-bare', { recursive: true });
writeFileSync('browser/src-bare/main.ts', browser.replace("'@joyvasa/pipeline/browser'", "'@joyvasa/pipeline'"));
EOF
cp "$template/tsconfig.node.json" tsconfig.json
cp "$template/tsconfig.browser.json" browser/tsconfig.json
cp "$template/index.html" browser/index.html
cp "$template/run-browser.mjs" run-browser.mjs
node -e "
  const c = require('fs').readFileSync('browser/tsconfig.json', 'utf8');
  require('fs').writeFileSync('browser/tsconfig.bare.json', c
    .replace('\"moduleResolution\": \"bundler\",', '\"moduleResolution\": \"bundler\",\n    \"customConditions\": [\"browser\"],')
    .replace('\"include\": [\"src\"]', '\"include\": [\"src-bare\"]'));"

step 'type-check the examples (strict, no skipLibCheck)'
npx tsc -p tsconfig.json || fail "the README's Node example does not type-check"
npx tsc -p browser/tsconfig.json || fail "the README's browser example does not type-check"
# Without a `types` list TypeScript loads every installed @types package: none of ours may clash with its DOM.
grep -v '"types"' tsconfig.json > tsconfig.all-types.json
npx tsc -p tsconfig.all-types.json --noEmit || fail 'an installed @types package breaks tsc (no types list)'
npx tsc -p browser/tsconfig.bare.json ||
  fail "the bare '@joyvasa/pipeline' import does not type-check in a browser app with customConditions"

step 'inputs and the fixture bundle (npx joyvasa fixture)'
ffmpeg -loglevel error -y -i "$shared/images/human_01.jpg" -vf scale=320:320 portrait.jpg
ffmpeg -loglevel error -y -i "$shared/audio/en_speech_01.wav" -t 1 -ac 1 -ar 16000 speech.wav
npx joyvasa fixture --to fixture-bundle
usage="$(npx joyvasa animate --bogus 2>&1 || true)"
[[ "$(printf '%s\n' "$usage" | wc -l)" -le 3 ]] || fail "a CLI usage error printed more than 3 lines: $usage"

step 'plain JavaScript callers get typed errors naming the field (exported by @joyvasa/pipeline)'
cp "$template/check-errors.mjs" check-errors.mjs
node check-errors.mjs

step "run the README's Node example on the fixture bundle"
sed -i "s#'/path/to/bundle'#'./fixture-bundle'#" node-example.js
node node-example.js
ffprobe -v error -show_entries stream=codec_type,codec_name,width,height,nb_read_frames -count_frames \
  -of csv=p=0 talking.mp4 | tee probe.txt
grep -qx 'h264,320,320,video,25' probe.txt || grep -qx 'h264,video,320,320,25' probe.txt ||
  fail 'talking.mp4 is not 25 frames of 320x320 H.264'
grep -q '^aac' probe.txt || fail 'talking.mp4 has no AAC audio track'

step "bundle the README's browser example with Vite and run it in Chromium (WASM, then WebGPU)"
mkdir -p browser/public/models
cp -r fixture-bundle browser/public/models/joyvasa
cp portrait.jpg browser/public/
# 0.04 s (1 frame) for the page: SwiftShader runs WebGPU on the CPU, slowly (about a minute a frame on two
# cores). The frames themselves are compared with Node's in examples/web's browser test; this checks the
# packed packages in a fresh app.
ffmpeg -loglevel error -y -i "$shared/audio/en_speech_01.wav" -t 0.04 -ac 1 -ar 16000 browser/public/speech.wav
npx vite build browser --logLevel warn
node run-browser.mjs wasm webgpu

step "sizes of node_modules (du -sh)"
du -sh node_modules
step "passed in ${SECONDS}s"
