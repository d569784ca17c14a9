// Hyperparameters panel over WeightsLab's ExperimentCommand: lists every value, edits the settable ones, runs N steps.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HyperParameterDesc, HyperParametersSchema } from "./gen/experiment_service_pb";
import { TrainingStatus } from "./gen/trainscope/v1/metrics_pb";
import { byId, onEnter, rate, setText, showMessage, singleFlight, type MessageKind } from "./dom";
import { failureReason, type ExperimentClient } from "./transport";

/** Only the fields the user set are sent: the wire has explicit presence, absent means "leave as is". */
type Change = MessageInitShape<typeof HyperParametersSchema>;
type NumericField =
  | "learningRate" | "batchSize" | "valBatchSize" | "testBatchSize"
  | "trainingStepsToDo" | "fullEvalFrequency" | "checkpontFrequency";

/** A settable hyperparameter: the HyperParameters field a row's name maps to. */
interface Settable {
  readonly field: NumericField;
  readonly integer: boolean;
  readonly hint: string;
}

const SETTABLE: Readonly<Record<string, Settable>> = {
  learning_rate: { field: "learningRate", integer: false, hint: "new learning rate" },
  batch_size: { field: "batchSize", integer: true, hint: "new batch size" },
  val_batch_size: { field: "valBatchSize", integer: true, hint: "new validation batch size" },
  test_batch_size: { field: "testBatchSize", integer: true, hint: "new test batch size" },
  training_left: { field: "trainingStepsToDo", integer: true, hint: "pause after this many more steps; 0: no limit" },
  eval_frequency: { field: "fullEvalFrequency", integer: true, hint: "steps between full evaluations" },
  checkpoint_frequency: { field: "checkpontFrequency", integer: true, hint: "steps between checkpoints" }, // (sic) the wire's spelling
};
const SWITCHES = new Set(["is_training", "auditor_mode", "evaluation_mode"]);
const TERMINAL = new Set([TrainingStatus.COMPLETED, TrainingStatus.FAILED, TrainingStatus.STOPPED]);
const INT32_MAX = 2 ** 31 - 1;
const READ_TIMEOUT_MS = 10_000;
/** A change answers at the next step boundary; the server gives up after 60 s and says so. */
const CHANGE_TIMEOUT_MS = 70_000;

interface Row {
  readonly root: HTMLElement;
  readonly value: HTMLElement;
  readonly input: HTMLInputElement | null;
}

export class HyperParameterPanel {
  private readonly rowsEl = byId("hp-rows");
  private readonly message = byId("hp-message");
  private readonly stepsInput = byId<HTMLInputElement>("run-steps-input");
  private readonly stepsApply = byId<HTMLButtonElement>("run-steps-apply");
  private readonly rows = new Map<string, Row>();
  private auditorToggle: HTMLButtonElement | null = null;
  private auditorOn = false;
  private ended = false;
  private readFailureShown = false;
  /** model_age and training_left as last read, so the stream's step can move them on between reads. */
  private readAt = { step: 0, left: 0 };

  /** `wrote` runs after each reply to a change sent from this panel, refused or not (both are audited). */
  constructor(private readonly client: ExperimentClient, private readonly wrote: () => void = () => {}) {
    this.stepsApply.addEventListener("click", () => this.runSteps());
    onEnter(this.stepsInput, () => this.runSteps());
  }

  /** Reads every value again (calls during a read fold into one more). */
  readonly refresh = singleFlight(() => this.read());

  /** The stream's latest step: moves model age and a step budget on without a round trip. */
  showStep(step: number): void {
    this.setValue("model_age", String(step));
    if (this.readAt.left > 0) {
      this.setValue("training_left", String(Math.max(0, this.readAt.left - (step - this.readAt.step))));
    }
  }

  /** Nothing can be changed once the run ended. */
  setStatus(status: TrainingStatus): void {
    this.ended = TERMINAL.has(status);
    this.syncDisabled();
  }

  private async read(): Promise<void> {
    try {
      const reply = await this.client.experimentCommand({ getHyperParameters: true }, { timeoutMs: READ_TIMEOUT_MS });
      if (!reply.success) {
        this.showReadFailure(reply.message || "no reason given");
        return;
      }
      this.render(reply.hyperParametersDescs);
      if (this.readFailureShown) this.show("", "ok");
      this.readFailureShown = false;
    } catch (err) {
      this.showReadFailure(failureReason(err));
    }
  }

  private showReadFailure(reason: string): void {
    this.show(`Reading hyperparameters failed: ${reason}`, "error");
    this.readFailureShown = true;
  }

  private render(descs: readonly HyperParameterDesc[]): void {
    const names = new Set(descs.map((d) => d.name));
    for (const [name, row] of this.rows) {
      if (!names.has(name)) {
        row.root.remove();
        this.rows.delete(name);
      }
    }
    for (const desc of descs) {
      const row = this.rows.get(desc.name) ?? this.createRow(desc);
      this.rowsEl.append(row.root); // keeps the server's order
      const shown = formatValue(desc);
      setText(row.value, shown);
      row.value.title = desc.numericalValue === undefined ? shown : String(precise(desc.numericalValue));
      if (row.input && desc.numericalValue !== undefined) row.input.placeholder = String(precise(desc.numericalValue));
    }
    const value = (name: string): number => descs.find((d) => d.name === name)?.numericalValue ?? 0;
    this.readAt = { step: value("model_age"), left: value("training_left") };
    this.auditorOn = value("auditor_mode") !== 0;
    if (this.auditorToggle) {
      this.auditorToggle.textContent = this.auditorOn ? "Turn off" : "Turn on";
      this.auditorToggle.setAttribute("aria-pressed", String(this.auditorOn));
    }
    this.syncDisabled();
  }

