import {
  type BorrowedValue,
  type DeviceTensor,
  SessionRunError,
  type TensorLike,
  tensorSize,
} from '@joyvasa/core';

/** Refuses a tensor whose data does not fill its dims (the runtime would read past it). */
export function checkFilled(name: string, component: string, tensor: TensorLike): void {
  if (tensor.data.length !== tensorSize(tensor.dims)) {
    throw new SessionRunError(
      component,
      `input ${name} has ${tensor.data.length} elements for dims [${tensor.dims.join(', ')}]`,
    );
  }
}

/** What a run made for itself and must give back: host values to release, device tensors lent to it. */
export interface Temporaries {
  readonly values: bigint[];
  readonly borrowed: BorrowedValue<bigint>[];
}

export const newTemporaries = (): Temporaries => ({ values: [], borrowed: [] });

/** Frees device tensors a run made when its caller will never see them (the run was aborted after it). */
export const disposeAll = (tensors: Record<string, DeviceTensor>) =>
  Promise.all(Object.values(tensors).map((tensor) => tensor.dispose()));
