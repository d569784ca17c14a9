// A layer's weights on a canvas: one row per output neuron; a convolution's row is its kernels as small tiles.
import { divergingRgb, GAP_RGB } from "./model-colors";

/** One layer's weights as GetWeights gives them (row-major: neuron, then incoming channel, then kernel rows). */
export interface LayerWeights {
  readonly layerId: number;
  readonly neurons: number;
  readonly incoming: number;
  /** Kernel side (1 for a linear layer). */
  readonly kernel: number;
  readonly values: readonly number[];
  /** The color scale's ± end: the largest weight magnitude in the layer. */
  readonly extent: number;
}

/** Where things are on the canvas, in canvas pixels. */
export interface HeatmapLayout {
  readonly rows: number;
  /** Tiles (a convolution's incoming channels) or columns (a linear layer's inputs, grouped when many) per row. */
  readonly cols: number;
  /** Inputs per column of a linear layer (1 unless it has more inputs than the canvas has room for). */
  readonly group: number;
  readonly cellW: number;
  readonly cellH: number;
  readonly tileGap: number;
  readonly rowGap: number;
  readonly width: number;
  readonly height: number;
}

/** Left of the weights: a selection mark, then a frozen mark, per row. */
export const GUTTER_PX = 12;
const MAX_W = 640;
const MAX_H = 520;
const MAX_CELL = 10;
const SELECTED_RGB = [90, 169, 255] as const;
const FROZEN_RGB = [120, 230, 230] as const;

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

export function layoutFor(w: LayerWeights): HeatmapLayout {
  const rows = Math.max(1, w.neurons);
  if (w.kernel > 1) {
    const k = w.kernel;
    const s = clamp(Math.min(Math.floor(MAX_W / (w.incoming * (k + 0.5))), Math.floor(MAX_H / (rows * (k + 0.5)))), 1, MAX_CELL);
    const gap = Math.max(1, Math.floor(s / 2));
    return finish({ rows, cols: w.incoming, group: 1, cellW: s, cellH: s, tileGap: gap, rowGap: gap }, k);
  }
  const group = Math.ceil(w.incoming / MAX_W);
  const cols = Math.ceil(w.incoming / group);
  const cellH = clamp(Math.floor(MAX_H / rows), 2, 14);
  return finish({ rows, cols, group, cellW: clamp(Math.floor(MAX_W / cols), 1, MAX_CELL), cellH, tileGap: 0,
    rowGap: cellH >= 6 ? 1 : 0 }, 1);
}

function finish(l: Omit<HeatmapLayout, "width" | "height">, kernel: number): HeatmapLayout {
  return {
    ...l,
    width: GUTTER_PX + l.cols * kernel * l.cellW + (l.cols - 1) * l.tileGap,
    height: l.rows * kernel * l.cellH + (l.rows - 1) * l.rowGap,
  };
}

/** The distance between the tops of two neighbouring rows. */
export function rowPitch(l: HeatmapLayout, kernel: number): number {
  return kernel * l.cellH + l.rowGap;
}

