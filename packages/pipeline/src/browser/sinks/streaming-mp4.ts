import type { EncodedAudioPacketSource, EncodedVideoPacketSource, Output } from 'mediabunny';
import type { AudioTrackPlan, EncoderPlan } from './webcodecs-encoder-plan.js';

type Mediabunny = typeof import('mediabunny');

/**
 * An MP4 muxed as it is encoded: fragmented (a fragment a second), so every byte is written once, in order,
 * into the parts of the result Blob; nothing is rewritten or copied into one buffer at the end.
 */
export class StreamingMp4 {
  readonly output: Output;
  readonly parts: Uint8Array[] = [];
  readonly #video: EncodedVideoPacketSource;
  readonly #audio: EncodedAudioPacketSource | undefined;
  readonly #mediabunny: Mediabunny;
  // One chain per track: the muxer may hold one track's packets back until the other catches up.
  #videoPackets: Promise<void> = Promise.resolve();
  #audioPackets: Promise<void> = Promise.resolve();

  /**
   * Loads the muxer when the first video is written: mediabunny stays out of the page's main chunk, which
   * onnxruntime-web's WASM worker threads load again (its top-level code stopped their start there).
   */
  static async create(plan: EncoderPlan, fps: number, audio: AudioTrackPlan | undefined) {
    return new StreamingMp4(await import('mediabunny'), plan, fps, audio);
  }

  private constructor(
    mediabunny: Mediabunny,
    plan: EncoderPlan,
    fps: number,
    audio: AudioTrackPlan | undefined,
  ) {
    const {
      AppendOnlyStreamTarget,
      EncodedAudioPacketSource,
      EncodedVideoPacketSource,
      Mp4OutputFormat,
      Output,
    } = mediabunny;
    this.#mediabunny = mediabunny;
    const parts = this.parts;
    this.output = new Output({
      format: new Mp4OutputFormat({ fastStart: 'fragmented' }),
      target: new AppendOnlyStreamTarget(new WritableStream({ write: (chunk) => void parts.push(chunk) })),
    });
    this.#video = new EncodedVideoPacketSource(plan.video.muxerCodec);
    this.output.addVideoTrack(this.#video, { frameRate: fps });
    if (audio) {
      this.#audio = new EncodedAudioPacketSource(audio.muxerCodec);
      this.output.addAudioTrack(this.#audio);
    }
  }

  addVideo(
    chunk: EncodedVideoChunk,
    meta: EncodedVideoChunkMetadata | undefined,
    fail: (e: unknown) => void,
  ) {
    const packet = this.#mediabunny.EncodedPacket.fromEncodedChunk(chunk);
    this.#videoPackets = this.#videoPackets.then(() => this.#video.add(packet, meta)).catch(fail);
  }

  addAudio(
    chunk: EncodedAudioChunk,
    meta: EncodedAudioChunkMetadata | undefined,
    fail: (e: unknown) => void,
  ) {
    const packet = this.#mediabunny.EncodedPacket.fromEncodedChunk(chunk);
    this.#audioPackets = this.#audioPackets.then(() => this.#audio!.add(packet, meta)).catch(fail);
  }

  /** Waits for every packet handed in, writes the last fragment and returns the file. */
  async finalize(): Promise<Blob> {
    await Promise.all([this.#videoPackets, this.#audioPackets]);
    await this.output.finalize();
    return new Blob(this.parts as BlobPart[], { type: 'video/mp4' });
  }
}
