import type { DeviceTensor } from './backend.js';
import { SessionRunError } from './errors.js';
import type { DType } from './tensor.js';

/** Where a held tensor lives, its type and shape, and how the backend frees it. */
export interface HoldRequest<T> {
  /** The session that made it: disposing that session frees it. */
  readonly owner: object;
  /** Where it lives, as the backend names it (`cuda:0`, `cpu`): only sessions there may take it. */
  readonly device: string;
  readonly type: DType;
  readonly dims: readonly number[];
  /** The backend's value. */
  readonly value: T;
  /** Frees the backend's value; called once, when no run is using it any more. */
  readonly free: () => void;
}

/** A value lent to one run: `done` gives it back (after the run, also when it failed). */
export interface BorrowedValue<T> {
  readonly value: T;
  done(): void;
}

interface Held<T> {
  readonly request: HoldRequest<T>;
  /** Runs using the value now: a dispose during a run frees it when the last one is done. */
  users: number;
  disposed: boolean;
  readonly freed: Promise<void>;
  readonly markFreed: () => void;
}

/**
 * The device tensors of one backend object, shared by all its sessions (the `DeviceTensor` contract): a
 * session of that backend on the same device may take any of them; one from another backend, another
 * device, or one already disposed is a `SessionRunError` naming the input. A value is freed once: when
 * its tensor or its owner is disposed and no run is using it.
 */
export class DeviceTensorRegistry<T> {
  readonly #held = new Map<DeviceTensor, Held<T>>();

  /** Records a backend value and returns the device tensor that stands for it. */
  hold(request: HoldRequest<T>): DeviceTensor {
    const deviceTensor: DeviceTensor = {
      kind: 'device-tensor',
      type: request.type,
      dims: [...request.dims],
      dispose: () => this.#release(deviceTensor),
    };
    let markFreed = () => {};
    const freed = new Promise<void>((resolve) => {
      markFreed = resolve;
    });
    this.#held.set(deviceTensor, { request, users: 0, disposed: false, freed, markFreed });
    return deviceTensor;
  }

  /** Lends the value behind `feed` (input `name` of `component`) to a run of a session on `device`. */
  borrow(component: string, name: string, feed: DeviceTensor, device: string): BorrowedValue<T> {
    const held = this.#held.get(feed);
    if (!held || held.disposed) {
      throw new SessionRunError(
        component,
        `input ${name} is a device tensor that was disposed, or made by another backend`,
      );
    }
    if (held.request.device !== device) {
      throw new SessionRunError(
        component,
        `input ${name} is a device tensor on ${held.request.device}, but this session runs on ${device}`,
      );
    }
    held.users++;
    let returned = false;
    return {
      value: held.request.value,
      done: () => {
        if (returned) return;
        returned = true;
        held.users--;
        this.#freeIfUnused(feed, held);
      },
    };
  }

  /** Frees every device tensor `owner` made (when that session is disposed), once no run uses them. */
  async releaseOwnedBy(owner: object): Promise<void> {
    const owned = [...this.#held].filter(([, held]) => held.request.owner === owner);
    await Promise.all(owned.map(([deviceTensor]) => this.#release(deviceTensor)));
  }

  /** Device tensors not yet freed. */
  get size(): number {
    return this.#held.size;
  }

  #release(deviceTensor: DeviceTensor): Promise<void> {
    const held = this.#held.get(deviceTensor);
    if (!held) return Promise.resolve();
    held.disposed = true;
    this.#freeIfUnused(deviceTensor, held);
    return held.freed;
  }

  #freeIfUnused(deviceTensor: DeviceTensor, held: Held<T>): void {
    if (!held.disposed || held.users > 0 || !this.#held.has(deviceTensor)) return;
    this.#held.delete(deviceTensor);
    try {
      held.request.free();
    } finally {
      held.markFreed();
    }
  }
}
