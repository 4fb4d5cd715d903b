import { type BackendV1, SessionRunError } from '@joyvasa/core';

/**
 * A backend whose sessions fail with `SessionRunError` once `afterRuns` runs have been made in all, as a
 * GPU that falls off the bus does: for fault drills of a deployment (`JOYVASA_WORKER_FAULT` of `joyvasa
 * worker`) and the service's fault tests. Everything else is the wrapped backend's.
 */
export function withDeviceFault(backend: BackendV1, afterRuns: number): BackendV1 {
  let runs = 0;
  return {
    ...backend,
    supportedDevices: () => backend.supportedDevices(),
    resolveDevice: (request, onEvent) => backend.resolveDevice(request, onEvent),
    async createSession(model, options) {
      const session = await backend.createSession(model, options);
      return {
        ...session,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        device: session.device,
        dispose: () => session.dispose(),
        ...(session.upload ? { upload: session.upload.bind(session) } : {}),
        run(feeds, runOptions) {
          runs += 1;
          if (runs > afterRuns) {
            return Promise.reject(
              new SessionRunError(options?.name ?? 'model', 'the device failed (injected fault)'),
            );
          }
          return session.run(feeds, runOptions);
        },
      };
    },
  };
}
