// The data grid: a virtual scroller over the whole view; only the rows in sight (and a few more) exist in the DOM.
import { fillRow, headerCells, showSort, type SortDirection } from "./data-columns";
import { DataPages, type RowState } from "./data-pages";
import type { DataRow } from "./data-rows";
import type { DataSelection } from "./data-selection";
import { byId, type MessageKind } from "./dom";
import type { ExperimentClient } from "./transport";

const ROW_PX = 36;
const OVERSCAN_ROWS = 8;
/** Browsers cap an element's height (Firefox near 17.9 M px): longer views scroll proportionally instead. */
const MAX_CANVAS_PX = 10_000_000;

export interface GridEvents {
  /** A header was clicked: the view should be sorted so, then the grid reset. */
  sort(column: string, direction: SortDirection): void;
  /** A row was clicked outside its checkbox. */
  open(row: DataRow): void;
  show(text: string, kind: MessageKind): void;
}

/** What a row element shows, so it is rebuilt only when that changes. */
interface Rendered {
  readonly el: HTMLElement;
  shown: DataRow | RowState;
}

export class DataGrid {
  private readonly scroller = byId("data-grid");
  private readonly head = document.createElement("div");
  private readonly canvas = document.createElement("div");
  private readonly selectVisible = document.createElement("input");
  private readonly pages: DataPages;
  private readonly rendered = new Map<number, Rendered>();
  private rowCount = 0;
  private sorted: { column: string; direction: SortDirection } | null = null;
  private frameRequested = false;

  constructor(client: ExperimentClient, private readonly selection: DataSelection, private readonly events: GridEvents) {
    this.pages = new DataPages(client, {
      loaded: () => this.requestRender(),
      failed: (reason) => {
        events.show(reason, "error");
        this.requestRender();
      },
    });
    this.selectVisible.type = "checkbox";
    this.selectVisible.id = "data-select-visible";
    this.selectVisible.title = "Select the rows in sight";
    this.head.className = "data-head";
    this.head.append(...headerCells(this.selectVisible));
    this.canvas.className = "data-canvas";
    this.scroller.replaceChildren(this.head, this.canvas);
    this.scroller.addEventListener("scroll", () => this.requestRender(), { passive: true });
    new ResizeObserver(() => this.requestRender()).observe(this.scroller);
    this.head.addEventListener("click", (e) => this.headerClicked(e));
    this.canvas.addEventListener("click", (e) => this.rowClicked(e));
    this.selectVisible.addEventListener("change", () => {
      this.selection.set(this.visibleRows(), this.selectVisible.checked);
    });
    selection.onChange(() => this.syncSelection());
  }

  /** A new view (query or sort): rows are read again from the top. */
  reset(rowCount: number): void {
    this.setRowCount(rowCount);
    this.pages.clear(rowCount);
    this.scroller.scrollTop = 0;
    this.requestRender();
  }

  /** The same view with fresh values (after an edit): the rows in sight are read again. */
  refresh(rowCount: number): void {
    this.setRowCount(rowCount);
    this.pages.invalidate(rowCount);
    this.requestRender();
  }

  /** The header arrow: the column the view is sorted by, or none once a reset forgets the order. */
  showSort(column: string | null, direction: SortDirection = "desc"): void {
    this.sorted = column ? { column, direction } : null;
    showSort(this.head, column, direction);
  }

  private setRowCount(rowCount: number): void {
    this.rowCount = Math.max(0, rowCount);
    this.scroller.dataset.rows = String(this.rowCount);
    this.scroller.setAttribute("aria-rowcount", String(this.rowCount));
    this.canvas.style.height = `${Math.min(this.rowCount * ROW_PX, MAX_CANVAS_PX)}px`;
  }

