// Hyperparameter change markers: found in the per-step ScalarData, drawn as dashed vertical lines on the curves.
import uPlot from "uplot";
import type { ScalarData } from "./gen/trainscope/v1/metrics_pb";
import { rate } from "./dom";
import { drawInPlot } from "./plot";

/** A change, marked at the first step trained with the new value (ScalarData.globalStep counts that step). */
export interface Marker {
  readonly step: number;
  readonly label: string;
}

/** A smaller batch that may be only the epoch's short last batch; decided by the next step. */
interface PendingBatch {
  readonly step: number;
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
}

const COLOR = "rgba(230, 181, 74, 0.85)"; // --warn
/** Cursor distance (CSS px) within which a marker's label becomes the chart's tooltip. */
const HOVER_PX = 5;

/** Watches learning rate and batch size from step to step; kept apart from the points so decimation keeps them. */
export class ChangeMarkers {
  private readonly found: Marker[] = [];
  private lastStep = -1;
  private learningRate = NaN;
  private batchSize = 0;
  private pending: PendingBatch | null = null;

  /** Looks at the next step's scalars; true when it completed a change. */
  observe(s: ScalarData): boolean {
    const step = Number(s.globalStep);
    if (step <= this.lastStep) return false;
    this.lastStep = step;
    if (this.batchSize === 0) {
      this.learningRate = s.learningRate;
      this.batchSize = s.batchSize;
      return false;
    }
    const before = this.found.length;
    const p = this.pending;
    this.pending = null;
    // An epoch ends with whatever samples are left: a short batch followed by the old size is no change.
    if (p && !(s.epoch !== p.epoch && s.batchSize === p.from)) {
      this.record(p.step, `batch ${p.from} → ${p.to}`);
      this.batchSize = p.to;
    }
    if (s.learningRate !== this.learningRate) {
      this.record(step, `lr ${rate(this.learningRate)} → ${rate(s.learningRate)}`);
      this.learningRate = s.learningRate;
    }
    if (s.batchSize > this.batchSize) {
      this.record(step, `batch ${this.batchSize} → ${s.batchSize}`);
      this.batchSize = s.batchSize;
    } else if (s.batchSize < this.batchSize) {
      this.pending = { step, epoch: s.epoch, from: this.batchSize, to: s.batchSize };
    }
    return this.found.length > before;
  }

  get markers(): readonly Marker[] {
    return this.found;
  }

  /** Forgets every change (the server restarted). */
  reset(): void {
    this.found.length = 0;
    this.lastStep = -1;
    this.learningRate = NaN;
    this.batchSize = 0;
    this.pending = null;
  }

  /**
   * Forgets the changes from `step` on (a restore took the run back there). The values before the
   * restore are no baseline for the branch: its first step sets them again without a marker.
   */
  rewind(step: number): void {
    while (this.found.length > 0 && this.found[this.found.length - 1]!.step >= step) this.found.pop();
    this.lastStep = step - 1;
    this.learningRate = NaN;
    this.batchSize = 0;
    this.pending = null;
  }

  private record(step: number, label: string): void {
    const last = this.found[this.found.length - 1];
    if (last?.step === step) this.found[this.found.length - 1] = { step, label: `${last.label}, ${label}` };
    else this.found.push({ step, label });
  }
}

/** A uPlot plugin that draws the markers as dashed lines with their labels and shows a label on hover. */
export function markerPlugin(markers: ChangeMarkers): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => drawMarkers(u, markers.markers),
      setCursor: (u) => {
        const left = u.cursor.left ?? -1;
        const near = left < 0 ? undefined : markers.markers.find(
          (m) => Math.abs(u.valToPos(m.step, "x") - left) <= HOVER_PX,
        );
        const title = near ? `step ${near.step}: ${near.label}` : "";
        if (u.over.title !== title) u.over.title = title;
      },
    },
  };
}

function drawMarkers(u: uPlot, markers: readonly Marker[]): void {
  if (markers.length === 0) return;
  drawInPlot(u, (ctx, { left, top, width, height, px }) => {
    ctx.strokeStyle = COLOR;
    ctx.fillStyle = COLOR;
    ctx.lineWidth = px;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.font = `${10 * px}px system-ui, sans-serif`;
    ctx.textAlign = "left"; // uPlot leaves its axes' alignment on the context
    ctx.textBaseline = "top";
    let labelEnd = -Infinity;
    for (const m of markers) {
      const x = Math.round(u.valToPos(m.step, "x", true)) + 0.5;
      if (!Number.isFinite(x) || x < left || x > left + width) continue;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      const textWidth = ctx.measureText(m.label).width;
      const flip = x + 3 * px + textWidth > left + width; // near the right edge: label on the line's left
      const textX = flip ? x - 3 * px - textWidth : x + 3 * px;
      if (textX > labelEnd) { // labels of crowded markers would overlap: the hover tooltip still names them
        ctx.fillText(m.label, textX, top + 2 * px);
        labelEnd = textX + textWidth + 6 * px;
      }
    }
  });
}
