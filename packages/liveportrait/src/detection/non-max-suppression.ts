/**
 * Greedy non-maximum suppression as InsightFace's SCRFD `nms`: visit boxes in `order` (highest score first),
 * keep one, drop every later box whose IoU with it exceeds `threshold`. Areas and intersections use the
 * `+1` pixel convention (`(x2 − x1 + 1)·(y2 − y1 + 1)`). `boxes` is flat `[x1, y1, x2, y2] × n`.
 * Returns the kept indices in visiting order.
 */
export function nonMaxSuppression(
  boxes: ArrayLike<number>,
  order: readonly number[],
  threshold: number,
): number[] {
  const keep: number[] = [];
  const suppressed = new Uint8Array(boxes.length / 4);
  for (let oi = 0; oi < order.length; oi++) {
    const i = order[oi]!;
    if (suppressed[i]) continue;
    keep.push(i);
    const [ax1, ay1, ax2, ay2] = [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!];
    const areaA = (ax2 - ax1 + 1) * (ay2 - ay1 + 1);
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj]!;
      if (suppressed[j]) continue;
      const [bx1, by1, bx2, by2] = [boxes[4 * j]!, boxes[4 * j + 1]!, boxes[4 * j + 2]!, boxes[4 * j + 3]!];
      const w = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1) + 1);
      const h = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1) + 1);
      const inter = w * h;
      const areaB = (bx2 - bx1 + 1) * (by2 - by1 + 1);
      // Written as "not <=" so that a NaN overlap suppresses, as numpy's `where(ovr <= thresh)` drops it.
      if (!(inter / (areaA + areaB - inter) <= threshold)) suppressed[j] = 1;
    }
  }
  return keep;
}
