// The model panel's diverging color scale (blue below zero, white at zero, red above) and its legend.

/** RdBu's five stops from -1 to +1: strong and weak negative, zero, weak and strong positive. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43],
];
/** Between tiles and rows of a heatmap: the panel's own dark, so gaps never read as a weight. */
export const GAP_RGB: readonly [number, number, number] = [18, 23, 29];

/** The color of `value` on a scale symmetric around zero that reaches full strength at ±`extent`. */
export function divergingRgb(value: number, extent: number): [number, number, number] {
  const t = extent > 0 && Number.isFinite(value) ? Math.max(-1, Math.min(1, value / extent)) : 0;
  const position = (t + 1) * 2; // 0..4 over the stops
  const i = Math.min(3, Math.floor(position));
  const f = position - i;
  const a = STOPS[i] as readonly [number, number, number];
  const b = STOPS[i + 1] as readonly [number, number, number];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function divergingCss(value: number, extent: number): string {
  const [r, g, b] = divergingRgb(value, extent);
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** The largest magnitude among `values` (0 when empty), the scale's ± end. */
export function extentOf(values: ArrayLike<number>): number {
  let extent = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i] as number);
    if (v > extent && Number.isFinite(v)) extent = v;
  }
  return extent;
}

/** Lowest and highest finite value. */
export function rangeOf(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Draws the scale from -extent to +extent across `canvas`. */
export function drawLegend(canvas: HTMLCanvasElement, extent: number): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  for (let x = 0; x < canvas.width; x++) {
    ctx.fillStyle = divergingCss(((x + 0.5) / canvas.width) * 2 - 1, 1);
    ctx.fillRect(x, 0, 1, canvas.height);
  }
  canvas.dataset.extent = String(extent);
}

/** A number in three significant digits, with a real minus sign. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const text = Math.abs(v) !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  return text.replaceAll("-", "−");
}

/** "−0.31 … 0 … +0.31 (min −0.29, max 0.31)": the legend's ends and the values actually seen. */
export function rangeText(extent: number, values: ArrayLike<number>): string {
  const { min, max } = rangeOf(values);
  return `−${short(extent)} … 0 … +${short(extent)}  (min ${short(min)}, max ${short(max)})`; // extent ≥ 0
}
