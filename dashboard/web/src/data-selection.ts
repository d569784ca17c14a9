// The samples a person ticked in the data grid, by (origin, sample id), for the edit buttons.
import { keyOf, type SampleKey } from "./data-rows";

export class DataSelection {
  private readonly chosen = new Map<string, SampleKey>();
  private readonly listeners: (() => void)[] = [];
  /** The row index of the last single tick, where a shift-click range starts. */
  anchor: number | null = null;

  get size(): number {
    return this.chosen.size;
  }

  has(sample: SampleKey): boolean {
    return this.chosen.has(keyOf(sample));
  }

  /** Selects or unselects every given sample, then tells the listeners once. */
  set(samples: readonly SampleKey[], selected: boolean): void {
    for (const sample of samples) {
      const key = keyOf(sample);
      if (selected) this.chosen.set(key, { sampleId: sample.sampleId, origin: sample.origin });
      else this.chosen.delete(key);
    }
    this.changed();
  }

  clear(): void {
    this.chosen.clear();
    this.anchor = null;
    this.changed();
  }

  /** The selected samples in the order they were ticked. */
  samples(): SampleKey[] {
    return [...this.chosen.values()];
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
