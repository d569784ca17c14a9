// Control panel: pause/resume/stop, learning rate and batch size via SendControl; shows acks and errors.
import {
  ControlAction,
  TrainingStatus,
  type ControlAck,
  type TrainingConfig,
} from "./gen/trainscope/v1/metrics_pb";
import { byId, onEnter, rate, showMessage, type MessageKind } from "./dom";
import { failureReason, type MetricsClient } from "./transport";

/** SendControl answers once the command took effect (at a step boundary); give up after this. */
const CONTROL_TIMEOUT_MS = 30_000;
const MAX_BATCH_SIZE = 4096;

const DONE: Record<ControlAction, string> = {
  [ControlAction.CONTROL_ACTION_UNSPECIFIED]: "Done",
  [ControlAction.PAUSE]: "Paused",
  [ControlAction.RESUME]: "Resumed",
  [ControlAction.STOP]: "Stopped",
  [ControlAction.CHANGE_LEARNING_RATE]: "Learning rate changed",
  [ControlAction.ADJUST_BATCH_SIZE]: "Batch size changed",
};

const TERMINAL = new Set([TrainingStatus.COMPLETED, TrainingStatus.FAILED, TrainingStatus.STOPPED]);

export class Controls {
  private readonly pause = byId<HTMLButtonElement>("pause");
  private readonly resume = byId<HTMLButtonElement>("resume");
  private readonly stop = byId<HTMLButtonElement>("stop");
  private readonly lrInput = byId<HTMLInputElement>("lr-input");
  private readonly lrApply = byId<HTMLButtonElement>("lr-apply");
  private readonly bsInput = byId<HTMLInputElement>("bs-input");
  private readonly bsApply = byId<HTMLButtonElement>("bs-apply");
  private readonly message = byId("control-message");
  private requestCounter = 0;

  /** `wrote` runs after each reply to a command of this page (the audit log has a new entry). */
  constructor(private readonly client: MetricsClient, private readonly wrote: () => void = () => {}) {
    this.pause.addEventListener("click", () => void this.send(ControlAction.PAUSE));
    this.resume.addEventListener("click", () => void this.send(ControlAction.RESUME));
    this.stop.addEventListener("click", () => void this.send(ControlAction.STOP));
    this.lrApply.addEventListener("click", () => this.applyLearningRate());
    this.bsApply.addEventListener("click", () => this.applyBatchSize());
    onEnter(this.lrInput, () => this.applyLearningRate());
    onEnter(this.bsInput, () => this.applyBatchSize());
  }

  /** Pause is pointless while paused, resume while running, everything once the run ended. */
  setStatus(status: TrainingStatus): void {
    const ended = TERMINAL.has(status);
    this.pause.disabled = ended || status === TrainingStatus.PAUSED;
    this.resume.disabled = ended || status === TrainingStatus.RUNNING;
    for (const b of [this.stop, this.lrApply, this.bsApply]) b.disabled = ended;
  }

  setConfig(config: TrainingConfig): void {
    this.showCurrent(config.learningRate, config.batchSize);
  }

  /** Current values as placeholders (not values: typing must not append to them). */
  showCurrent(learningRate: number, batchSize: number): void {
    if (learningRate) this.lrInput.placeholder = rate(learningRate);
    if (batchSize) this.bsInput.placeholder = String(batchSize);
  }

  /** Shows an acknowledgement, from our own call or from the feed (another client's command). */
  showAck(ack: ControlAck): void {
    if (ack.success) {
      this.show(ack.message || `${DONE[ack.action] ?? "Done"} at step ${ack.effectiveStep}`, "ok");
    } else {
      this.show(`${actionName(ack.action)} rejected: ${ack.message || "no reason given"}`, "error");
    }
  }

  private applyLearningRate(): void {
    const lr = Number(this.lrInput.value);
    if (!this.lrInput.value.trim() || !Number.isFinite(lr) || lr <= 0) {
      this.show("Learning rate must be a positive number", "error");
      return;
    }
    void this.send(ControlAction.CHANGE_LEARNING_RATE, { learningRate: lr });
  }

  private applyBatchSize(): void {
    const bs = Number(this.bsInput.value);
    if (!Number.isInteger(bs) || bs < 1 || bs > MAX_BATCH_SIZE) {
      this.show(`Batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}`, "error");
      return;
    }
    void this.send(ControlAction.ADJUST_BATCH_SIZE, { batchSize: bs });
  }

  private async send(action: ControlAction, args: { learningRate?: number; batchSize?: number } = {}): Promise<void> {
    const requestId = `dash-${Date.now().toString(36)}-${++this.requestCounter}`;
    this.show(`${actionName(action)}…`, "pending");
    try {
      const ack = await this.client.sendControl({ action, requestId, ...args }, { timeoutMs: CONTROL_TIMEOUT_MS });
      this.showAck(ack);
      this.wrote();
    } catch (err) {
      this.show(`${actionName(action)} failed: ${failureReason(err)}`, "error");
    }
  }

  private show(text: string, kind: MessageKind): void {
    showMessage(this.message, text, kind);
  }
}

function actionName(action: ControlAction): string {
  return ControlAction[action] ?? String(action);
}
