import { describe, expect, it } from 'vitest';
import { parseNodePlacement } from './parse-node-placement.js';

const prefix =
  '2026-11-21 07:36:01.882158 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]';

describe('parseNodePlacement', () => {
  it('reads the one-provider summary', () => {
    const lines = ['other', `${prefix}  All nodes placed on [WebGpuExecutionProvider]. Number of nodes: 344`];
    expect(parseNodePlacement(lines)).toEqual({
      counts: { WebGpuExecutionProvider: 344 },
      nodes: { WebGpuExecutionProvider: [] },
    });
  });

  it('reads the per-provider blocks with their nodes', () => {
    const lines = [
      `${prefix}  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 2\n  Conv (conv_1)\n  Relu (relu_1)\n`,
      `${prefix}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 1\n  GridSample (warp/grid_sample)\n`,
      '[W:onnxruntime:, something else]',
    ];
    expect(parseNodePlacement(lines)).toEqual({
      counts: { WebGpuExecutionProvider: 2, CPUExecutionProvider: 1 },
      nodes: {
        WebGpuExecutionProvider: ['Conv (conv_1)', 'Relu (relu_1)'],
        CPUExecutionProvider: ['GridSample (warp/grid_sample)'],
      },
    });
  });

  it('returns undefined for a log without a placement report', () => {
    expect(parseNodePlacement(['session created'])).toBeUndefined();
  });
});
