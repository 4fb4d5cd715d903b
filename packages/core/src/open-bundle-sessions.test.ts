import { describe, expect, it } from 'vitest';
import type { BackendV1, SessionV1 } from './backend.js';
import { InvalidInputError, ModelLoadError } from './errors.js';
import { graphIo } from './graph-io.js';
import { openBundleSessions } from './open-bundle-sessions.js';

const io = graphIo.retargeting;
const components = ['stitching', 'retarget_lip', 'retarget_eye'];

/** A bundle whose components open as sessions named `names`, except `failing`, whose load fails. */
function bundleOf(failing?: string, names = { input: 'input', output: 'output' }) {
  const disposed: string[] = [];
  const variants: Array<string | undefined> = [];
  const bundle = {
    async createSession(
      _backend: BackendV1,
      component: string,
      options: { variant?: string },
    ): Promise<SessionV1> {
      variants.push(options.variant);
      if (component === failing) throw new ModelLoadError(component, 'the file is truncated');
      return {
        specificationVersion: 'v1',
        device: 'cpu',
        inputNames: [names.input],
        outputNames: [names.output],
        run: async () => ({}),
        dispose: async () => {
          disposed.push(component);
        },
      };
    },
  };
  return { bundle, disposed, variants };
}

const backend = {} as BackendV1;

describe('openBundleSessions', () => {
  it('opens and checks each component, and disposes them all on dispose()', async () => {
    const { bundle, disposed } = bundleOf();
    const opened = await openBundleSessions(bundle, backend, {}, async (open) =>
      Promise.all(components.map((component) => open(component, io))),
    );
    expect(opened.value).toHaveLength(3);
    expect(disposed).toEqual([]);
    await opened.dispose();
    expect(disposed.sort()).toEqual([...components].sort());
  });

  it('opens a named form of a component when asked, the official one otherwise', async () => {
    const { bundle, variants } = bundleOf();
    const opened = await openBundleSessions(bundle, backend, {}, async (open) => [
      await open('stitching', io),
      await open('stitching', io, 'padded'),
    ]);
    expect(variants).toEqual([undefined, 'padded']);
    await opened.dispose();
  });

  it('disposes the first two sessions when the third fails to open', async () => {
    const { bundle, disposed } = bundleOf('retarget_eye');
    const loading = openBundleSessions(bundle, backend, {}, async (open) => {
      for (const component of components) await open(component, io);
    });
    await expect(loading).rejects.toSatisfy(ModelLoadError.isInstance);
    expect(disposed.sort()).toEqual(['retarget_lip', 'stitching']);
  });

  it('disposes a session of another graph as well as those before it, naming both sets of names', async () => {
    const { bundle, disposed } = bundleOf(undefined, { input: 'img', output: 'output' });
    const loading = openBundleSessions(bundle, backend, {}, (open) => open('stitching', io));
    await expect(loading).rejects.toSatisfy(
      (error: unknown) =>
        InvalidInputError.isInstance(error) && /inputs \[img\].*takes `input`/.test(String(error)),
    );
    expect(disposed).toEqual(['stitching']);
  });

  it('disposes what was opened when wrapping a session throws', async () => {
    const { bundle, disposed } = bundleOf();
    const loading = openBundleSessions(bundle, backend, {}, async (open) => {
      await open('stitching', io);
      throw new InvalidInputError('options.featureDim', 'expected a whole number');
    });
    await expect(loading).rejects.toSatisfy(InvalidInputError.isInstance);
    expect(disposed).toEqual(['stitching']);
  });
});
