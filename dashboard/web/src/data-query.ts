// The data view's query box and counts over ApplyDataQuery: filter and sort this page's view, reset it, read its counts.
import type { DataQueryResponse } from "./gen/experiment_service_pb";
import { byId, onEnter, showMessage } from "./dom";
import { clientIdHeaders, failureReason, type ExperimentClient } from "./transport";

const QUERY_TIMEOUT_MS = 30_000;
/** WeightsLab's wire reports an operation that failed (a filter that did not parse) with success=true and this text. */
const FAILED_OPERATION = /(^|\| )Failed to /;

/** Sizes of the view after a query. */
export interface DataCounts {
  readonly all: number;
  readonly inLoop: number;
  readonly discarded: number;
}

/** What a reply means for the rest of the panel. */
export interface QueryEvents {
  /**
   * The view's rows or their order may have changed: the grid starts again from row 0.
   * `applied` is false when the server reported that an operation of the query failed.
   */
  viewChanged(counts: DataCounts, query: string, applied: boolean): void;
}

export class DataQuery {
  private readonly input = byId<HTMLInputElement>("data-query");
  private readonly applyButton = byId<HTMLButtonElement>("data-query-apply");
  private readonly resetButton = byId<HTMLButtonElement>("data-reset");
  private readonly countsEl = byId("data-counts");
  private readonly message = byId("data-message");
  private last: DataCounts = { all: 0, inLoop: 0, discarded: 0 };
  private busy = false;

  constructor(private readonly client: ExperimentClient, private readonly events: QueryEvents) {
    const apply = (): void => void this.apply(this.input.value.trim());
    this.applyButton.addEventListener("click", apply);
    onEnter(this.input, apply);
    this.resetButton.addEventListener("click", () => void this.reset());
  }

  get counts(): DataCounts {
    return this.last;
  }

  /** Puts {@code query} in the query box and runs it. */
  type(query: string): Promise<boolean> {
    this.input.value = query;
    return this.apply(query);
  }

  /** Runs a direct query (filter and/or `sortby`) on the view; true when the server applied it. */
  async apply(query: string): Promise<boolean> {
    const reply = await this.send(query, false, query ? `Applying ${query}…` : "Reading the view…");
    if (!reply) return false;
    this.showReply(reply);
    if (!reply.success) return false;
    const applied = !FAILED_OPERATION.test(reply.message);
    this.events.viewChanged(this.last, query, applied);
    return applied;
  }

  /** Back to the whole dataset: WeightsLab's `@reset` is a natural-language command, with no counts in its reply. */
  async reset(): Promise<void> {
    const reply = await this.send("@reset", true, "Resetting the view…");
    if (!reply) return;
    if (!reply.success) {
      this.showReply(reply);
      return;
    }
    const counts = await this.send("", false, "Reading the view…");
    if (!counts) return;
    this.showReply(counts, reply.message);
    this.events.viewChanged(this.last, "@reset", true);
  }

  /** The view's counts again (query ""), without changing it; null when the read failed. */
  async readCounts(): Promise<DataCounts | null> {
    try {
      const reply = await this.client.applyDataQuery(
        { query: "", isNaturalLanguage: false, accumulate: false },
        { headers: clientIdHeaders(), timeoutMs: QUERY_TIMEOUT_MS },
      );
      if (!reply.success) {
        showMessage(this.message, `Reading the view's counts failed: ${reply.message || "no reason given"}`, "error");
        return null;
      }
      this.showCounts(reply);
      return this.last;
    } catch (err) {
      showMessage(this.message, `Reading the view's counts failed: ${failureReason(err)}`, "error");
      return null;
    }
  }

  /** One query at a time: one asked for while another runs is ignored, so replies cannot arrive out of order. */
  private async send(query: string, naturalLanguage: boolean, pending: string): Promise<DataQueryResponse | null> {
    if (this.busy) return null;
    showMessage(this.message, pending, "pending");
    this.setBusy(true);
    try {
      return await this.client.applyDataQuery(
        { query, isNaturalLanguage: naturalLanguage, accumulate: false },
        { headers: clientIdHeaders(), timeoutMs: QUERY_TIMEOUT_MS },
      );
    } catch (err) {
      showMessage(this.message, `Query failed: ${failureReason(err)}`, "error");
      return null;
    } finally {
      this.setBusy(false);
    }
  }

  private showReply(reply: DataQueryResponse, prefix = ""): void {
    const failed = !reply.success || FAILED_OPERATION.test(reply.message);
    const text = [prefix, reply.message || (reply.success ? "" : "Query refused, no reason given")]
      .filter((t) => t).join(" · ");
    showMessage(this.message, text, failed ? "error" : "ok");
    if (reply.success) this.showCounts(reply);
  }

  private showCounts(reply: DataQueryResponse): void {
    this.last = {
      all: reply.numberOfAllSamples,
      inLoop: reply.numberOfSamplesInTheLoop,
      discarded: reply.numberOfDiscardedSamples,
    };
    const el = this.countsEl;
    el.dataset.all = String(this.last.all);
    el.dataset.inLoop = String(this.last.inLoop);
    el.dataset.discarded = String(this.last.discarded);
    const n = (v: number): string => v.toLocaleString("en-US");
    el.textContent = `${n(this.last.all)} samples · ${n(this.last.inLoop)} in the loop · ${n(this.last.discarded)} discarded`;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.applyButton.disabled = busy;
    this.resetButton.disabled = busy;
    this.countsEl.classList.toggle("busy", busy);
  }
}
