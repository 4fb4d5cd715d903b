import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '@joyvasa/core';
import type { ByteRange, InputRole, PendingVideo, VideoStoreV1 } from './video-store.js';

/** Sub-folders of a folder store: uploads, finished videos, videos being written. */
const folders = { inputs: 'inputs', videos: 'videos', partial: 'partial' } as const;

const safeId = /^[A-Za-z0-9_-]{1,128}$/;

function checkId(id: string): string {
  if (!safeId.test(id)) throw new InvalidInputError('id', `'${id}' is not a video id`);
  return id;
}

function safeExtension(extension: string): string {
  const lower = extension.toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(lower) ? lower : 'bin';
}

/**
 * A {@link VideoStoreV1} in a folder: `inputs/<id>/<role>.<ext>`, `videos/<id>.mp4`, and
 * `partial/<id>.<random>.mp4` for videos being written. The partial folder sits in the same folder so that
 * `commit` is a rename on one filesystem: a reader sees the whole MP4 or nothing. A worker killed
 * mid-render leaves its partial file behind, never under the video's name (a periodic `find partial
 * -mmin +1440 -delete` clears them).
 */
export function createFolderVideoStore(directory: string): VideoStoreV1 & { readonly directory: string } {
  const root = resolve(directory);
  const videoPath = (id: string) => join(root, folders.videos, `${checkId(id)}.mp4`);
  return {
    specificationVersion: 'v1',
    directory: root,
    async putInput(id, role: InputRole, data, extension) {
      const folder = join(root, folders.inputs, checkId(id));
      await mkdir(folder, { recursive: true });
      const name = `${role}.${safeExtension(extension)}`;
      const temporary = join(folder, `.${name}.${randomBytes(6).toString('hex')}`);
      try {
        await pipeline(data, createWriteStream(temporary));
        await rename(temporary, join(folder, name));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return `${id}/${name}`;
    },
    async inputPath(name) {
      const path = resolve(root, folders.inputs, name);
      if (relative(join(root, folders.inputs), path).startsWith(`..${sep}`)) {
        throw new InvalidInputError('input', `'${name}' is outside the store`);
      }
      return path;
    },
    async removeInputs(id) {
      await rm(join(root, folders.inputs, checkId(id)), { recursive: true, force: true });
    },
    async beginVideo(id) {
      await mkdir(join(root, folders.partial), { recursive: true });
      await mkdir(join(root, folders.videos), { recursive: true });
      const path = join(root, folders.partial, `${checkId(id)}.${randomBytes(6).toString('hex')}.mp4`);
      const pending: PendingVideo = {
        path,
        commit: () => rename(path, videoPath(id)),
        discard: () => rm(path, { force: true }),
      };
      return pending;
    },
    async videoBytes(id) {
      try {
        return (await stat(videoPath(id))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    readVideo(id, range?: ByteRange): Readable {
      return createReadStream(videoPath(id), range ? { start: range.start, end: range.end } : {});
    },
    async removeVideo(id) {
      await rm(videoPath(id), { force: true });
    },
  };
}
