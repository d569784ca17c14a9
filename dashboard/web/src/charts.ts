// Loss and accuracy curves (uPlot): live from ScalarData, one point per step; zoomed, the server's detail for the range.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { LoggerDataPoint } from "./gen/experiment_service_pb";
import type { ScalarData } from "./gen/trainscope/v1/metrics_pb";
import type { StepRange } from "./history";
import { evaluationPlugin, type EvaluationPoints } from "./eval-points";
import { lineagePlugin, type Lineage } from "./lineage";
import { ChangeMarkers, markerPlugin } from "./markers";
import { notePlugin, type PointNotes } from "./notes";

/** Points kept client-side; beyond this the older half is thinned to every other point. */
const MAX_POINTS = 20_000;
/** Smoothing factor of the exponential moving average drawn over the raw curve. */
const EMA_ALPHA = 0.05;
const HEIGHT = 220;
/** A drag shorter than this (CSS px) is a click, not a zoom. */
const DRAG_MIN_PX = 4;

/** Columns: step, loss, smoothed loss, accuracy, smoothed accuracy. */
type Columns = [number[], number[], number[], number[], number[]];
/** One chart's data: step, raw value, smoothed value (none where the live curve has no point yet). */
type ChartData = [number[], number[], (number | null)[]];

/** What a person does on the charts: the zoom and the note form act on it. */
export interface ChartGestures {
  /** Steps selected by dragging across either chart. */
  select(range: StepRange): void;
  /** A double click on either chart: back to the live curves. */
  unzoom(): void;
  /** A click on the loss chart: the step of the nearest drawn point. */
  pick(step: number): void;
}

/** Exponential moving average with TensorBoard's debiasing, so early points follow the data. */
class Smoother {
  private average = 0;
  private count = 0;

  next(value: number): number {
    if (Number.isFinite(value)) {
      this.average += EMA_ALPHA * (value - this.average);
      this.count++;
    }
    return this.count === 0 ? value : this.average / (1 - Math.pow(1 - EMA_ALPHA, this.count));
  }
}

export class Charts {
  private cols: Columns = [[], [], [], [], []];
  private lossSmoother = new Smoother();
  private accuracySmoother = new Smoother();
  private readonly loss: uPlot;
  private readonly accuracy: uPlot;
  private frameRequested = false;
  private readonly markers = new ChangeMarkers();
  /** The zoomed steps, or null while the charts follow the live points. */
  private zoom: StepRange | null = null;

  constructor(
    private readonly lossEl: HTMLElement,
    private readonly accuracyEl: HTMLElement,
    private readonly notes: PointNotes,
    gestures: ChartGestures,
    private readonly lineage: Lineage,
    private readonly evaluations?: EvaluationPoints,
  ) {
    const plugins = [markerPlugin(this.markers), lineagePlugin(this.lineage)];
    const lossPlugins = [...plugins, notePlugin(notes), evaluationPlugin(() => evaluations?.loss ?? [], false)];
    const accuracyPlugins = [...plugins, evaluationPlugin(() => evaluations?.accuracy ?? [], true)];
    this.loss = makePlot(lossEl, "loss", "#f28b54", (v) => formatLoss(v), lossPlugins, gestures);
    this.accuracy = makePlot(accuracyEl, "accuracy", "#4fc38a", (v) => `${(v * 100).toFixed(0)}%`, accuracyPlugins, gestures, true);
    const loss = this.loss;
    let downX = NaN;
    loss.over.addEventListener("mousedown", (e) => (downX = e.clientX));
    loss.over.addEventListener("click", (e) => {
      const idx = loss.cursor.idx;
      const step = idx == null ? undefined : loss.data[0][idx];
      if (step !== undefined && Math.abs(e.clientX - downX) < DRAG_MIN_PX) gestures.pick(step);
    });
    this.showMode("live");
    lossEl.dataset.notes = "";
    lossEl.dataset.checkpoints = "0";
    lossEl.dataset.branchStep = "";
  }

  /**
   * Adds one step's point; true when the learning rate or batch size changed (a marker was added).
   * A step not after the last one means a restore took the run back: the points from it on were the
   * parent's future, not this branch's past, and are dropped so the curve never runs back in time.
   */
  add(s: ScalarData): boolean {
    const step = Number(s.globalStep);
    const last = this.cols[0][this.cols[0].length - 1];
    if (last !== undefined && step <= last) this.rewind(step);
    const [x, loss, lossEma, acc, accEma] = this.cols;
    const changed = this.markers.observe(s);
    x.push(step);
    loss.push(s.loss);
    lossEma.push(this.lossSmoother.next(s.loss));
    acc.push(s.accuracy);
    accEma.push(this.accuracySmoother.next(s.accuracy));
    if (x.length > MAX_POINTS) this.decimate();
    this.requestRedraw();
    return changed;
  }

