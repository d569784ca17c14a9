// Notes on the loss curve's points: the ones known to the page, drawn as dots with their text as the chart's tooltip.
import uPlot from "uplot";
import type { LoggerDataPoint } from "./gen/experiment_service_pb";
import { drawInPlot } from "./plot";

export interface PointNote {
  readonly step: number;
  /** The point's value, where the dot is drawn. */
  readonly value: number;
  readonly text: string;
}

const COLOR = "#5aa9ff"; // --accent
const OUTLINE = "#0f1318"; // --bg
/** Cursor distance (CSS px) within which a note's text becomes the chart's tooltip. */
const HOVER_PX = 5;

/** The notes of one curve by step, replaced as a whole by each read of the history. */
export class PointNotes {
  private notes: readonly PointNote[] = [];

  /** Keeps the noted ones of `points` (a full-history read keeps every noted point). */
  replace(points: readonly LoggerDataPoint[]): void {
    const byStep = new Map<number, PointNote>();
    for (const p of points) {
      if (p.pointNote.trim()) byStep.set(p.modelAge, { step: p.modelAge, value: p.metricValue, text: p.pointNote });
    }
    this.notes = [...byStep.values()].sort((a, b) => a.step - b.step);
  }

  /** Sorted by step. */
  get all(): readonly PointNote[] {
    return this.notes;
  }

  at(step: number): PointNote | undefined {
    return this.notes.find((n) => n.step === step);
  }
}

/**
 * A uPlot plugin that draws the notes as dots on the curve and adds a hovered note's text to the tooltip.
 * Comes after markerPlugin, which sets the tooltip first.
 */
export function notePlugin(notes: PointNotes): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => drawNotes(u, notes.all),
      setCursor: (u) => {
        const left = u.cursor.left ?? -1;
        if (left < 0) return;
        const near = notes.all.filter((n) => Math.abs(u.valToPos(n.step, "x") - left) <= HOVER_PX);
        if (near.length === 0) return;
        const text = near.map((n) => `step ${n.step}: ${n.text}`).join("\n");
        const title = u.over.title ? `${u.over.title}\n${text}` : text;
        if (u.over.title !== title) u.over.title = title;
      },
    },
  };
}

function drawNotes(u: uPlot, notes: readonly PointNote[]): void {
  if (notes.length === 0) return;
  drawInPlot(u, (ctx, { left, top, width, height, px }) => {
    ctx.fillStyle = COLOR;
    ctx.strokeStyle = OUTLINE;
    ctx.lineWidth = 1.5 * px;
    ctx.setLineDash([]);
    for (const n of notes) {
      const x = u.valToPos(n.step, "x", true);
      const y = u.valToPos(n.value, "y", true);
      if (!Number.isFinite(x) || !Number.isFinite(y) || x < left || x > left + width) continue;
      ctx.beginPath();
      ctx.arc(x, Math.min(Math.max(y, top), top + height), 4 * px, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  });
}
