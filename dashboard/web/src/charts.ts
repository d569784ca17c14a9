// Live loss and accuracy curves (uPlot) from ScalarData: one point per step, redrawn at most once per frame.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ScalarData } from "./gen/trainscope/v1/metrics_pb";
import { ChangeMarkers, markerPlugin } from "./markers";

/** Points kept client-side; beyond this the older half is thinned to every other point. */
const MAX_POINTS = 20_000;
/** Smoothing factor of the exponential moving average drawn over the raw curve. */
const EMA_ALPHA = 0.05;
const HEIGHT = 220;

/** Columns: step, loss, smoothed loss, accuracy, smoothed accuracy. */
type Columns = [number[], number[], number[], number[], number[]];

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
  private readonly lossEl: HTMLElement;
  private readonly markers = new ChangeMarkers();

  constructor(lossEl: HTMLElement, accuracyEl: HTMLElement) {
    this.lossEl = lossEl;
    const plugins = [markerPlugin(this.markers)];
    this.loss = makePlot(lossEl, "loss", "#f28b54", (v) => formatLoss(v), plugins);
    this.accuracy = makePlot(accuracyEl, "accuracy", "#4fc38a", (v) => `${(v * 100).toFixed(0)}%`, plugins, true);
  }

  /** Adds one step's point; true when the learning rate or batch size changed (a marker was added). */
  add(s: ScalarData): boolean {
    const step = Number(s.globalStep);
    const [x, loss, lossEma, acc, accEma] = this.cols;
    const n = x.length;
    if (n > 0 && step <= x[n - 1]!) return false; // steps only grow within a run
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

  /** Forgets every point (the server restarted). */
  reset(): void {
    this.cols = [[], [], [], [], []];
    this.lossSmoother = new Smoother();
    this.accuracySmoother = new Smoother();
    this.markers.reset();
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
      const [x, loss, lossEma, acc, accEma] = this.cols;
      this.loss.setData([x, loss, lossEma]);
      this.accuracy.setData([x, acc, accEma]);
      this.lossEl.dataset.points = String(x.length); // what tests and curious users can read
      this.lossEl.dataset.markers = this.markers.markers.map((m) => m.step).join(",");
    });
  }
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
    cursor: { drag: { x: true, y: false } },
    plugins,
  };
  const plot = new uPlot(opts, [[], [], []], container);
  new ResizeObserver(() => {
    const width = Math.max(200, container.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
  }).observe(container);
  return plot;
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