  /** Forgets every live point (the server restarted). */
  reset(): void {
    this.cols = [[], [], [], [], []];
    this.lossSmoother = new Smoother();
    this.accuracySmoother = new Smoother();
    this.markers.reset();
    this.requestRedraw();
  }

  /** Redraws the current branch's checkpoints and fork, and names them in data-checkpoints and data-branch-step. */
  lineageChanged(): void {
    this.lossEl.dataset.checkpoints = String(this.lineage.checkpoints.length);
    this.lossEl.dataset.branchStep = this.lineage.fork ? String(this.lineage.fork.step) : "";
    redraw(this.loss);
    redraw(this.accuracy);
  }

  /** Width of the plotting area in CSS pixels: about the points a zoomed curve can show. */
  plotWidth(): number {
    const px = Math.max(...[this.loss, this.accuracy].map((u) => u.bbox.width / uPlot.pxRatio));
    return Math.max(3, Math.round(px)); // the server's minimum is 3
  }

  /** Zooms at once on the points drawn, until the server's arrive; the live feed is no longer drawn until showLive. */
  previewZoom(range: StepRange): void {
    this.zoom = range;
    for (const u of [this.loss, this.accuracy]) u.setScale("x", { min: range.from, max: range.to });
  }

  /** Draws the server's points of `range` (read with `maxPoints` per curve), smoothed as the live curve is. */
  showZoomed(range: StepRange, loss: readonly LoggerDataPoint[], accuracy: readonly LoggerDataPoint[], maxPoints: number): void {
    this.zoom = range;
    const [x, , lossEma, , accEma] = this.cols;
    const lossData = zoomedData(loss, x, lossEma);
    this.loss.setData(lossData);
    this.accuracy.setData(zoomedData(accuracy, x, accEma));
    for (const u of [this.loss, this.accuracy]) u.setScale("x", { min: range.from, max: range.to });
    this.lossEl.dataset.maxPoints = String(maxPoints);
    this.showDrawn(lossData[0]);
    this.showMode(`${range.from}-${range.to}`);
  }

  /** Back to the live points, which kept growing underneath. */
  showLive(): void {
    this.zoom = null;
    delete this.lossEl.dataset.maxPoints;
    this.showMode("live");
    this.requestRedraw();
  }

  /** Redraws the notes' dots and names their steps in data-notes. */
  notesChanged(): void {
    this.lossEl.dataset.notes = this.notes.all.map((n) => n.step).join(",");
    redraw(this.loss);
  }

  /** Redraws the evaluation points and names their steps in data-eval-points (loss and accuracy charts). */
  evaluationsChanged(): void {
    this.lossEl.dataset.evalPoints = (this.evaluations?.loss ?? []).map((p) => p.step).join(",");
    this.accuracyEl.dataset.evalPoints = (this.evaluations?.accuracy ?? []).map((p) => p.step).join(",");
    redraw(this.loss);
    redraw(this.accuracy);
  }

  /** Keeps the points before `step` and smooths them again from the start, as the live feed would have. */
  private rewind(step: number): void {
    const keep = this.cols[0].findIndex((x) => x >= step);
    if (keep < 0) return;
    this.cols = this.cols.map((col) => col.slice(0, keep)) as Columns;
    const [, loss, lossEma, acc, accEma] = this.cols;
    this.lossSmoother = new Smoother();
    this.accuracySmoother = new Smoother();
    for (let i = 0; i < keep; i++) {
      lossEma[i] = this.lossSmoother.next(loss[i]!);
      accEma[i] = this.accuracySmoother.next(acc[i]!);
    }
    this.markers.rewind(step);
    this.requestRedraw();
  }

  private decimate(): void {
    const half = Math.floor(this.cols[0].length / 2);
    const keep = (_: number, i: number): boolean => i >= half || i % 2 === 0;
    this.cols = this.cols.map((col) => col.filter(keep)) as Columns;
  }

