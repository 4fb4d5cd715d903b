/**
 * One short clip through `createTalkingHead(...).generate({ image, audio }, { output })` on onnxruntime-node
 * (cpu), with the full-size `formula` bundle and the shrunk `fixture` bundle: total time, seconds per frame,
 * real-time factor, a timeline of the run, and an ffprobe summary of the mp4 written.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-end-to-end.ts \
 *     [--seconds 2] [--audio ../shared/data/audio/en_speech_01.wav] [--image ../shared/data/images/human_01.jpg] \
 *     [--bundles formula,fixture] [--threads N] [--sampler ddpm|ddim10] [--repeat 1] [--keep]
 *
 * Bundles are written once with writeBundle to <tmpdir>/joyvasa-bench-<kind> (the same folder
 * bench-stages.ts uses for `formula`) and reused; they and the videos are deleted at the end unless --keep.
 * The bundle is opened here and handed to createTalkingHead, so its files are not copied into the model
 * cache (~/.cache/joyvasa), which a folder path would do. Each run with the same talking head after the
 * first (--repeat) reuses the loaded sessions. Prints figures only; nothing is asserted.
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { BackendV1 } from '@joyvasa/core';
import type { SyntheticBundleKind } from '@joyvasa/model-builder/synthetic';
import { createTalkingHead, probeMedia, type TalkingHeadEvent } from '../src/node/index.js';
import { benchBundleFolder, openWrittenBenchBundle } from './bench-bundle.js';
import { childCpuSeconds, loadAverage as load, machineBusySeconds, machineHeader } from './machine-load.js';
import { parseScriptArgs } from './script-args.js';

const values = parseScriptArgs(
  {
    seconds: '2',
    audio: '../shared/data/audio/en_speech_01.wav',
    image: '../shared/data/images/human_01.jpg',
    bundles: 'formula,fixture',
    threads: undefined,
    sampler: 'ddpm',
    repeat: '1',
  },
  ['keep'],
);
const seconds = Number(values.seconds);
const kinds = values.bundles.split(',') as SyntheticBundleKind[];
const threads = values.threads ? Number(values.threads) : undefined;
const repeat = Number(values.repeat);
const sampler =
  values.sampler === 'ddpm' ? ('ddpm' as const) : { ddim: Number(values.sampler.replace(/^ddim/, '')) };
const outDir = join(tmpdir(), `joyvasa-bench-e2e-${process.pid}`);

console.log(machineHeader());

/** The node backend with a fixed intra-op thread count on every session (createTalkingHead has no such option). */
function backendWithThreads(count: number | undefined): BackendV1 {
  const backend = createOnnxNodeBackend();
  if (!count) return backend;
  return {
    ...backend,
    createSession: (model, options) => backend.createSession(model, { ...options, threads: count }),
  };
}

// Cut at 16 kHz, the rate of the bundles these figures are for (the talking head resamples to its encoder's).
const decoded = await decodeAudio(values.audio, { sampleRate: 16000 });
const clip = {
  pcm: decoded.pcm.slice(0, Math.round(seconds * decoded.sampleRate)),
  sampleRate: decoded.sampleRate,
};
console.log(
  `audio: first ${seconds} s of ${values.audio} (${clip.pcm.length} samples at ${clip.sampleRate} Hz); image ${values.image}`,
);
console.log(
  `sampler ${JSON.stringify(sampler)}, intra-op threads ${threads ?? 'runtime default'}, device cpu\n`,
);
await mkdir(outDir, { recursive: true });

