// The Data panel: wires the query box, grid, selection, edit buttons, histogram and sample view over this page's data view.
import { DataActions } from "./data-actions";
import type { SortDirection } from "./data-columns";
import { DataGrid } from "./data-grid";
import { DataHistogram } from "./data-histogram";
import { DataQuery, type DataCounts } from "./data-query";
import { DataSelection } from "./data-selection";
import { byId, showMessage } from "./dom";
import { SampleView } from "./sample-view";
import type { ExperimentClient, SampleClient } from "./transport";

/** `sortby <column> asc|desc` as the grid's headers send it (and as a person may type it). */
const SORT = /(?:^|\s)sortby\s+`?([\w:]+)`?(?:\s+(asc|desc))?\s*$/i;

export class DataPanel {
  private readonly selection = new DataSelection();
  private readonly query: DataQuery;
  private readonly grid: DataGrid;
  private readonly histogram: DataHistogram;

  constructor(experiments: ExperimentClient, samples: SampleClient) {
    const message = byId("data-message");
    const sampleView = new SampleView(experiments, samples);
    this.histogram = new DataHistogram(experiments);
    this.query = new DataQuery(experiments, {
      viewChanged: (counts, query, applied) => this.viewChanged(counts, query, applied),
    });
    this.grid = new DataGrid(experiments, this.selection, {
      sort: (column, direction) => void this.query.apply(`sortby ${column} ${direction}`),
      open: (row) => sampleView.open(row),
      show: (text, kind) => showMessage(message, text, kind),
    });
    new DataActions(experiments, this.selection, () => void this.reread());
    byId("data-refresh").addEventListener("click", () => void this.reread());
  }

  /** The counts and first rows of the view this page had (a reload keeps the server's view). */
  load(): void {
    void this.query.apply("");
  }

  private viewChanged(counts: DataCounts, query: string, applied: boolean): void {
    this.selection.clear();
    if (query === "@reset") this.grid.showSort(null);
    const sort = applied ? SORT.exec(query) : null;
    if (sort?.[1]) this.grid.showSort(sort[1], (sort[2]?.toLowerCase() ?? "asc") as SortDirection);
    this.grid.reset(counts.all);
    this.histogram.refresh();
  }

  /** Applies {@code query} as if typed into the query box, and brings the grid into view. */
  show(query: string): void {
    void this.query.type(query);
    byId("data-query").scrollIntoView({ block: "start" });
  }

  /** After an edit (or on Refresh): the same view, its counts and values read again. */
  private async reread(): Promise<void> {
    const counts = await this.query.readCounts();
    this.grid.refresh(counts?.all ?? this.query.counts.all);
    this.histogram.refresh();
  }
}
