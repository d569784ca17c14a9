// Always-visible header: run status, step, epoch, throughput, dropped frames, memory, connection.
import {
  TrainingStatus,
  type PerformanceData,
  type TrainingConfig,
} from "./gen/trainscope/v1/metrics_pb";
import { byId, fixed, rate, setText } from "./dom";
import type { ConnectionState } from "./feed";

const el = {
  status: byId("status"),
  statusMessage: byId("status-message"),
  step: byId("step"),
  epoch: byId("epoch"),
  epochTotal: byId("epoch-total"),
  fps: byId("fps"),
  fpsAvg: byId("fps-avg"),
  batchMs: byId("batch-ms"),
  dropped: byId("dropped"),
  memory: byId("memory"),
  cpu: byId("cpu"),
  age: byId("frame-age"),
  connection: byId("connection"),
  run: byId("run-info"),
};

export function statusName(status: TrainingStatus): string {
  return TrainingStatus[status] ?? String(status);
}

export function showStatus(status: TrainingStatus): void {
  const name = statusName(status);
  setText(el.status, name);
  el.status.dataset.status = name;
}

export function showStatusMessage(message: string): void {
  setText(el.statusMessage, message);
  el.statusMessage.title = message; // one line on the page, cut with an ellipsis when long
}

export function showStep(step: bigint): void {
  setText(el.step, step.toString());
}

export function showEpoch(epoch: number): void {
  setText(el.epoch, String(epoch));
}

/** Wall-clock age of the shown batch frame (server and browser on one clock: a latency gauge). */
export function showFrameAge(serverTimestampUs: bigint): void {
  if (serverTimestampUs === 0n) return;
  setText(el.age, `${Math.max(0, Date.now() - Number(serverTimestampUs) / 1000).toFixed(0)} ms`);
}

export function showPerformance(p: PerformanceData): void {
  setText(el.fps, fixed(p.currentFps, 1));
  setText(el.fpsAvg, fixed(p.averageFps, 1));
  setText(el.batchMs, fixed(p.timePerBatchMs, 1));
  setText(el.dropped, Number(p.droppedFrames).toString());
  el.dropped.title = `${Number(p.publishedFrames)} frames published by the server`;
  const r = p.resourceUsage;
  if (r) {
    setText(el.memory, `${fixed(r.memoryUsedMb, 0)}/${fixed(r.memoryTotalMb, 0)} MB heap · ${fixed(r.residentMb, 0)} MB RSS`);
    setText(el.cpu, `${fixed(r.cpuPercent, 0)}%`);
  }
}

export function showConnection(state: ConnectionState, detail: string): void {
  setText(el.connection, state);
  el.connection.dataset.state = state;
  el.connection.title = detail;
}

export function showConfig(c: TrainingConfig): void {
  setText(el.epochTotal, c.totalEpochs ? `/ ${c.totalEpochs}` : "");
  const parts = [
    c.modelName,
    c.datasetName,
    c.optimizer,
    c.batchSize ? `batch ${c.batchSize}` : "",
    c.learningRate ? `lr ${rate(c.learningRate)}` : "",
    c.trainSamples ? `${c.trainSamples} samples` : "",
  ];
  setText(el.run, parts.filter(Boolean).join(" · "));
  el.run.title = el.run.textContent ?? "";
}
