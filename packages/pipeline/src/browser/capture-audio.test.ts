import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureAudio } from './capture-audio.js';

// Node has no Web Audio: these fakes record the graph the capture builds, and play the worklet's side of
// its port. The AudioWorklet itself runs in the live page's Chromium test (examples/live).
class FakeNode {
  readonly connections = new Set<unknown>();
  connect<T>(target: T): T {
    this.connections.add(target);
    return target;
  }
  disconnect(target?: unknown): void {
    if (target !== undefined && !this.connections.delete(target)) {
      throw new DOMException('not connected', 'InvalidAccessError');
    }
    if (target === undefined) this.connections.clear();
  }
}

let worklets: FakeWorkletNode[] = [];
class FakeWorkletNode extends FakeNode {
  readonly port = {
    onmessage: null as ((event: { data: unknown }) => void) | null,
    closed: false,
    close() {},
  };
  constructor(
    readonly context: unknown,
    readonly name: string,
    readonly options: { processorOptions: { chunkSamples: number } },
  ) {
    super();
    this.port.close = () => {
      this.port.closed = true;
    };
    worklets.push(this);
  }
  /** What the processor posts for one chunk. */
  post(pcm: Float32Array, startTime: number): void {
    if (!this.port.closed) this.port.onmessage?.({ data: { pcm, startTime } });
  }
}

function fakeContext(options: { worklet?: boolean } = {}) {
  const modules: string[] = [];
  return {
    sampleRate: 44100,
    destination: new FakeNode(),
    audioWorklet:
      options.worklet === false ? undefined : { addModule: async (url: string) => void modules.push(url) },
    modules,
  };
}

beforeEach(() => {
  worklets = [];
  vi.stubGlobal('AudioWorkletNode', FakeWorkletNode);
  vi.stubGlobal('GainNode', FakeNode);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** A capture of a fake source that a signal can stop. */
async function captureWithSignal() {
  const stop = new AbortController();
  const source = new FakeNode();
  const captured = await captureAudio(
    fakeContext() as unknown as BaseAudioContext,
    source as unknown as AudioNode,
    { signal: stop.signal },
  );
  return { stop, source, captured };
}

describe('captureAudio', () => {
  it('streams the worklet chunks in order, at the context rate, with the first sample time', async () => {
    const context = fakeContext();
    const source = new FakeNode();
    const captured = await captureAudio(
      context as unknown as BaseAudioContext,
      source as unknown as AudioNode,
    );
    expect(captured).toMatchObject({ sampleRate: 44100, channels: 1 });
    const [node] = worklets;
    expect(node!.options.processorOptions.chunkSamples).toBe(882);
    expect(source.connections.has(node)).toBe(true);
    node!.post(Float32Array.of(1, 2), 0.25);
    node!.post(Float32Array.of(3), 0.25);
    const reader = captured.stream.getReader();
    expect(Array.from((await reader.read()).value!)).toEqual([1, 2]);
    expect(Array.from((await reader.read()).value!)).toEqual([3]);
    expect(await captured.startTime).toBe(0.25);
  });

  it('ends the stream when the signal aborts, and disconnects the capture once', async () => {
    const { stop, source, captured } = await captureWithSignal();
    const reader = captured.stream.getReader();
    worklets[0]!.post(Float32Array.of(1), 0);
    stop.abort();
    worklets[0]!.post(Float32Array.of(2), 0);
    expect(Array.from((await reader.read()).value!)).toEqual([1]);
    expect((await reader.read()).done).toBe(true);
    expect(source.connections.size).toBe(0);
    expect(worklets[0]!.port.closed).toBe(true);
  });

  it('disconnects when the consumer cancels (stream() aborted), and a later abort does not throw', async () => {
    const { stop, source, captured } = await captureWithSignal();
    await captured.stream.cancel();
    expect(source.connections.size).toBe(0);
    expect(() => stop.abort()).not.toThrow();
  });

  it('refuses a page without AudioWorklet, and chunks shorter than a render quantum', async () => {
    const source = new FakeNode() as unknown as AudioNode;
    await expect(
      captureAudio(fakeContext({ worklet: false }) as unknown as BaseAudioContext, source),
    ).rejects.toThrow(MissingDependencyError);
    await expect(
      captureAudio(fakeContext() as unknown as BaseAudioContext, source, { chunkSamples: 64 }),
    ).rejects.toThrow(InvalidInputError);
  });
});
