// Audit log panel: the run's steering actions and notes from GetAuditLog, newest first; read again when the feed
// says an entry was recorded (by any client), never on a timer.
import type { AuditLogEntry } from "./gen/trainscope/v1/metrics_pb";
import { byId, showMessage, singleFlight } from "./dom";
import { failureReason, type MetricsClient } from "./transport";

/** Newest entries shown. */
const LIMIT = 100;
const READ_TIMEOUT_MS = 10_000;

export class AuditLogPanel {
  private readonly rows = byId<HTMLTableSectionElement>("audit-rows");
  private readonly message = byId("audit-message");
  /** What the table shows, so an unchanged log leaves the rows (and a person's hover or selection) alone. */
  private shown = "";

  constructor(private readonly client: MetricsClient) {}

  /** Reads the log again (calls during a read fold into one more). */
  readonly refresh = singleFlight(() => this.read());

  private async read(): Promise<void> {
    try {
      const reply = await this.client.getAuditLog({ limit: LIMIT }, { timeoutMs: READ_TIMEOUT_MS });
      this.render(reply.entries);
      showMessage(this.message, "", "ok");
    } catch (err) {
      showMessage(this.message, `Reading the audit log failed: ${failureReason(err)}`, "error");
    }
  }

  /** The server sends the oldest first. */
  private render(entries: readonly AuditLogEntry[]): void {
    const shown = JSON.stringify(entries.map((e) => [e.time, e.action, e.parameters, e.caller, e.result]));
    if (shown === this.shown) return;
    this.shown = shown;
    const rows = entries.map(row).reverse();
    if (rows.length === 0) {
      const empty = document.createElement("tr");
      empty.className = "empty";
      empty.append(cell("nothing changed yet", "muted"));
      empty.firstElementChild?.setAttribute("colspan", "4");
      rows.push(empty);
    }
    this.rows.replaceChildren(...rows);
  }
}

function row(entry: AuditLogEntry): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.action = entry.action;
  const time = cell(shortTime(entry.time), "audit-time");
  time.title = entry.time;
  const action = cell(entry.action, "audit-action");
  const parameters = Object.entries(entry.parameters).map(([k, v]) => `${k} = ${v}`).join("\n");
  if (parameters) action.title = parameters;
  tr.classList.toggle("refused", entry.result.startsWith("refused:"));
  tr.append(time, action, cell(entry.caller, "audit-caller"), cell(entry.result, "audit-result"));
  return tr;
}

function cell(text: string, className: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = className;
  td.textContent = text;
  return td;
}

/** Local time of day for today's entries, with the date for older ones; the raw text if it is not a time. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString([], { hour12: false });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}