  private requestRedraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      const markers = this.markers.markers.map((m) => m.step).join(",");
      const markersChanged = this.lossEl.dataset.markers !== markers;
      this.lossEl.dataset.markers = markers;
      if (this.zoom) {
        if (markersChanged) for (const u of [this.loss, this.accuracy]) redraw(u); // the zoomed points stay
        return;
      }
      const [x, loss, lossEma, acc, accEma] = this.cols;
      this.loss.setData([x, loss, lossEma]);
      this.accuracy.setData([x, acc, accEma]);
      this.showDrawn(x);
    });
  }

  /** What tests and curious users can read: how many points the loss chart draws, and their first and last step. */
  private showDrawn(steps: readonly number[]): void {
    this.lossEl.dataset.points = String(steps.length);
    this.lossEl.dataset.xRange = steps.length === 0 ? "" : `${steps[0]}-${steps[steps.length - 1]}`;
    this.lossEl.dataset.lastStep = steps.length === 0 ? "" : String(steps[steps.length - 1]);
    this.lossEl.dataset.stepsIncrease = String(steps.every((x, i) => i === 0 || x > steps[i - 1]!));
  }

  /** data-zoom: "live", or the zoomed steps "from-to" whose points are drawn (set once they are, not while read). */
  private showMode(mode: string): void {
    for (const el of [this.lossEl, this.accuracyEl]) {
      el.dataset.zoom = mode;
      el.classList.toggle("zoomed", mode !== "live");
    }
  }
}

/** Draws again with the same points and scales; recalcAxes, as false would drop a resize still pending. */
function redraw(u: uPlot): void {
  u.redraw(false, true);
}

/** Server points as chart data; the smoothed line is the live curve's, at the nearest earlier live step. */
function zoomedData(points: readonly LoggerDataPoint[], liveSteps: readonly number[], liveSmoothed: readonly number[]): ChartData {
  const x: number[] = [];
  const y: number[] = [];
  const smoothed: (number | null)[] = [];
  let j = -1;
  for (const p of points) {
    while (j + 1 < liveSteps.length && liveSteps[j + 1]! <= p.modelAge) j++;
    x.push(p.modelAge);
    y.push(p.metricValue);
    smoothed.push(j < 0 ? null : liveSmoothed[j]!);
  }
  return [x, y, smoothed];
}

function formatLoss(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

function makePlot(
  container: HTMLElement,
  label: string,
  color: string,
  format: (v: number) => string,
  plugins: uPlot.Plugin[],
  gestures: ChartGestures,
  fraction = false,
): uPlot {
  const axis = { stroke: "#9aa4b2", grid: { stroke: "rgba(255,255,255,0.06)" }, ticks: { stroke: "rgba(255,255,255,0.1)" } };
  const opts: uPlot.Options = {
    width: Math.max(200, container.clientWidth),
    height: HEIGHT,
    title: label,
    scales: {
      x: { time: false },
      y: fraction ? { range: (_u, _min, max) => [0, Math.max(1, max)] } : {},
    },
    axes: [
      { ...axis, label: "step" },
      { ...axis, size: 56, values: (_u, splits) => splits.map(format) },
    ],
    series: [
      { label: "step" },
      { label, stroke: withAlpha(color, 0.35), width: 1, points: { show: false }, value: (_u, v) => (v == null ? "–" : format(v)) },
      { label: "smoothed", stroke: color, width: 2, points: { show: false }, value: (_u, v) => (v == null ? "–" : format(v)) },
    ],
    legend: { live: true },
    // A drag selects steps for the zoom, which sets the scale once the server's points are in.
    cursor: { drag: { x: true, y: false, setScale: false, dist: DRAG_MIN_PX }, bind: { dblclick: () => null } },
    plugins: [...plugins, gesturePlugin(gestures)],
  };
  const plot = new uPlot(opts, [[], [], []], container);
  plot.over.addEventListener("dblclick", () => gestures.unzoom());
  new ResizeObserver(() => {
    const width = Math.max(200, container.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
  }).observe(container);
  return plot;
}

/** Reports a drag to `gestures` as a range of whole steps, and hides the selection box. */
function gesturePlugin(gestures: ChartGestures): uPlot.Plugin {
  return {
    hooks: {
      setSelect: (u) => {
        const { left, width } = u.select;
        if (width <= 0) return;
        const a = Math.round(u.posToVal(left, "x"));
        const b = Math.round(u.posToVal(left + width, "x"));
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        if (Number.isFinite(a) && Number.isFinite(b)) gestures.select({ from: Math.max(0, a), to: Math.max(0, a + 1, b) });
      },
    },
  };
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
