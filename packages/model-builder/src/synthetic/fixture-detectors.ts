import { createTensor, InvalidInputError } from '@joyvasa/core';
import { graphSpecs } from '../bundle/bundle-plan.js';
import type { ReadyModel } from '../bundle/joyvasa-bundle-plan.js';
import { GraphBuilder } from '../onnx/graph-builder.js';

/**
 * Stand-ins for the InsightFace detector and the two landmark models, with their input and output layout,
 * for fixture bundles (the real files cannot ship with the project). They are not face detectors: the
 * detector reports one face in the middle of its 512x512 input whenever the image has texture (pixel
 * variance above a threshold) and none in a flat image (optionally a second, smaller face beside it); the
 * landmark models return a fixed face layout.
 */

const side = 512;
const strides = [8, 16, 32] as const;

function encode(g: GraphBuilder): ReadyModel {
  return { bytes: g.encode(), ...graphSpecs(g) };
}

/** Per-stride anchor counts of SCRFD at 512x512 with 2 anchors per location. */
function anchorCount(stride: number): number {
  return (side / stride) ** 2 * 2;
}

/** Options of {@link fixtureFaceDetector}. */
export interface FixtureFaceDetectorOptions {
  /**
   * Faces reported in a textured image: 1 (default), or 2 to exercise the several-faces path. The second
   * face is smaller (80 px instead of 160 px at the 512 px input) and up-left of the first, so the largest
   * face stays the centred one and NMS keeps both.
   */
  readonly faces?: 1 | 2;
}

/** Anchor of the optional second face: stride 16, grid cell (6, 6), so centred at (96, 96) of the input. */
const secondFace = { stride: 16, anchor: (6 * (side / 16) + 6) * 2 } as const;

/**
 * det_10g-shaped detector: input [1, 3, H, W]; outputs scores ×3, boxes ×3, keypoints ×3 (InsightFace
 * order). Every anchor's box reaches 2.5 strides each way, so a face's size follows its anchor's stride.
 */
export function fixtureFaceDetector(options: FixtureFaceDetectorOptions = {}): ReadyModel {
  const faces = options.faces ?? 1;
  if (faces !== 1 && faces !== 2) {
    throw new InvalidInputError('options.faces', `must be 1 or 2, got ${String(faces)}`);
  }
  const g = new GraphBuilder(faces === 1 ? 'fixture_face_detector' : 'fixture_face_detector_2');
  const image = g.input('input.1', 'float32', [1, 3, 'height', 'width']);
  const mean = g.reduceMean(image, [1, 2, 3]);
  const centred = g.sub(image, mean);
  const variance = g.reduceMean(g.mul(centred, centred), [0, 1, 2, 3], false);
  const faceScore = g.sigmoid(g.mul(g.sub(variance, g.float(0.01)), g.float(1000)));
  const centreStride = 32;
  const centreAnchor = ((side / centreStride / 2) * (side / centreStride) + side / centreStride / 2) * 2;
  for (const stride of strides) {
    const count = anchorCount(stride);
    const mask = new Float32Array(count);
    if (stride === centreStride) mask[centreAnchor] = 1;
    if (faces === 2 && stride === secondFace.stride) mask[secondFace.anchor] = 1;
    g.output(
      g.mul(g.initializer(createTensor('float32', [count, 1], mask)), faceScore),
      `score_${stride}`,
      'float32',
      [count, 1],
    );
  }
  for (const stride of strides) {
    const count = anchorCount(stride);
    const boxes = new Float32Array(count * 4).fill(2.5);
    g.output(
      g.op('Identity', [g.initializer(createTensor('float32', [count, 4], boxes))]),
      `bbox_${stride}`,
      'float32',
      [count, 4],
    );
  }
  const keypointLayout = [-2, -1.5, 2, -1.5, 0, 0.5, -1.5, 2.5, 1.5, 2.5];
  for (const stride of strides) {
    const count = anchorCount(stride);
    const kps = new Float32Array(count * 10);
    for (let i = 0; i < count; i++) kps.set(keypointLayout, i * 10);
    g.output(
      g.op('Identity', [g.initializer(createTensor('float32', [count, 10], kps))]),
      `kps_${stride}`,
      'float32',
      [count, 10],
    );
  }
  return encode(g);
}

/** A face layout of `count` points in [-1, 1]: a contour ellipse, with named points placed where models put them. */
function faceLayout(count: number, placed: Record<number, [number, number]>): Float32Array {
  const points = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const angle = (i / count) * 2 * Math.PI;
    points[i * 2] = 0.55 * Math.cos(angle);
    points[i * 2 + 1] = 0.65 * Math.sin(angle);
  }
  for (const [index, [x, y]] of Object.entries(placed)) {
    points[Number(index) * 2] = x;
    points[Number(index) * 2 + 1] = y;
  }
  return points;
}

function constantModel(
  name: string,
  input: [string, number[]],
  outputs: Array<[string, Float32Array]>,
): ReadyModel {
  const g = new GraphBuilder(name);
  const x = g.input(input[0], 'float32', input[1]);
  // Tie the outputs to the input (times zero) so runtimes cannot drop the input as unused.
  const zero = g.mul(g.reduceMean(x, [0, 1, 2, 3], false), g.float(0));
  for (const [outputName, values] of outputs) {
    const constant = g.initializer(createTensor('float32', [1, values.length], values));
    g.output(g.add(constant, zero), outputName, 'float32', [1, values.length]);
  }
  return encode(g);
}

/** 2d106det-shaped landmark model: input `data` [1, 3, 192, 192] → `fc1` [1, 212] in [-1, 1] crop units. */
export function fixtureLandmarks106(): ReadyModel {
  const eye = (cx: number, cy: number, indices: number[]) =>
    Object.fromEntries(
      indices.map((index, i) => [index, [cx + 0.08 * Math.cos(i), cy + 0.04 * Math.sin(i)]]),
    );
  const layout = faceLayout(106, {
    ...eye(-0.25, -0.2, [33, 35, 40, 39, 34, 36, 37, 38, 41, 42]),
    ...eye(0.25, -0.2, [87, 89, 94, 93, 88, 90, 91, 92, 95, 96]),
    52: [-0.18, 0.32],
    61: [0.18, 0.32],
  });
  return constantModel('fixture_landmarks_106', ['data', [1, 3, 192, 192]], [['fc1', layout]]);
}

/** landmark.onnx-shaped model: input `input` [1, 3, 224, 224] → three outputs, the third 203 points in [0, 1]. */
export function fixtureLandmarks203(): ReadyModel {
  const layout = faceLayout(203, {
    0: [-0.35, -0.2],
    12: [-0.15, -0.2],
    6: [-0.25, -0.24],
    18: [-0.25, -0.16],
    24: [0.15, -0.2],
    36: [0.35, -0.2],
    30: [0.25, -0.24],
    42: [0.25, -0.16],
    48: [-0.2, 0.32],
    66: [0.2, 0.32],
    90: [0, 0.29],
    102: [0, 0.35],
  });
  const unit = layout.map((value) => (value + 1) / 2);
  return constantModel(
    'fixture_landmarks_203',
    ['input', [1, 3, 224, 224]],
    [
      ['output_0', new Float32Array(214)],
      ['output_1', new Float32Array(2)],
      ['output_2', unit],
    ],
  );
}
