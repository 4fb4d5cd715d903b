import type { Device } from './device.js';

/** Reported when `'auto'` could not use the preferred device and picked another one. */
export interface BackendFallbackEvent {
  readonly type: 'backend-fallback';
  /** The backend that resolved the device, e.g. `onnx-node`. */
  readonly backend: string;
  /** The device chosen in the end. */
  readonly device: Device;
  /** Devices that were preferred but are not available, best first. */
  readonly skipped: readonly Device[];
}

/** Progress of reading, fetching or verifying one model file. Sizes in bytes. */
export interface ModelFileEvent {
  readonly type: 'model-file';
  readonly status: 'start' | 'progress' | 'cached' | 'end';
  /** Path of the file inside its bundle. */
  readonly file: string;
  readonly loaded: number;
  /** Total size in bytes when known, otherwise 0. */
  readonly total: number;
}

/** Progress of a long stage of work, counted in the stage's own units (windows, frames, files). */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly stage: string;
  readonly completed: number;
  readonly total: number;
}

/** Informational message that is not an error but a user should see (e.g. which crop fallback was used). */
export interface NoticeEvent {
  readonly type: 'notice';
  readonly code: string;
  readonly message: string;
}

/**
 * Which of a component's equivalent forms (its manifest `variants`) a GPU loaded: timed now at the
 * session's batch, remembered from an earlier load on the same GPU, driver, runtime, precision and batch,
 * or the only form that agreed with the official one.
 */
export interface VariantChosenEvent {
  readonly type: 'variant-chosen';
  /** The bundle component, e.g. `renderer`. */
  readonly component: string;
  /** The form opened, e.g. `padded-folded+layer-norm`, or `official`. */
  readonly variant: string;
  /** `timed`: measured now; `cache`: remembered; `only`: the single form left. */
  readonly source: 'timed' | 'cache' | 'only';
  /** Frames per run the forms were timed at. */
  readonly batch: number;
  /** When timed: median milliseconds per run of each form, or why it was passed over. */
  readonly timings: Readonly<Record<string, number | string>>;
}

/** Every event the lower layers report through an {@link EventListener}. */
export type JoyvasaEvent =
  | BackendFallbackEvent
  | ModelFileEvent
  | ProgressEvent
  | NoticeEvent
  | VariantChosenEvent;

/** Receives events; must not throw. */
export type EventListener = (event: JoyvasaEvent) => void;
