// The note form under the curves: writes a note on train/loss at a step (plot_note_operation) and reads the notes back.
import { requireToken } from "./auth";
import { byId, onEnter, showMessage, singleFlight, type MessageKind } from "./dom";
import { LOSS, type CurveHistory } from "./history";
import type { PointNotes } from "./notes";
import { failureReason, isUnauthenticated, type ExperimentClient } from "./transport";

const INT32_MAX = 2 ** 31 - 1;
const WRITE_TIMEOUT_MS = 15_000;
/** Every noted point survives any reduction: three points per curve bring all the notes. */
const NOTES_READ_POINTS = 3;

export interface NoteFormEvents {
  /** The notes were read again. */
  notesChanged(): void;
  /** A note was written or refused: both are in the audit log. */
  wrote(): void;
}

export class NoteForm {
  private readonly stepInput = byId<HTMLInputElement>("note-step");
  private readonly textInput = byId<HTMLInputElement>("note-text");
  private readonly saveButton = byId<HTMLButtonElement>("note-save");
  private readonly message = byId("note-message");
  private readFailureShown = false;

  constructor(
    private readonly client: ExperimentClient,
    private readonly history: CurveHistory,
    private readonly notes: PointNotes,
    private readonly events: NoteFormEvents,
  ) {
    this.saveButton.addEventListener("click", () => void this.save());
    onEnter(this.stepInput, () => void this.save());
    onEnter(this.textInput, () => void this.save());
  }

  /** Reads every note again (calls during a read fold into one more). */
  readonly load = singleFlight(() => this.read());

  /** A point picked on the chart: the form takes its step and its note, ready to edit. */
  pick(step: number): void {
    this.stepInput.value = String(step);
    this.textInput.value = this.notes.at(step)?.text ?? "";
    this.textInput.focus();
    this.show(`Step ${step}: write a note and save it (an empty note clears it)`, "pending");
  }

  private async read(): Promise<void> {
    try {
      const curves = await this.history.read({ metrics: [LOSS], maxPoints: NOTES_READ_POINTS });
      this.notes.replace(curves.get(LOSS) ?? []);
      this.events.notesChanged();
      if (this.readFailureShown) this.show("", "ok");
      this.readFailureShown = false;
    } catch (err) {
      this.show(`Reading notes failed: ${failureReason(err)}`, "error");
      this.readFailureShown = true;
      if (isUnauthenticated(err)) void requireToken().then(() => this.load());
    }
  }

  private async save(): Promise<void> {
    const stepText = this.stepInput.value.trim();
    const step = Number(stepText);
    if (!stepText || !Number.isInteger(step) || step < 0 || step > INT32_MAX) {
      this.show("Note: enter the step as a whole number, or click a point of the loss curve", "error");
      return;
    }
    const note = this.textInput.value;
    const what = note.trim() ? `Saving note at step ${step}` : `Clearing note at step ${step}`;
    this.show(`${what}…`, "pending");
    this.readFailureShown = false;
    try {
      const experimentHash = await this.history.runHash();
      const reply = await this.client.experimentCommand(
        { plotNoteOperation: { metricName: LOSS, experimentHash, modelAge: step, note } },
        { timeoutMs: WRITE_TIMEOUT_MS },
      );
      this.show(reply.message || (reply.success ? `${what}: done` : `${what}: refused, no reason given`),
        reply.success ? "ok" : "error");
      this.events.wrote();
      if (!reply.success) return;
      this.textInput.value = "";
      this.load();
    } catch (err) {
      this.show(`${what} failed: ${failureReason(err)}`, "error");
    }
  }

  private show(text: string, kind: MessageKind): void {
    showMessage(this.message, text, kind);
  }
}
