// Zoom on the curves: a selected step range is read again from GetLatestLoggerData at about one point per pixel.
import { requireToken } from "./auth";
import type { Charts } from "./charts";
import { byId, setText } from "./dom";
import { ACCURACY, LOSS, type CurveHistory, type StepRange } from "./history";
import { errorText, isUnauthenticated } from "./transport";

const HINT = "drag across a chart to zoom";

export class CurveZoom {
  private readonly resetButton = byId<HTMLButtonElement>("zoom-reset");
  private readonly status = byId("zoom-status");
  /** The read under way; a newer zoom or a return to live aborts it. */
  private request: AbortController | null = null;

  constructor(private readonly charts: Charts, private readonly history: CurveHistory) {
    this.resetButton.addEventListener("click", () => this.live());
    this.resetButton.disabled = true;
    this.showStatus(HINT, false);
  }

  /** Shows `range` at once from the live points, then with the server's detail once read. */
  async show(range: StepRange): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    const maxPoints = this.charts.plotWidth();
    this.charts.previewZoom(range);
    this.resetButton.disabled = false;
    this.showStatus(`steps ${range.from}–${range.to}: reading…`, false);
    try {
      const curves = await this.history.read({ metrics: [LOSS, ACCURACY], maxPoints, range, signal: request.signal });
      if (request.signal.aborted) return;
      const loss = curves.get(LOSS) ?? [];
      this.charts.showZoomed(range, loss, curves.get(ACCURACY) ?? [], maxPoints);
      this.showStatus(`steps ${range.from}–${range.to}: ${loss.length} stored points`, false);
    } catch (err) {
      if (request.signal.aborted) return;
      if (isUnauthenticated(err)) void requireToken();
      this.showStatus(`Zoom failed: ${isUnauthenticated(err) ? "access token required" : errorText(err)}`, true);
    } finally {
      if (this.request === request) this.request = null;
    }
  }

  /** Back to the live curves, which kept growing underneath. */
  live(): void {
    this.request?.abort();
    this.request = null;
    this.charts.showLive();
    this.resetButton.disabled = true;
    this.showStatus(HINT, false);
  }

  private showStatus(text: string, error: boolean): void {
    setText(this.status, text);
    this.status.classList.toggle("error", error);
  }
}
