// Edits on the selected samples over EditDataSample: add or remove a tag, discard or restore.
import { SampleEditType, type DataEditsRequest } from "./gen/experiment_service_pb";
import type { DataSelection } from "./data-selection";
import { byId, onEnter, showMessage } from "./dom";
import { clientIdHeaders, failureReason, type ExperimentClient } from "./transport";

/** An edit may wait for the training step to end. */
const EDIT_TIMEOUT_MS = 30_000;

/** What to change; the selected samples are added when it is sent. */
type Edit = Pick<DataEditsRequest, "statName" | "type"> & Partial<Pick<DataEditsRequest, "stringValue" | "boolValue">>;

export class DataActions {
  private readonly tagInput = byId<HTMLInputElement>("data-tag-input");
  private readonly tagAdd = byId<HTMLButtonElement>("data-tag-add");
  private readonly tagRemove = byId<HTMLButtonElement>("data-tag-remove");
  private readonly discard = byId<HTMLButtonElement>("data-discard");
  private readonly restore = byId<HTMLButtonElement>("data-restore");
  private readonly selectedEl = byId("data-selected");
  private readonly message = byId("data-message");
  private busy = false;

  /** `edited` runs after each edit the server accepted. */
  constructor(
    private readonly client: ExperimentClient,
    private readonly selection: DataSelection,
    private readonly edited: () => void,
  ) {
    this.tagAdd.addEventListener("click", () => this.tag(SampleEditType.EDIT_ACCUMULATE));
    this.tagRemove.addEventListener("click", () => this.tag(SampleEditType.EDIT_REMOVE));
    onEnter(this.tagInput, () => this.tag(SampleEditType.EDIT_ACCUMULATE));
    this.discard.addEventListener("click", () => void this.edit(
      { statName: "discarded", boolValue: true, type: SampleEditType.EDIT_OVERRIDE }, "Discarding"));
    this.restore.addEventListener("click", () => void this.edit(
      { statName: "discarded", boolValue: false, type: SampleEditType.EDIT_OVERRIDE }, "Restoring"));
    selection.onChange(() => this.sync());
    this.sync();
  }

  private tag(type: SampleEditType): void {
    const tag = this.tagInput.value.trim();
    if (!tag) {
      showMessage(this.message, "Enter a tag name first", "error");
      return;
    }
    const adding = type === SampleEditType.EDIT_ACCUMULATE;
    void this.edit({ statName: "tag", stringValue: tag, type }, adding ? `Tagging ${tag} on` : `Removing tag ${tag} from`);
  }

  /** Sends one edit for every selected sample, ids and origins paired by position. */
  private async edit(edit: Edit, what: string): Promise<void> {
    const samples = this.selection.samples();
    if (samples.length === 0 || this.busy) return;
    const subject = `${what} ${samples.length} sample${samples.length === 1 ? "" : "s"}`;
    showMessage(this.message, `${subject}…`, "pending");
    this.setBusy(true);
    try {
      const reply = await this.client.editDataSample({
        ...edit,
        samplesIds: samples.map((s) => s.sampleId),
        sampleOrigins: samples.map((s) => s.origin),
      }, { headers: clientIdHeaders(), timeoutMs: EDIT_TIMEOUT_MS });
      showMessage(this.message, reply.message || (reply.success ? `${subject}: done` : `${subject}: refused, no reason given`),
        reply.success ? "ok" : "error");
      if (reply.success) this.edited();
    } catch (err) {
      showMessage(this.message, `${subject} failed: ${failureReason(err)}`, "error");
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.sync();
  }

  private sync(): void {
    const n = this.selection.size;
    this.selectedEl.textContent = `${n} selected`;
    this.selectedEl.dataset.count = String(n);
    for (const button of [this.tagAdd, this.tagRemove, this.discard, this.restore]) button.disabled = n === 0 || this.busy;
  }
}
