// Class-name lookup: names sent in BatchData win over the run config's; else the class number.
let fromBatch: readonly string[] = [];
let fromConfig: readonly string[] = [];

/** BatchData sends names only when they change, so remember the last non-empty list. */
export function setBatchClassNames(names: readonly string[]): void {
  if (names.length > 0) fromBatch = [...names];
}

export function setConfigClassNames(names: readonly string[]): void {
  fromConfig = [...names];
}

export function className(index: number): string {
  return fromBatch[index] || fromConfig[index] || String(index);
}
