// The data grid's columns: header cells (sortable ones name their `sortby` column) and one row's cells.
import type { DataRow } from "./data-rows";
import type { RowState } from "./data-pages";
import { fixed, percent } from "./dom";
import { className } from "./labels";

export type SortDirection = "asc" | "desc";

interface Column {
  readonly title: string;
  readonly className: string;
  /** The column's name in `sortby <name> asc|desc`; absent for columns the grid cannot sort. */
  readonly sortKey?: string;
  readonly text: (row: DataRow) => string;
}

const COLUMNS: readonly Column[] = [
  { title: "id", className: "c-id", sortKey: "sample_id", text: (r) => r.sampleId },
  { title: "origin", className: "c-origin", sortKey: "origin", text: (r) => r.origin },
  { title: "label", className: "c-label", sortKey: "label", text: (r) => classText(r.label) },
  { title: "prediction", className: "c-pred", sortKey: "prediction", text: (r) => classText(r.prediction) },
  { title: "confidence", className: "c-num", sortKey: "confidence", text: (r) => percent(r.confidence) },
  { title: "loss", className: "c-num", sortKey: "loss", text: (r) => fixed(r.loss, 4) },
  { title: "seen", className: "c-num", sortKey: "encounters", text: (r) => whole(r.encounters) },
  { title: "last step", className: "c-num", sortKey: "last_step", text: (r) => whole(r.lastStep) },
  { title: "tags", className: "c-tags", text: (r) => r.tags.join(", ") },
  { title: "discarded", className: "c-discarded", text: (r) => (r.discarded ? "discarded" : "") },
];

/** The header row: a "select all visible" box, the thumbnail's blank, then one cell per column. */
export function headerCells(selectVisible: HTMLInputElement): HTMLElement[] {
  const box = cell("c-select");
  box.append(selectVisible);
  const cells = [box, cell("c-thumb")];
  for (const column of COLUMNS) {
    if (!column.sortKey) {
      cells.push(cell(column.className, column.title));
      continue;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = `data-sort ${column.className}`;
    button.dataset.sortKey = column.sortKey;
    button.textContent = column.title;
    button.title = `Sort the view by ${column.sortKey}`;
    cells.push(button);
  }
  return cells;
}

/** Marks the header cell the view is sorted by (or none). */
export function showSort(header: HTMLElement, sortKey: string | null, direction: SortDirection): void {
  for (const button of header.querySelectorAll<HTMLElement>(".data-sort")) {
    const sorted = button.dataset.sortKey === sortKey;
    if (sorted) button.dataset.sort = direction;
    else delete button.dataset.sort;
    button.setAttribute("aria-sort", sorted ? (direction === "asc" ? "ascending" : "descending") : "none");
  }
}

/** Fills a row element with a sample, or with a placeholder while its page is read (or failed). */
export function fillRow(el: HTMLElement, index: number, row: DataRow | RowState | undefined): void {
  el.dataset.index = String(index);
  if (typeof row !== "object") {
    el.className = "data-row-pending";
    for (const key of ["sampleId", "origin", "discarded", "tags"]) delete el.dataset[key];
    el.replaceChildren(cell("c-pending", row === "failed" ? "could not be read" : row === "loading" ? "…" : ""));
    return;
  }
  el.className = "data-row";
  el.classList.toggle("discarded", row.discarded);
  el.dataset.sampleId = row.sampleId;
  el.dataset.origin = row.origin;
  el.dataset.discarded = String(row.discarded);
  el.dataset.tags = row.tags.join(",");
  const select = document.createElement("input");
  select.type = "checkbox";
  select.className = "data-select";
  select.setAttribute("aria-label", `select sample ${row.sampleId}`);
  const box = cell("c-select");
  box.append(select);
  const thumb = cell("c-thumb");
  if (row.thumbnail) {
    const img = document.createElement("img");
    img.alt = "";
    img.decoding = "async";
    img.src = row.thumbnail;
    thumb.append(img);
  }
  const wrong = Number.isFinite(row.prediction) && Number.isFinite(row.label) && row.prediction !== row.label;
  const cells = COLUMNS.map((column) => {
    const el = cell(column.className, column.text(row));
    if (column.className === "c-pred") el.classList.toggle("wrong", wrong);
    return el;
  });
  el.replaceChildren(box, thumb, ...cells);
}

function cell(className: string, text = ""): HTMLElement {
  const el = document.createElement("div");
  el.className = `data-cell ${className}`;
  el.textContent = text;
  if (text) el.title = text;
  return el;
}

function classText(index: number): string {
  return Number.isFinite(index) ? className(index) : "–";
}

function whole(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n)) : "–";
}
