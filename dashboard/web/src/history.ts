// The stored curves of this run over GetLatestLoggerData's full history, reduced by the server to about a chart's width.
import type { LoggerDataPoint } from "./gen/experiment_service_pb";
import type { Lineage } from "./lineage";
import { clientIdHeaders, type ExperimentClient } from "./transport";

export const LOSS = "train/loss";
export const ACCURACY = "train/accuracy";

/** Inclusive whole steps, as the wire's x_min and x_max. */
export interface StepRange {
  readonly from: number;
  readonly to: number;
}

export interface HistoryRead {
  readonly metrics: readonly string[];
  /** Points per curve; the server keeps each bucket's minimum and maximum, and every noted point on top. */
  readonly maxPoints: number;
  /** Every step when absent. */
  readonly range?: StepRange;
  readonly signal?: AbortSignal;
}

const READ_TIMEOUT_MS = 15_000;

export class CurveHistory {
  private hash: string | null = null;

  /** With a lineage, a branch's curves start with its ancestors' points up to each fork, as the live curves do. */
  constructor(private readonly client: ExperimentClient, private readonly lineage?: Lineage) {}

  /** The run's hash (`last_hash`): the run directory may also hold the curves of earlier runs. */
  async runHash(signal?: AbortSignal): Promise<string> {
    if (this.hash !== null) return this.hash;
    const reply = await this.client.experimentCommand({ getHyperParameters: true }, { timeoutMs: READ_TIMEOUT_MS, signal });
    const hash = reply.hyperParametersDescs.find((d) => d.name === "last_hash")?.stringValue;
    if (!reply.success || !hash) throw new Error(`the server named no run hash (${reply.message || "no last_hash"})`);
    this.hash = hash;
    return hash;
  }

  /** Forgets the run hash: the server restarted, perhaps with another run. */
  forget(): void {
    this.hash = null;
  }

  /** Each asked metric's points of this run (and of its ancestors before it branched), sorted by step. */
  async read(request: HistoryRead): Promise<Map<string, LoggerDataPoint[]>> {
    const hash = await this.runHash(request.signal);
    const ancestry = this.lineage?.runHash === hash ? this.lineage.ancestry : [{ hash, upTo: Infinity }];
    const upTo = new Map(ancestry.map((a) => [a.hash, a.upTo]));
    const range = request.range;
    const reply = await this.client.getLatestLoggerData(
      {
        requestFullHistory: true,
        maxPoints: request.maxPoints,
        metricNames: [...request.metrics],
        experimentHashes: [...upTo.keys()],
        hasXRange: range !== undefined,
        xMin: BigInt(range?.from ?? 0),
        xMax: BigInt(range?.to ?? 0),
      },
      { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS, signal: request.signal },
    );
    const curves = new Map<string, LoggerDataPoint[]>(request.metrics.map((m) => [m, []]));
    for (const point of reply.points) {
      if (point.modelAge <= (upTo.get(point.experimentHash) ?? -Infinity)) curves.get(point.metricName)?.push(point);
    }
    if (upTo.size > 1) for (const points of curves.values()) points.sort((a, b) => a.modelAge - b.modelAge);
    return curves;
  }
}