  private requestRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.render();
    });
  }

  private render(): void {
    const { first, last, shift } = this.window();
    const from = Math.max(0, first - OVERSCAN_ROWS);
    const to = Math.min(this.rowCount, last + OVERSCAN_ROWS);
    this.pages.show(from, to);
    for (const [index, rendered] of this.rendered) {
      if (index < from || index >= to) {
        rendered.el.remove();
        this.rendered.delete(index);
      }
    }
    for (let index = from; index < to; index++) {
      const shown = this.pages.row(index) ?? this.pages.state(index);
      let rendered = this.rendered.get(index);
      if (!rendered) {
        rendered = { el: document.createElement("div"), shown };
        fillRow(rendered.el, index, shown);
        this.canvas.append(rendered.el);
        this.rendered.set(index, rendered);
      } else if (rendered.shown !== shown) {
        rendered.shown = shown;
        fillRow(rendered.el, index, shown);
      }
      rendered.el.style.transform = `translateY(${index * ROW_PX + shift}px)`;
    }
    this.scroller.classList.toggle("empty", this.rowCount === 0);
    this.syncSelection();
  }

  /**
   * Rows in sight (first inclusive, last exclusive) and how far rows move so they scroll with the canvas;
   * beyond MAX_CANVAS_PX one pixel of scroll is several pixels of rows.
   */
  private window(): { first: number; last: number; shift: number } {
    const viewPx = Math.max(0, this.scroller.clientHeight - this.head.offsetHeight);
    const contentPx = this.rowCount * ROW_PX;
    const canvasPx = Math.min(contentPx, MAX_CANVAS_PX);
    const scrollTop = this.scroller.scrollTop;
    const ratio = contentPx > canvasPx && canvasPx > viewPx ? (contentPx - viewPx) / (canvasPx - viewPx) : 1;
    const offset = scrollTop * ratio;
    return {
      first: Math.max(0, Math.floor(offset / ROW_PX)),
      last: Math.min(this.rowCount, Math.ceil((offset + viewPx) / ROW_PX)),
      shift: scrollTop - offset,
    };
  }

  private visibleRows(): DataRow[] {
    const { first, last } = this.window();
    const rows: DataRow[] = [];
    for (let index = first; index < last; index++) {
      const row = this.pages.row(index);
      if (row) rows.push(row);
    }
    return rows;
  }

  private syncSelection(): void {
    for (const { el, shown } of this.rendered.values()) {
      if (typeof shown !== "object") continue;
      const selected = this.selection.has(shown);
      el.classList.toggle("selected", selected);
      const box = el.querySelector<HTMLInputElement>(".data-select");
      if (box) box.checked = selected;
    }
    const visible = this.visibleRows();
    const chosen = visible.filter((row) => this.selection.has(row)).length;
    this.selectVisible.checked = visible.length > 0 && chosen === visible.length;
    this.selectVisible.indeterminate = chosen > 0 && chosen < visible.length;
  }

  private headerClicked(e: MouseEvent): void {
    const button = (e.target as Element).closest<HTMLElement>(".data-sort");
    const column = button?.dataset.sortKey;
    if (!column) return;
    const direction: SortDirection = this.sorted?.column === column && this.sorted.direction === "desc" ? "asc" : "desc";
    this.events.sort(column, direction);
  }

  private rowClicked(e: MouseEvent): void {
    const target = e.target as Element;
    const el = target.closest<HTMLElement>(".data-row");
    const index = Number(el?.dataset.index);
    const row = Number.isInteger(index) ? this.pages.row(index) : undefined;
    if (!row) return;
    if (!target.classList.contains("data-select")) {
      this.events.open(row);
      return;
    }
    const selected = (target as HTMLInputElement).checked;
    const anchor = this.selection.anchor;
    if (e.shiftKey && anchor !== null) {
      const range: DataRow[] = [];
      for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
        const inRange = this.pages.row(i);
        if (inRange) range.push(inRange);
      }
      this.selection.set(range, selected);
    } else {
      this.selection.set([row], selected);
    }
    this.selection.anchor = index;
  }
}
