import type { Readable } from 'node:stream';

/** Which upload of a video an input is. */
export type InputRole = 'image' | 'audio';

/** A video being written: a local file to write to, made visible under the video's name by `commit`. */
export interface PendingVideo {
  /** A local path, ending in `.mp4`, that no reader sees until `commit`. */
  readonly path: string;
  /** Makes the written file the video (atomically: readers see the whole file or none). */
  commit(): Promise<void>;
  /** Removes whatever was written; harmless after `commit` or a second call. */
  discard(): Promise<void>;
}

/** A byte range of a video, both ends included (as HTTP `Range: bytes=start-end`). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Where the API puts uploads and the workers put videos: a place that the API and every worker can reach.
 * {@link createFolderVideoStore} keeps it in a folder (local, or a network mount shared by machines); an
 * object store can implement the same calls. Ids are the service's video ids (checked by the API).
 */
export interface VideoStoreV1 {
  readonly specificationVersion: 'v1';
  /**
   * Stores an upload of video `id` from `data` and returns its name in the store (what the job carries).
   * `extension` (without the dot, e.g. `wav`) keeps the format visible to decoders that look at it. If
   * `data` throws, nothing is left.
   */
  putInput(id: string, role: InputRole, data: AsyncIterable<Uint8Array>, extension: string): Promise<string>;
  /** A local file path of a stored input, for `generate()` to read. */
  inputPath(name: string): Promise<string>;
  /** Removes the uploads of video `id` (after it completed, failed or was cancelled). */
  removeInputs(id: string): Promise<void>;
  /** Starts writing the MP4 of video `id` under a temporary name. */
  beginVideo(id: string): Promise<PendingVideo>;
  /** The size of video `id`'s MP4 in bytes, or undefined while it is not complete. */
  videoBytes(id: string): Promise<number | undefined>;
  /** Reads video `id`'s MP4, whole or a range of it. */
  readVideo(id: string, range?: ByteRange): Readable;
  /** Removes video `id`'s MP4 if there is one. */
  removeVideo(id: string): Promise<void>;
}
