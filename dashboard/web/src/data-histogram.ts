// Histogram of one view column from GetHistogram: value-range bins (or categorical bars), discarded rows stacked on top.
import type { HistogramResponse, HistogramSubBar } from "./gen/experiment_service_pb";
import { byId, showMessage, singleFlight } from "./dom";
import { className } from "./labels";
import { clientIdHeaders, failureReason, type ExperimentClient } from "./transport";

const MAX_BINS = 40;
const READ_TIMEOUT_MS = 20_000;
/** Columns whose values are class ids, shown by class name. */
const CLASS_COLUMNS = new Set(["label", "prediction"]);

/** One bar: its axis text, rows kept in the loop and rows discarded. */
interface Bar {
  readonly label: string;
  readonly kept: number;
  readonly discarded: number;
}

export class DataHistogram {
  private readonly chart = byId("data-histogram");
  private readonly column = byId<HTMLSelectElement>("data-histogram-column");
  private readonly message = byId("data-message");

  constructor(private readonly client: ExperimentClient) {
    this.column.addEventListener("change", () => this.refresh());
  }

  /** Reads the chosen column's histogram again (calls during a read fold into one more). */
  readonly refresh = singleFlight(() => this.read());

  private async read(): Promise<void> {
    const column = this.column.value;
    this.chart.dataset.state = "loading";
    try {
      const reply = await this.client.getHistogram({ column, maxBins: MAX_BINS },
        { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS });
      if (!reply.success) {
        this.fail(column, reply.message || "no reason given");
        return;
      }
      this.render(column, reply);
    } catch (err) {
      this.fail(column, failureReason(err));
    }
  }

  private fail(column: string, reason: string): void {
    this.chart.dataset.state = "failed";
    this.chart.replaceChildren(note("no histogram"));
    showMessage(this.message, `Histogram of ${column} failed: ${reason}`, "error");
  }

  private render(column: string, reply: HistogramResponse): void {
    const bars = reply.isCategorical ? categoricalBars(column, reply) : numericBars(reply);
    const highest = Math.max(1, ...bars.map((b) => b.kept + b.discarded));
    const plot = document.createElement("div");
    plot.className = "hist-bars";
    for (const { label, kept, discarded } of bars) {
      const el = document.createElement("div");
      el.className = "hist-bar";
      el.title = `${label}: ${kept + discarded} rows${discarded ? `, ${discarded} discarded` : ""}`;
      el.dataset.count = String(kept + discarded);
      el.append(segment("hist-discarded", discarded / highest), segment("hist-kept", kept / highest));
      plot.append(el);
    }
    const axis = document.createElement("div");
    axis.className = "hist-axis";
    if (reply.isCategorical) axis.append(...bars.map((b) => note(b.label)));
    else axis.append(note(edge(reply, "min")), note(edge(reply, "max")));
    axis.classList.toggle("categorical", reply.isCategorical);
    const counted = bars.some((b) => b.kept + b.discarded > 0);
    this.chart.replaceChildren(counted ? plot : note(`no ${column} values in this view yet`), axis);
    this.chart.dataset.state = "ready";
    this.chart.dataset.column = column;
    this.chart.dataset.bins = String(bars.length);
    this.chart.dataset.total = String(reply.totalRows);
  }
}

function numericBars(reply: HistogramResponse): Bar[] {
  return reply.bins.map((b) =>
    bar(Number.isFinite(b.min) ? `${short(b.min)} – ${short(b.max)}` : "empty", b.count, b.subBars));
}

function categoricalBars(column: string, reply: HistogramResponse): Bar[] {
  return reply.categoricalBars.map((b) => {
    const id = Number(b.label);
    const label = CLASS_COLUMNS.has(column) && b.label !== "" && Number.isInteger(id) ? className(id) : b.label || "(none)";
    return bar(label, b.count, b.subBars);
  });
}

/** A bar's count split into kept and discarded rows by its (origin, discarded) cells. */
function bar(label: string, count: bigint, subBars: readonly HistogramSubBar[]): Bar {
  const total = Number(count);
  const discarded = Math.min(total, subBars.filter((s) => s.discarded).reduce((sum, s) => sum + Number(s.count), 0));
  return { label, kept: total - discarded, discarded };
}

/** The lowest (or highest) value any bin covers, for the axis ends. */
function edge(reply: HistogramResponse, end: "min" | "max"): string {
  const values = reply.bins.map((b) => b[end]).filter(Number.isFinite);
  if (values.length === 0) return "";
  return short(end === "min" ? Math.min(...values) : Math.max(...values));
}

function short(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function segment(cls: string, fraction: number): HTMLElement {
  const el = document.createElement("div");
  el.className = cls;
  el.style.height = `${(fraction * 100).toFixed(2)}%`;
  return el;
}

function note(text: string): HTMLElement {
  const el = document.createElement("span");
  el.textContent = text;
  return el;
}