  private createRow(desc: HyperParameterDesc): Row {
    const root = document.createElement("div");
    root.className = "hp-row";
    root.dataset.hp = desc.name;
    const label = document.createElement("span");
    label.className = "hp-label";
    label.textContent = desc.label || desc.name;
    label.title = `${desc.label || desc.name} (${desc.name})`;
    const value = document.createElement("span");
    value.className = "hp-value";
    root.append(label, value);
    const settable = SETTABLE[desc.name];
    let input: HTMLInputElement | null = null;
    if (settable) {
      input = document.createElement("input");
      input.className = "hp-input";
      input.type = "number";
      input.step = settable.integer ? "1" : "any";
      input.min = "0";
      input.inputMode = settable.integer ? "numeric" : "decimal";
      input.title = settable.hint;
      input.setAttribute("aria-label", desc.label || desc.name);
      const apply = document.createElement("button");
      apply.type = "button";
      apply.className = "hp-apply";
      apply.textContent = "Set";
      const field = input;
      const send = (): void => this.applyValue(desc.label || desc.name, settable, field);
      apply.addEventListener("click", send);
      onEnter(input, send);
      root.append(input, apply);
    } else if (desc.name === "auditor_mode") {
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.id = "auditor-toggle";
      toggle.className = "hp-toggle";
      toggle.title = "Auditor mode: forward passes and statistics only, no learning";
      toggle.addEventListener("click", () => {
        const on = !this.auditorOn;
        void this.change({ auditorMode: on }, `Auditor mode ${on ? "on" : "off"}`);
      });
      this.auditorToggle = toggle;
      root.append(toggle);
    } else {
      root.classList.add("readonly");
    }
    const row = { root, value, input };
    this.rows.set(desc.name, row);
    return row;
  }

  private applyValue(label: string, settable: Settable, input: HTMLInputElement): void {
    const text = input.value.trim();
    const value = Number(text);
    if (!text || !Number.isFinite(value)) {
      this.show(`${label}: enter a number`, "error");
      return;
    }
    if (settable.integer && (!Number.isInteger(value) || Math.abs(value) > INT32_MAX)) {
      this.show(`${label}: enter a whole number`, "error");
      return;
    }
    const change: Change = {};
    change[settable.field] = value; // range checks are the server's: its refusal names the rule
    void this.change(change, `Setting ${label}`, input);
  }

  private runSteps(): void {
    const steps = Number(this.stepsInput.value.trim());
    if (!this.stepsInput.value.trim() || !Number.isInteger(steps) || steps < 1 || steps > INT32_MAX) {
      this.show("Steps to run: enter a whole number of at least 1", "error");
      return;
    }
    void this.change({ isTraining: true, nbSteps: steps }, `Running ${steps} steps`, this.stepsInput);
  }

  /** Sends one change; a success re-reads every value (a change can move others, such as is_training). */
  private async change(change: Change, what: string, input?: HTMLInputElement): Promise<void> {
    this.show(`${what}…`, "pending");
    this.readFailureShown = false;
    try {
      const reply = await this.client.experimentCommand(
        { hyperParameterChange: { hyperParameters: change } },
        { timeoutMs: CHANGE_TIMEOUT_MS },
      );
      this.show(reply.message || (reply.success ? `${what}: done` : `${what}: refused, no reason given`),
        reply.success ? "ok" : "error");
      this.wrote();
      if (!reply.success) return;
      if (input) input.value = "";
      this.refresh();
    } catch (err) {
      this.show(`${what} failed: ${failureReason(err)}`, "error");
    }
  }

  private setValue(name: string, text: string): void {
    const row = this.rows.get(name);
    if (row) setText(row.value, text);
  }

  private syncDisabled(): void {
    for (const button of this.rowsEl.querySelectorAll<HTMLButtonElement>("button")) button.disabled = this.ended;
    this.stepsApply.disabled = this.ended;
  }

  private show(text: string, kind: MessageKind): void {
    showMessage(this.message, text, kind);
  }
}

/** Switches read on/off, the learning rate as elsewhere on the page (5e-4), counts as whole numbers. */
function formatValue(desc: HyperParameterDesc): string {
  if (desc.numericalValue === undefined) return desc.stringValue ?? "–";
  const v = desc.numericalValue;
  if (SWITCHES.has(desc.name)) return v !== 0 ? "on" : "off";
  if (desc.name === "learning_rate") return rate(v);
  return Number.isInteger(v) ? String(v) : String(precise(v));
}

/** A float32 value without its binary noise (0.0005 rather than 0.0005000000237). */
function precise(v: number): number {
  return Number(v.toPrecision(7));
}
