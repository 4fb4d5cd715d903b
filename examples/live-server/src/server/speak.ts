import { spawn } from 'node:child_process';

/** Runs a command with `input` on stdin; resolves with its stdout, rejects with its stderr on failure. */
function run(command: string, args: readonly string[], input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${command} failed (${code}): ${err}`)),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/**
 * Speaks `text` with espeak-ng (Debian's `espeak-ng`), as 16 kHz mono 16-bit PCM: what a live session
 * takes. ffmpeg converts espeak-ng's 22.05 kHz WAV.
 */
export async function speak(
  text: string,
  tools: { espeak?: string; ffmpeg?: string } = {},
): Promise<Int16Array> {
  const wav = await run(tools.espeak ?? 'espeak-ng', ['--stdout', '--', text]);
  const pcm = await run(
    tools.ffmpeg ?? 'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      'pipe:0',
      '-f',
      's16le',
      '-ar',
      '16000',
      '-ac',
      '1',
      'pipe:1',
    ],
    wav,
  );
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
}
