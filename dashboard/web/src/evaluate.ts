// "Evaluate now" over WeightsLab's evaluation RPCs: split and tag choice, a progress bar while it runs, cancel.
import type { GetEvaluationStatusResponse } from "./gen/experiment_service_pb";
import { byId, setText, showMessage, type MessageKind } from "./dom";
import { failureReason, type ExperimentClient } from "./transport";

/** The status is read this often, and only while an evaluation is requested or running. */
const POLL_MS = 500;
const CALL_TIMEOUT_MS = 10_000;
const ACTIVE = new Set(["requested", "running"]);
/** Shown when the server lists no split (GetDataSplits failed): the training's own splits. */
const FALLBACK_SPLITS = ["test", "train"];

export interface EvaluationEvents {
  /** An evaluation ended with results: its markers are on the curves now. */
  done(): void;
  /** A trigger or cancel was answered (both are audited). */
  wrote(): void;
}

export class EvaluationPanel {
  private readonly split = byId<HTMLSelectElement>("eval-split");
  private readonly tag = byId<HTMLInputElement>("eval-tag");
  private readonly run = byId<HTMLButtonElement>("eval-run");
  private readonly cancelButton = byId<HTMLButtonElement>("eval-cancel");
  private readonly bar = byId<HTMLProgressElement>("eval-progress");
  private readonly counts = byId("eval-counts");
  private readonly message = byId("eval-message");
  private timer: number | null = null;
  private lastStatus = "";

  constructor(private readonly client: ExperimentClient, private readonly events: EvaluationEvents) {
    this.run.addEventListener("click", () => void this.trigger());
    this.cancelButton.addEventListener("click", () => void this.cancel());
    this.tag.addEventListener("keydown", (e) => {
      if (e.key === "Enter") void this.trigger();
    });
  }

  /** Lists the splits and shows the current state (an evaluation may be running for another client). */
  async load(): Promise<void> {
    let names: readonly string[] = [];
    try {
      names = (await this.client.getDataSplits({}, { timeoutMs: CALL_TIMEOUT_MS })).splitNames;
    } catch {
      // the fallback below still lets a person evaluate
    }
    const splits = names.length > 0 ? [...names].sort(testFirst) : FALLBACK_SPLITS;
    const chosen = this.split.value;
    this.split.replaceChildren(...splits.map((name) => new Option(name, name)));
    if (splits.includes(chosen)) this.split.value = chosen;
    await this.poll();
  }

  private async trigger(): Promise<void> {
    const splitName = this.split.value;
    const tag = this.tag.value.trim();
    this.show(`Asking to evaluate '${splitName}'${tag ? ` on tag ${tag}` : ""}…`, "pending");
    try {
      const reply = await this.client.triggerEvaluation(
        { splitName, tags: tag ? [tag] : [], useFullSet: !tag },
        { timeoutMs: CALL_TIMEOUT_MS },
      );
      this.show(reply.message || (reply.success ? "Evaluation requested" : "Refused, no reason given"),
        reply.success ? "ok" : "error");
      this.events.wrote();
      if (reply.success) await this.poll();
    } catch (err) {
      this.show(`Evaluation request failed: ${failureReason(err)}`, "error");
    }
  }

  private async cancel(): Promise<void> {
    try {
      const reply = await this.client.cancelEvaluation({ reason: "" }, { timeoutMs: CALL_TIMEOUT_MS });
      this.show(reply.message, reply.success ? "ok" : "error");
      this.events.wrote();
      await this.poll();
    } catch (err) {
      this.show(`Cancel failed: ${failureReason(err)}`, "error");
    }
  }

  /** Reads the status once; keeps reading every POLL_MS while the evaluation is active. */
  private async poll(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let status: GetEvaluationStatusResponse;
    try {
      status = await this.client.getEvaluationStatus({}, { timeoutMs: CALL_TIMEOUT_MS });
    } catch (err) {
      this.show(`Reading the evaluation's progress failed: ${failureReason(err)}`, "error");
      return;
    }
    this.render(status);
    if (ACTIVE.has(status.status)) this.timer = window.setTimeout(() => void this.poll(), POLL_MS);
  }

  private render(s: GetEvaluationStatusResponse): void {
    const active = ACTIVE.has(s.status);
    this.bar.dataset.status = s.status;
    this.bar.dataset.current = String(s.current);
    this.bar.dataset.total = String(s.total);
    this.bar.max = Math.max(1, s.total);
    this.bar.value = s.total > 0 ? s.current : 0;
    if (s.status === "requested" || (active && s.total === 0)) this.bar.removeAttribute("value"); // indeterminate
    setText(this.counts, s.status === "idle" ? "" : `${s.status} ${s.current}/${s.total}${s.splitName ? ` · ${s.splitName}` : ""}`);
    this.run.disabled = active;
    this.cancelButton.disabled = !active;
    const ended = this.lastStatus !== s.status && ACTIVE.has(this.lastStatus);
    this.lastStatus = s.status;
    if (active) this.show(s.message, "pending");
    else if (ended && s.status === "done") this.show(s.message, "ok");
    else if (ended && s.status === "canceled") this.show(`Canceled at batch ${s.current} of ${s.total}: ${s.message}`, "ok");
    else if (ended) this.show(`Evaluation failed: ${s.error || s.message}`, "error");
    if (ended && s.status === "done") this.events.done();
  }

  private show(text: string, kind: MessageKind): void {
    showMessage(this.message, text, kind);
  }
}

/** The test split first: evaluating it is the common case. */
function testFirst(a: string, b: string): number {
  return Number(b === "test") - Number(a === "test") || a.localeCompare(b);
}
