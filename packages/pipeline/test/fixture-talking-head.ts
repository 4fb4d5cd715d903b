/**
 * The fixture bundle for pipeline tests: written once per test file into a temporary cache (a few MB,
 * well under a second), opened with a store that keeps nothing, so tests never fill ~/.cache/joyvasa and a
 * file missing from a bundle folder is really missing.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelManifest, type ModelStore, sha256Hex } from '@joyvasa/core';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import { afterAll, beforeAll } from 'vitest';
import { createTalkingHead, type NodeTalkingHead } from '../src/node/index.js';
import type { FrameEvent, TalkingHeadEvent } from '../src/run/talking-head-events.js';
import type { TalkingHeadOptions } from '../src/run/talking-head-options.js';

/** A store that never has anything: every model file is read from its bundle folder and checked. */
export const keepNothing: ModelStore = {
  get: async () => undefined,
  put: async () => {},
  delete: async () => {},
};

/** A temporary folder holding the fixture bundle; `cleanup` removes both. */
export interface FixtureWorkspace {
  /** The temporary folder, for outputs and variant bundles. */
  readonly directory: string;
  /** The fixture bundle folder. */
  readonly bundle: string;
  cleanup(): Promise<void>;
}

/** Writes the fixture bundle into a fresh temporary cache. */
export async function createFixtureWorkspace(): Promise<FixtureWorkspace> {
  const directory = await mkdtemp(join(tmpdir(), 'joyvasa-pipeline-test-'));
  const { directory: bundle } = await ensureSyntheticBundle('fixture', {
    cacheDirectory: join(directory, 'cache'),
  });
  return { directory, bundle, cleanup: () => rm(directory, { recursive: true, force: true }) };
}

/** Opens a bundle folder on the CPU without caching its files. */
export function openFixtureHead(
  bundle: string,
  options: Omit<TalkingHeadOptions, 'models'> = {},
): Promise<NodeTalkingHead> {
  return createTalkingHead({ models: bundle, device: 'cpu', store: keepNothing, ...options });
}

/** A fixture workspace and a talking head opened on it, for the tests of one file. */
export interface FixtureHead {
  readonly workspace: FixtureWorkspace;
  readonly head: NodeTalkingHead;
}

/**
 * Registers `beforeAll` (write the fixture bundle, open a head on it) and `afterAll` (dispose, remove) in the
 * calling test file; read `workspace` and `head` inside tests, once the hooks have run.
 */
export function useFixtureHead(): FixtureHead {
  const fixture = {} as { workspace: FixtureWorkspace; head: NodeTalkingHead };
  beforeAll(async () => {
    fixture.workspace = await createFixtureWorkspace();
    fixture.head = await openFixtureHead(fixture.workspace.bundle);
  });
  afterAll(async () => {
    await fixture.head?.dispose();
    await fixture.workspace?.cleanup();
  });
  return fixture;
}

/**
 * Copies a bundle folder to `target`, replacing files (name → bytes) and updating the manifest's sizes
 * and hashes to match, so the variant is a valid bundle.
 */
export async function copyBundleWith(
  bundle: string,
  target: string,
  files: Readonly<Record<string, Uint8Array>>,
): Promise<string> {
  await cp(bundle, target, { recursive: true });
  const manifest = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')) as ModelManifest;
  for (const [path, bytes] of Object.entries(files)) {
    await writeFile(join(target, path), bytes);
    const component = Object.values(manifest.components).find((c) => c.file.path === path);
    if (!component) throw new Error(`${path} is no component file of ${bundle}`);
    Object.assign(component.file, { bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  await writeFile(join(target, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return target;
}

/** Drains a stream into an array, optionally leaving it (`break`) once `stop` says so. */
export async function collectEvents(
  events: AsyncIterable<TalkingHeadEvent>,
  stop?: (event: TalkingHeadEvent) => boolean,
): Promise<TalkingHeadEvent[]> {
  const all: TalkingHeadEvent[] = [];
  for await (const event of events) {
    all.push(event);
    if (stop?.(event)) break;
  }
  return all;
}

/** The frame events of a run, in the order they came. */
export function framesOf(events: readonly TalkingHeadEvent[]): FrameEvent[] {
  return events.filter((event): event is FrameEvent => event.type === 'frame');
}

/** A short hash of each frame's pixels, in order: equal lists mean identical frames. */
export function frameHashes(events: readonly TalkingHeadEvent[]): string[] {
  return framesOf(events).map((frame) =>
    createHash('sha256').update(frame.image.data).digest('hex').slice(0, 16),
  );
}

/** Every motion frame of a run's motion-chunk events, flattened to numbers (for equality checks). */
export function motionOf(events: readonly TalkingHeadEvent[]): number[] {
  return events.flatMap((event) =>
    event.type === 'motion-chunk'
      ? event.frames.flatMap((frame) => [
          ...frame.exp,
          frame.scale,
          ...frame.t,
          frame.pitch,
          frame.yaw,
          frame.roll,
        ])
      : [],
  );
}
