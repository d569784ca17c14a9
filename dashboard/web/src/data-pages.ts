// The grid's rows, fetched in pages from GetDataSamples as they scroll into sight, cached, and dropped when stale.
import { Code, ConnectError } from "@connectrpc/connect";
import { releaseRow, toRow, type DataRow } from "./data-rows";
import { clientIdHeaders, failureReason, type ExperimentClient } from "./transport";

export const PAGE_SIZE = 64;
/** Pages kept (about 3,000 rows with their thumbnails); the least recently shown go first. */
const MAX_PAGES = 48;
/** Requests at once; pages scrolled past before their turn are never asked for. */
const MAX_IN_FLIGHT = 3;
const THUMBNAIL_PX = 32;
const READ_TIMEOUT_MS = 20_000;

/** Rows of one page and the view generation they were read in. */
interface Page {
  readonly rows: readonly DataRow[];
  readonly generation: number;
}

export type RowState = "loaded" | "loading" | "failed";

export interface PageEvents {
  /** A page arrived: its rows can be drawn. */
  loaded(): void;
  failed(reason: string): void;
}

export class DataPages {
  /** Insertion order is recency of use: the first entries are evicted first. */
  private readonly pages = new Map<number, Page>();
  private readonly inFlight = new Map<number, AbortController>();
  private readonly failedPages = new Set<number>();
  private wanted: readonly number[] = [];
  private generation = 0;
  private rowCount = 0;

  constructor(private readonly client: ExperimentClient, private readonly events: PageEvents) {}

  row(index: number): DataRow | undefined {
    return this.pages.get(pageOf(index))?.rows[index % PAGE_SIZE];
  }

  state(index: number): RowState {
    const page = pageOf(index);
    if (this.pages.has(page)) return "loaded";
    return this.failedPages.has(page) ? "failed" : "loading";
  }

  /** A new view (filter or order): nothing cached belongs to it any more. */
  clear(rowCount: number): void {
    this.invalidate(rowCount);
    for (const page of this.pages.values()) page.rows.forEach(releaseRow);
    this.pages.clear();
  }

  /** The same view with fresh values: cached rows stay on screen until their page is read again. */
  invalidate(rowCount: number): void {
    this.generation++;
    this.rowCount = rowCount;
    for (const request of this.inFlight.values()) request.abort();
    this.inFlight.clear();
    this.failedPages.clear();
    this.pump();
  }

  /** The rows on screen (first inclusive, last exclusive): their pages are read if missing or stale. */
  show(first: number, last: number): void {
    const wanted: number[] = [];
    for (let page = pageOf(first); page <= pageOf(Math.max(first, last - 1)); page++) {
      if (page * PAGE_SIZE >= this.rowCount) break;
      wanted.push(page);
      const cached = this.pages.get(page);
      if (cached) { // most recently used goes last
        this.pages.delete(page);
        this.pages.set(page, cached);
      }
    }
    this.wanted = wanted;
    this.pump();
  }

  private pump(): void {
    for (const page of this.wanted) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) return;
      if (this.inFlight.has(page) || this.failedPages.has(page)) continue;
      if (this.pages.get(page)?.generation === this.generation) continue;
      void this.read(page);
    }
  }

  private async read(page: number): Promise<void> {
    const generation = this.generation;
    const request = new AbortController();
    this.inFlight.set(page, request);
    const start = page * PAGE_SIZE;
    try {
      const reply = await this.client.getDataSamples({
        startIndex: start,
        recordsCnt: Math.min(PAGE_SIZE, this.rowCount - start),
        includeRawData: true,
        resizeWidth: THUMBNAIL_PX,
        resizeHeight: THUMBNAIL_PX,
      }, { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS, signal: request.signal });
      if (generation !== this.generation) return; // a reply for a view that is gone
      if (!reply.success) {
        this.fail(page, `Reading rows ${start}–${start + PAGE_SIZE - 1} failed: ${reply.message || "no reason given"}`);
        return;
      }
      this.store(page, { rows: reply.dataRecords.map(toRow), generation });
      this.events.loaded();
    } catch (err) {
      if (generation !== this.generation || ConnectError.from(err).code === Code.Canceled) return;
      this.fail(page, `Reading rows ${start}–${start + PAGE_SIZE - 1} failed: ${failureReason(err)}`);
    } finally {
      if (this.inFlight.get(page) === request) this.inFlight.delete(page);
      this.pump();
    }
  }

  /** A failed page is not asked for again until the view is read again (no retry loop). */
  private fail(page: number, reason: string): void {
    this.failedPages.add(page);
    this.events.failed(reason);
  }

  private store(page: number, fresh: Page): void {
    const old = this.pages.get(page);
    this.pages.delete(page);
    this.pages.set(page, fresh);
    old?.rows.forEach(releaseRow);
    for (const [index, cached] of this.pages) {
      if (this.pages.size <= MAX_PAGES) break;
      if (this.wanted.includes(index)) continue;
      this.pages.delete(index);
      cached.rows.forEach(releaseRow);
    }
  }
}

function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE);
}
