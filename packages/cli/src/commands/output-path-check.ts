import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** What {@link checkOutputPath} compares. */
export interface OutputPathCheck {
  /** The flag and path of the file to write, e.g. `['--out', 'video.mp4']`. */
  readonly output: readonly [flag: string, path: string];
  /** The flags and paths of the files read. */
  readonly inputs: readonly (readonly [flag: string, path: string])[];
  /** `--force` / `-y`: replace an existing output. */
  readonly force: boolean;
}

/** The real path of `path`, through symbolic links, also when the file itself does not exist yet. */
function realPath(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
}

/**
 * A usage error's message when writing the output would destroy something: it is one of the inputs (under
 * any name, links included; never allowed), or it exists and `force` was not given. Undefined when it is safe.
 */
export function checkOutputPath(check: OutputPathCheck): string | undefined {
  const [flag, path] = check.output;
  const target = realPath(path);
  for (const [inputFlag, input] of check.inputs) {
    if (realPath(input) === target) {
      return `${flag} '${path}' is the same file as ${inputFlag} '${input}'; writing it would destroy the input`;
    }
  }
  const blocked = fileAbove(target);
  if (blocked) return `${flag} '${path}' lies under '${blocked}', which is a file, not a folder`;
  if (!existsSync(target)) return undefined;
  if (!statSync(target).isFile()) return `${flag} '${path}' is a folder; name the video file to write`;
  return check.force ? undefined : `${flag} '${path}' exists; pass --force (-y) to replace it`;
}

/** The nearest existing folder above `path` when it is not a folder (so nothing can be written below it). */
function fileAbove(path: string): string | undefined {
  for (let parent = dirname(path); ; parent = dirname(parent)) {
    if (existsSync(parent)) return statSync(parent).isDirectory() ? undefined : parent;
    if (dirname(parent) === parent) return undefined;
  }
}

/**
 * A usage error's message when `--png-dir` cannot take the frames: it is a file or lies under one, or it
 * already holds a first frame and `force` was not given. Undefined when it is safe.
 */
export function checkPngDir(
  path: string,
  force: boolean,
  firstFrame = 'frame-00000.png',
): string | undefined {
  const target = realPath(path);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    return `--png-dir '${path}' is a file, not a folder; name a folder for the frames`;
  }
  const blocked = fileAbove(target);
  if (blocked) return `--png-dir '${path}' lies under '${blocked}', which is a file, not a folder`;
  if (!force && existsSync(join(target, firstFrame))) {
    return `--png-dir '${path}' already holds ${firstFrame}; pass --force (-y) to replace the frames`;
  }
  return undefined;
}
