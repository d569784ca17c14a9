// Histogram of a layer's weights on a canvas: bins over [min, max], each bar in the heatmap's color for its value.
import { divergingCss, rangeOf, short } from "./model-colors";

const BINS = 40;

/** Counts `values` into BINS equal bins from their min to their max. */
export function binWeights(values: readonly number[]): { counts: number[]; min: number; max: number } {
  const { min, max } = rangeOf(values);
  const counts = new Array<number>(BINS).fill(0);
  if (!(max >= min)) return { counts, min: 0, max: 0 };
  const width = (max - min) / BINS || 1;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const i = Math.min(BINS - 1, Math.floor((v - min) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { counts, min, max };
}

/** Draws the histogram and writes its range under it; the bar heights are relative to the fullest bin. */
export function drawHistogram(canvas: HTMLCanvasElement, label: HTMLElement, values: readonly number[], extent: number): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { counts, min, max } = binWeights(values);
  const highest = Math.max(1, ...counts);
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const barW = w / BINS;
  counts.forEach((count, i) => {
    if (count === 0) return;
    const centre = min + ((i + 0.5) * (max - min)) / BINS;
    const barH = Math.max(1, Math.round((count / highest) * (h - 2)));
    ctx.fillStyle = divergingCss(centre, extent);
    ctx.fillRect(Math.floor(i * barW), h - barH, Math.max(1, Math.floor(barW) - 1), barH);
  });
  if (min < 0 && max > 0) { // where zero falls
    const x = Math.round(((0 - min) / (max - min)) * w);
    ctx.fillStyle = "rgba(255, 255, 255, 0.5)";
    ctx.fillRect(x, 0, 1, h);
  }
  canvas.dataset.bins = String(BINS);
  canvas.dataset.count = String(values.length);
  label.textContent = `${short(min)} … ${short(max)} · ${values.length.toLocaleString()} weights`;
}
