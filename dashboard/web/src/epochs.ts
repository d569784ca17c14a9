// Epoch table: one row per EpochData, keyed by epoch number, so a replay updates instead of duplicating.
import type { EpochData } from "./gen/trainscope/v1/metrics_pb";
import { fixed, percent, rate } from "./dom";

export class EpochTable {
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<number, HTMLTableRowElement>();

  constructor(table: HTMLTableElement) {
    this.body = table.tBodies[0] ?? table.createTBody();
  }

  upsert(e: EpochData): void {
    let row = this.rows.get(e.epoch);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.epoch = String(e.epoch);
      this.rows.set(e.epoch, row);
      this.body.insertBefore(row, this.firstRowAfter(e.epoch));
    }
    const cells = [
      String(e.epoch),
      fixed(e.averageLoss, 4),
      percent(e.averageAccuracy, 2),
      rate(e.learningRate),
      e.validationLoss === undefined ? "–" : fixed(e.validationLoss, 4),
      e.validationAccuracy === undefined ? "–" : percent(e.validationAccuracy, 2),
      `${fixed(e.durationSeconds, 1)} s`,
    ];
    row.replaceChildren(...cells.map(cell));
    row.title = `step ${e.globalStep}, ${e.batches} batches`;
  }

  /** Forgets every row (the server restarted). */
  reset(): void {
    this.rows.clear();
    this.body.replaceChildren();
  }

  /** Keeps rows ordered by epoch even if they arrive out of order. */
  private firstRowAfter(epoch: number): HTMLTableRowElement | null {
    for (const row of this.body.rows) if (Number(row.dataset.epoch) > epoch) return row;
    return null;
  }
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}
