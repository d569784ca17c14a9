// Resumable Subscribe stream: reconnects with backoff and resumes after the last durable sequence.
import type { MetricsResponse } from "./gen/trainscope/v1/metrics_pb";
import { requireToken } from "./auth";
import { errorText, isUnauthenticated, type MetricsClient } from "./transport";

export type ConnectionState = "connecting" | "connected" | "reconnecting";

export interface FeedHandlers {
  onMessage(msg: MetricsResponse): void;
  onState(state: ConnectionState, detail: string): void;
  /** The server is a new instance (it restarted): drop everything shown; a full replay follows. */
  onReset(): void;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs forever. Durable messages (sequence > 0) are delivered once each, in order. */
export async function runFeed(client: MetricsClient, handlers: FeedHandlers): Promise<never> {
  let lastSequence = 0n;
  let instanceId = "";
  let backoff = MIN_BACKOFF_MS;
  handlers.onState("connecting", "");
  for (;;) {
    let connected = false;
    const markConnected = (): void => {
      if (connected) return;
      connected = true;
      backoff = MIN_BACKOFF_MS;
      handlers.onState("connected", "");
    };
    try {
      // Sequence numbers belong to one server instance: after a restart, start over.
      const session = await client.registerTrainingSession({ clientName: "trainscope-dashboard" });
      if (instanceId !== "" && session.instanceId !== instanceId) {
        lastSequence = 0n;
        handlers.onReset();
      }
      instanceId = session.instanceId;
      const stream = client.subscribe(
        { afterSequence: lastSequence, skipBatchFrames: false },
        { onHeader: markConnected },
      );
      for await (const msg of stream) {
        markConnected();
        if (msg.sequence !== 0n) {
          if (msg.sequence <= lastSequence) continue; // already seen before a reconnect
          lastSequence = msg.sequence;
        }
        deliver(handlers, msg);
      }
      handlers.onState("reconnecting", "stream ended");
    } catch (err) {
      if (isUnauthenticated(err)) {
        handlers.onState("reconnecting", "access token required");
        await requireToken();
        backoff = MIN_BACKOFF_MS;
        continue;
      }
      handlers.onState("reconnecting", errorText(err));
    }
    await sleep(backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

/** A rendering bug must not tear down the stream. */
function deliver(handlers: FeedHandlers, msg: MetricsResponse): void {
  try {
    handlers.onMessage(msg);
  } catch (err) {
    console.error("trainscope: failed to handle", msg.payload.case, err);
  }
}