/**
 * Draws every weight; marks selected rows (blue) and frozen rows (cyan) in the gutter. The canvas keeps the
 * layout in data attributes (layer, rows, cols, kernel, cell, group) for whoever reads it.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, w: LayerWeights, selected: ReadonlySet<number>,
  frozen: (neuron: number) => boolean): HeatmapLayout {
  const l = layoutFor(w);
  canvas.width = l.width;
  canvas.height = l.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return l;
  const image = ctx.createImageData(l.width, l.height);
  const px = image.data;
  const fill = (x0: number, y0: number, wPx: number, hPx: number, rgb: readonly number[]): void => {
    for (let y = y0; y < y0 + hPx; y++) {
      for (let x = x0; x < x0 + wPx; x++) {
        const i = (y * l.width + x) * 4;
        px[i] = rgb[0] as number;
        px[i + 1] = rgb[1] as number;
        px[i + 2] = rgb[2] as number;
        px[i + 3] = 255;
      }
    }
  };
  fill(0, 0, l.width, l.height, GAP_RGB);
  const k = w.kernel;
  const pitch = rowPitch(l, k);
  const tileW = k * l.cellW + l.tileGap;
  for (let n = 0; n < w.neurons; n++) {
    const top = n * pitch;
    if (selected.has(n)) fill(0, top, GUTTER_PX / 2 - 1, k * l.cellH, SELECTED_RGB);
    if (frozen(n)) fill(GUTTER_PX / 2, top, GUTTER_PX / 2 - 1, k * l.cellH, FROZEN_RGB);
    for (let c = 0; c < l.cols; c++) {
      const left = GUTTER_PX + c * tileW;
      if (k > 1) {
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const v = w.values[((n * w.incoming + c) * k + ky) * k + kx] ?? 0;
            fill(left + kx * l.cellW, top + ky * l.cellH, l.cellW, l.cellH, divergingRgb(v, w.extent));
          }
        }
      } else {
        fill(left, top, l.cellW, l.cellH, divergingRgb(strongest(w.values, n * w.incoming, c, l.group, w.incoming), w.extent));
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  Object.assign(canvas.dataset, {
    layer: String(w.layerId), rows: String(l.rows), cols: String(l.cols), kernel: String(k),
    cell: String(l.cellW), group: String(l.group), selected: [...selected].sort((a, b) => a - b).join(","),
  });
  return l;
}

/** Of the inputs a column stands for, the weight of largest magnitude (its sign kept): grouping must not hide a strong weight. */
function strongest(values: readonly number[], rowStart: number, col: number, group: number, incoming: number): number {
  let best = 0;
  for (let i = col * group; i < Math.min(incoming, (col + 1) * group); i++) {
    const v = values[rowStart + i] ?? 0;
    if (Math.abs(v) > Math.abs(best)) best = v;
  }
  return best;
}

/** The neuron (row) under a click, or -1 outside the rows. */
export function neuronAt(canvas: HTMLCanvasElement, l: HeatmapLayout, kernel: number, clientY: number): number {
  const rect = canvas.getBoundingClientRect();
  if (rect.height <= 0) return -1;
  const y = ((clientY - rect.top) * canvas.height) / rect.height;
  const row = Math.floor(y / rowPitch(l, kernel));
  return row >= 0 && row < l.rows ? row : -1;
}

/** One neuron's weights, larger: a convolution's kernels as a grid of tiles, a linear neuron's inputs wrapped into a square. */
export function drawNeuron(canvas: HTMLCanvasElement, w: LayerWeights, neuron: number): void {
  const k = w.kernel;
  const tiles = w.incoming; // a convolution's input channels, or a linear neuron's inputs
  const cols = Math.ceil(Math.sqrt(tiles));
  const rows = Math.ceil(tiles / cols);
  const s = k > 1 ? clamp(Math.floor(220 / (cols * (k + 1))), 2, 16) : clamp(Math.floor(220 / cols), 1, 16);
  const gap = k > 1 ? Math.max(1, Math.floor(s / 2)) : 0;
  canvas.width = cols * (k * s + gap) - gap;
  canvas.height = rows * (k * s + gap) - gap;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.fillStyle = `rgb(${GAP_RGB.join(",")})`;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const base = neuron * w.incoming * k * k;
  for (let t = 0; t < tiles; t++) {
    const left = (t % cols) * (k * s + gap);
    const top = Math.floor(t / cols) * (k * s + gap);
    for (let i = 0; i < k * k; i++) {
      const [r, g, b] = divergingRgb(w.values[base + t * k * k + i] ?? 0, w.extent);
      ctx.fillStyle = `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
      ctx.fillRect(left + (i % k) * s, top + Math.floor(i / k) * s, s, s);
    }
  }
  canvas.dataset.neuron = String(neuron);
}
