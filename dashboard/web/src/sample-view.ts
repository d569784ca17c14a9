// One sample up close: a larger image from GetSamples and its loss over the steps from SampleService.GetSampleHistory.
import uPlot from "uplot";
import type { DataRow, SampleKey } from "./data-rows";
import { bytesUrl } from "./data-rows";
import type { SampleHistoryResponse } from "./gen/trainscope/v1/samples_pb";
import { byId, fixed, percent, showMessage } from "./dom";
import { className } from "./labels";
import { clientIdHeaders, failureReason, type ExperimentClient, type SampleClient } from "./transport";

const IMAGE_PX = 128;
const HISTORY_POINTS = 500;
const CHART_HEIGHT = 160;
const READ_TIMEOUT_MS = 20_000;

export class SampleView {
  private readonly root = byId("sample-view");
  private readonly title = byId("sample-title");
  private readonly image = byId<HTMLImageElement>("sample-image");
  private readonly details = byId("sample-details");
  private readonly historyEl = byId("sample-history");
  private readonly message = byId("data-message");
  private plot: uPlot | null = null;
  private imageUrl: string | null = null;
  /** Counts openings, so replies for a sample no longer shown are dropped. */
  private opened = 0;

  constructor(private readonly experiments: ExperimentClient, private readonly samples: SampleClient) {
    byId("sample-close").addEventListener("click", () => this.close());
  }

  /** Shows a grid row at once, then its image and history as they arrive. */
  open(row: DataRow): void {
    const token = ++this.opened;
    this.root.hidden = false;
    this.root.dataset.sampleId = row.sampleId;
    this.root.dataset.origin = row.origin;
    this.title.textContent = `Sample ${row.sampleId} · ${row.origin}`;
    this.showDetails([
      ["label", classText(row.label)], ["prediction", classText(row.prediction)],
      ["confidence", percent(row.confidence)], ["loss", fixed(row.loss, 4)],
      ["tags", row.tags.join(", ") || "–"], ["discarded", row.discarded ? "yes" : "no"],
    ]);
    this.setImage(null);
    this.historyEl.dataset.points = "";
    this.plotHistory([], [], []);
    void this.readImage(row, token);
    void this.readHistory(row, token);
  }

  close(): void {
    this.opened++;
    this.root.hidden = true;
    this.setImage(null);
  }

  private async readImage(sample: SampleKey, token: number): Promise<void> {
    try {
      const reply = await this.experiments.getSamples(
        { sampleIds: [sample.sampleId], origin: sample.origin, resizeWidth: IMAGE_PX, resizeHeight: IMAGE_PX },
        { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
      );
      if (token !== this.opened) return;
      const rendered = reply.samples[0];
      const bytes = rendered?.rawData ?? rendered?.data;
      if (!rendered || !bytes || bytes.length === 0) {
        showMessage(this.message, `No image for sample ${sample.sampleId}: ${rendered?.errorMessage || "the server sent none"}`, "error");
        return;
      }
      this.setImage(bytesUrl(bytes));
    } catch (err) {
      if (token === this.opened) showMessage(this.message, `Reading sample ${sample.sampleId} failed: ${failureReason(err)}`, "error");
    }
  }

  private async readHistory(sample: SampleKey, token: number): Promise<void> {
    try {
      const reply = await this.samples.getSampleHistory(
        { origin: sample.origin, sampleId: sample.sampleId, maxPoints: HISTORY_POINTS },
        { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
      );
      if (token !== this.opened) return;
      if (!reply.success) {
        this.historyEl.dataset.points = "0";
        showMessage(this.message, `History of sample ${sample.sampleId}: ${reply.message || "refused, no reason given"}`, "error");
        return;
      }
      this.showHistory(reply);
    } catch (err) {
      if (token === this.opened) {
        this.historyEl.dataset.points = "0";
        showMessage(this.message, `History of sample ${sample.sampleId} failed: ${failureReason(err)}`, "error");
      }
    }
  }

  /** The history's label, tags and discard flag are the server's latest: they replace the grid row's. */
  private showHistory(reply: SampleHistoryResponse): void {
    this.setDetail("label", classText(reply.label));
    this.setDetail("tags", reply.tags.join(", ") || "–");
    this.setDetail("discarded", reply.discarded ? "yes" : "no");
    const steps = reply.steps.map(Number);
    // Points where the prediction then was wrong, drawn over the loss line.
    const wrong = reply.losses.map((loss, i) => (reply.predictions[i] !== reply.label ? loss : null));
    this.plotHistory(steps, reply.losses, wrong);
    this.historyEl.dataset.points = String(steps.length);
  }

  private plotHistory(steps: number[], losses: number[], wrong: (number | null)[]): void {
    if (!this.plot) this.plot = makePlot(this.historyEl);
    this.plot.setData([steps, losses, wrong]);
  }

  private showDetails(entries: readonly [string, string][]): void {
    this.details.replaceChildren(...entries.flatMap(([name, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.dataset.detail = name;
      dd.textContent = value;
      return [dt, dd];
    }));
  }

  private setDetail(name: string, value: string): void {
    const dd = this.details.querySelector<HTMLElement>(`[data-detail="${name}"]`);
    if (dd) dd.textContent = value;
  }

  private setImage(url: string | null): void {
    if (this.imageUrl) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = url;
    if (url) this.image.src = url;
    else this.image.removeAttribute("src");
  }
}

function makePlot(container: HTMLElement): uPlot {
  const axis = { stroke: "#9aa4b2", grid: { stroke: "rgba(255,255,255,0.06)" }, ticks: { stroke: "rgba(255,255,255,0.1)" } };
  const plot = new uPlot({
    width: Math.max(200, container.clientWidth),
    height: CHART_HEIGHT,
    scales: { x: { time: false } },
    axes: [{ ...axis, label: "step" }, { ...axis, size: 48 }],
    series: [
      { label: "step" },
      { label: "loss", stroke: "#f28b54", width: 1.5 }, // uPlot draws the points while they are few
      { label: "wrong prediction", stroke: "#ef5b5b", width: 0, points: { show: true, size: 5, fill: "#ef5b5b" } },
    ],
    legend: { live: true },
  }, [[], [], []], container);
  new ResizeObserver(() => {
    const width = Math.max(200, container.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: CHART_HEIGHT });
  }).observe(container);
  return plot;
}

function classText(index: number): string {
  return Number.isFinite(index) ? className(index) : "–";
}
