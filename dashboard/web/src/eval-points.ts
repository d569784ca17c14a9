// Evaluation markers (GetLatestLoggerData points with is_evaluation_marker) drawn on the curves as diamonds.
import uPlot from "uplot";
import type { LoggerDataPoint } from "./gen/experiment_service_pb";
import { percent } from "./dom";
import { clientIdHeaders, type ExperimentClient } from "./transport";

/** One evaluation's result on one curve. */
export interface EvaluationPoint {
  readonly step: number;
  readonly value: number;
  readonly split: string;
  readonly tags: readonly string[];
  readonly hash: string;
}

/** End-of-epoch validation (`val/loss`) and evaluations on demand (`eval/<split>/loss`). */
const EVAL_METRIC = /^(?:val|eval\/[^/]+)\/(loss|accuracy)$/;
const COLORS: Readonly<Record<string, string>> = { test: "#c792ea", train: "#5aa9ff" };
const OTHER_COLOR = "#e6b54a";
const OUTLINE = "#0f1318"; // --bg
const HOVER_PX = 5;
const READ_TIMEOUT_MS = 15_000;

/** The run's evaluation points, loss and accuracy apart, replaced as a whole by each read. */
export class EvaluationPoints {
  loss: readonly EvaluationPoint[] = [];
  accuracy: readonly EvaluationPoint[] = [];

  constructor(private readonly client: ExperimentClient) {}

  /**
   * Reads every evaluation marker of this run (`runHash`, and its evaluation passes `runHash_N`):
   * the curves' index first, to learn which metrics and hashes hold them.
   */
  async read(runHash: string): Promise<void> {
    const ours = (hash: string): boolean => hash === runHash || hash.startsWith(`${runHash}_`);
    const index = await this.client.getLatestLoggerData(
      { requestFullHistory: true, indexOnly: true },
      { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
    );
    const curves = index.curves.filter((c) => EVAL_METRIC.test(c.metricName) && ours(c.experimentHash));
    if (curves.length === 0) return;
    const reply = await this.client.getLatestLoggerData(
      {
        requestFullHistory: true,
        metricNames: [...new Set(curves.map((c) => c.metricName))],
        experimentHashes: [...new Set(curves.map((c) => c.experimentHash))],
      },
      { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
    );
    const loss: EvaluationPoint[] = [];
    const accuracy: EvaluationPoint[] = [];
    for (const p of reply.points) {
      if (!p.isEvaluationMarker || !ours(p.experimentHash)) continue;
      const kind = EVAL_METRIC.exec(p.metricName)?.[1];
      (kind === "loss" ? loss : accuracy).push(toPoint(p));
    }
    const byStep = (a: EvaluationPoint, b: EvaluationPoint): number => a.step - b.step;
    this.loss = loss.sort(byStep);
    this.accuracy = accuracy.sort(byStep);
  }
}

function toPoint(p: LoggerDataPoint): EvaluationPoint {
  return { step: p.modelAge, value: p.metricValue, split: p.splitName || "?", tags: p.evaluationTags, hash: p.experimentHash };
}

/** A uPlot plugin drawing `points()` as diamonds coloured by split; a hovered one joins the tooltip. */
export function evaluationPlugin(points: () => readonly EvaluationPoint[], fraction: boolean): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => drawPoints(u, points()),
      setCursor: (u) => {
        const left = u.cursor.left ?? -1;
        if (left < 0) return;
        const near = points().filter((p) => Math.abs(u.valToPos(p.step, "x") - left) <= HOVER_PX);
        if (near.length === 0) return;
        const text = near.map((p) => `step ${p.step}: ${describe(p)} ${fraction ? percent(p.value) : p.value.toPrecision(3)}`).join("\n");
        const title = u.over.title ? `${u.over.title}\n${text}` : text;
        if (u.over.title !== title) u.over.title = title;
      },
    },
  };
}

function describe(p: EvaluationPoint): string {
  return `evaluation on ${p.split}${p.tags.length > 0 ? ` [${p.tags.join(", ")}]` : ""}`;
}

/** Drawn whole even on the plot's edge, where an evaluation at the latest step lands. */
function drawPoints(u: uPlot, points: readonly EvaluationPoint[]): void {
  if (points.length === 0) return;
  const { left, top, width, height } = u.bbox;
  const px = uPlot.pxRatio;
  const r = 5 * px;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = OUTLINE;
  ctx.lineWidth = 1.5 * px;
  ctx.setLineDash([]);
  for (const p of points) {
    const x = u.valToPos(p.step, "x", true);
    const y = Math.min(Math.max(u.valToPos(p.value, "y", true), top), top + height);
    if (!Number.isFinite(x) || !Number.isFinite(y) || x < left - 0.5 || x > left + width + 0.5) continue;
    ctx.fillStyle = COLORS[p.split] ?? OTHER_COLOR;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}