const summary: string[] = [];
const directories: string[] = [];
for (const kind of kinds) {
  const { directory, bundle } = await openWrittenBenchBundle(kind, benchBundleFolder(kind), (line) =>
    console.log(line),
  );
  directories.push(directory);
  const created = performance.now();
  const head = await createTalkingHead({
    models: bundle,
    backend: backendWithThreads(threads),
    device: 'cpu',
  });
  for (let run = 1; run <= repeat; run++) {
    const output = join(outDir, `${kind}-${run}.mp4`);
    const loadBefore = load();
    const marks: Record<string, number> = {};
    let frames = 0;
    const busyBefore = machineBusySeconds();
    const cpuBefore = process.cpuUsage();
    const childBefore = childCpuSeconds();
    const start = performance.now();
    const result = await head.generate(
      { image: values.image, audio: clip },
      {
        output,
        sampler,
        onEvent(event: TalkingHeadEvent) {
          const at = performance.now() - start;
          if (event.type === 'source-ready') marks.sourceReady = at;
          if (event.type === 'motion-chunk') marks.firstChunk ??= at;
          if (event.type === 'frame') {
            marks.firstFrame ??= at;
            marks.lastFrame = at;
            frames++;
          }
        },
      },
    );
    const total = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const ownCpu = (cpu.user + cpu.system) / 1e6 + childCpuSeconds() - childBefore;
    const others = Math.max(0, machineBusySeconds() - busyBefore - ownCpu) / total;
    const s = (ms: number | undefined) => `${((ms ?? Number.NaN) / 1000).toFixed(2)} s`;
    const renderPerFrame = ((marks.lastFrame! - marks.firstChunk!) / frames / 1000).toFixed(2);
    const info = await probeMedia(output);
    const video = info.video!;
    const audio = info.audio;
    console.log(
      `${kind} bundle, run ${run}${run === 1 ? ' (includes session creation)' : ' (sessions loaded)'}:`,
    );
    console.log(
      `  load before ${loadBefore}, after ${load()}; CPU of this process + ffmpeg ${ownCpu.toFixed(1)} s ` +
        `(${(ownCpu / total).toFixed(2)} cores on average); other processes ${others.toFixed(2)} cores on average`,
    );
    console.log(
      `  timeline: source-ready ${s(marks.sourceReady)} (decode, ${run === 1 ? 'session creation, ' : ''}crop, F, M), ` +
        `first motion chunk ${s(marks.firstChunk)} (HuBERT + sampling), first frame ${s(marks.firstFrame)}, ` +
        `last frame ${s(marks.lastFrame)}, done ${total.toFixed(2)} s`,
    );
    console.log(
      `  total ${total.toFixed(2)} s for ${result.frameCount} frames (${result.durationSeconds} s of audio): ` +
        `${(total / result.frameCount).toFixed(2)} s per frame overall, ${renderPerFrame} s per frame after the motion, ` +
        `real-time factor ${(total / result.durationSeconds).toFixed(1)}`,
    );
    console.log(
      `  ffprobe: ${video.codecName} ${video.profile} ${video.width}x${video.height} ${video.pixelFormat} ${video.frameRate} fps, ` +
        `${video.frameCount} frames, ${video.duration} s; ` +
        (audio
          ? `${audio.codecName} ${audio.sampleRate} Hz ${audio.channels} ch ${audio.duration} s; `
          : 'no audio; ') +
        `container ${info.format.duration} s, ${((info.format.size ?? Number.NaN) / 1024).toFixed(0)} KiB (${output})`,
    );
    summary.push(
      `| ${kind} | ${run} | ${result.frameCount} | ${total.toFixed(1)} s | ${(total / result.frameCount).toFixed(2)} s | ` +
        `${renderPerFrame} s | ${(total / result.durationSeconds).toFixed(1)} | ${video.width}x${video.height}, ${video.frameCount} frames, ${audio ? audio.codecName : 'no audio'} | ${loadBefore} | ${others.toFixed(2)} |`,
    );
  }
  await head.dispose();
  console.log(
    `  (talking head created at +0, disposed after ${((performance.now() - created) / 1000).toFixed(1)} s)`,
  );
}
console.log(`\npeak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(
  '\n| bundle | run | frames | total | s per frame | s per frame after motion | real-time factor | mp4 (ffprobe) | load before | other processes (cores) |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |');
for (const line of summary) console.log(line);

if (!values.keep) {
  await rm(outDir, { recursive: true, force: true });
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
  console.log(`\nremoved ${outDir} and ${directories.join(', ')} (pass --keep to reuse them)`);
} else {
  console.log(`\nkept ${outDir} and ${directories.join(', ')}`);
}
