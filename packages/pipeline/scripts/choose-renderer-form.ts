/**
 * The renderer's forms chosen at load on a GPU (issue 21, point 2), through `createTalkingHead` as an app
 * uses it: for each render batch, a head is loaded and warmed up (the forms are timed at that batch and the
 * winner written to `variant-choices.json` under the SDK's cache folder), then a second head is loaded and
 * warmed up (the winner comes from that file). Prints each `variant-chosen` event and the load times.
 *
 *   XDG_CACHE_HOME=/tmp/choice-cache node choose-renderer-form.mjs --bundle /tmp/forms-fp16 --device cuda \
 *     [--render-batches 1,4,8] [--dtype fp16] [--forms official,padded-folded+folded,padded-folded+layer-norm]
 *     [--out result.json]
 *
 * A folder without a manifest gets an official-size bundle with random weights carrying `--forms`
 * (`ensureBenchBundle`). Also runs here on the CPU with `--bundle fixture-forms --device cpu`, where no
 * form is timed (the official opens): a check of the script itself. Prints figures only.
 */
import { writeFileSync } from 'node:fs';
import type { Device, VariantChosenEvent } from '@joyvasa/core';
import { parseRendererVariant, type RendererVariant } from '@joyvasa/model-builder';
import { createTalkingHead } from '@joyvasa/pipeline';
import { ensureBenchBundle } from './bench-bundle.js';
import { parseScriptArgs } from './script-args.js';

const values = parseScriptArgs({
  bundle: '/tmp/joyvasa-forms-bundle',
  device: 'cuda',
  'render-batches': '1,4,8',
  dtype: 'fp16',
  forms: 'official,padded-folded+folded,padded-folded+layer-norm',
  out: undefined,
});
const forms: RendererVariant[] = values.forms.split(',').map((name) => {
  const form = parseRendererVariant(name);
  if (!form) throw new Error(`--forms: '${name}' is not a renderer form`);
  return form;
});
const device = values.device as Device;
const bundle = await ensureBenchBundle(
  values.bundle,
  console.log,
  values.dtype === 'fp16' ? 'fp16' : 'fp32',
  forms,
);

// A textured 512x512 portrait stand-in: the crop falls back to the centre, which is all timing needs.
const side = 512;
const pixels = Uint8Array.from(
  { length: side * side * 3 },
  (_, i) => (128 + 100 * Math.sin(i * 0.013)) & 255,
);
const image = { width: side, height: side, channels: 3 as const, data: pixels };

/** Loads a head, warms it up at `renderBatch`, and returns its variant-chosen events and the time taken. */
async function loadOnce(renderBatch: number) {
  const chosen: VariantChosenEvent[] = [];
  const start = performance.now();
  const head = await createTalkingHead({
    models: bundle,
    device,
    onEvent: (event) => {
      if (event.type === 'variant-chosen') chosen.push(event);
    },
  });
  await head.warmUp(image, { renderBatch, crop: false, pasteBack: false });
  const milliseconds = performance.now() - start;
  await head.dispose();
  return { renderBatch, milliseconds: Math.round(milliseconds), chosen };
}

const results = [];
for (const renderBatch of values['render-batches'].split(',').map(Number)) {
  for (const load of ['first', 'second']) {
    const result = await loadOnce(renderBatch);
    results.push({ load, ...result });
    const events = result.chosen
      .map(
        (event) => `${event.component}: ${event.variant} (${event.source}) ${JSON.stringify(event.timings)}`,
      )
      .join('; ');
    console.log(
      `batch ${renderBatch}, ${load} load + warm-up ${result.milliseconds} ms: ${events || 'no choice (one form or not a timed device)'}`,
    );
  }
}
if (values.out) writeFileSync(values.out, JSON.stringify({ device, bundle, results }, null, 2));
process.exit(0);
