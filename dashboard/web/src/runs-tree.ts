// The runs panel's tree: each branch nested under the run it started from, with its checkpoints as chips.
import type { ExperimentRunInfo } from "./gen/experiment_service_pb";
import type { CheckpointInfo } from "./gen/trainscope/v1/runs_pb";

/** One branch as the panel shows it. */
export interface RunNode {
  readonly run: ExperimentRunInfo;
  /** `<hash>@<step>` the branch started from; "" for a run that is not a branch (or whose parent is unknown). */
  readonly parent: string;
  /** Oldest step first. */
  readonly checkpoints: readonly CheckpointInfo[];
  readonly children: RunNode[];
}

/** What a click in the tree asks for. */
export interface TreeHandlers {
  selectRun(hash: string): void;
  selectCheckpoint(checkpoint: CheckpointInfo): void;
}

/** Before a branch is renamed, its default name says where it came from. */
const DEFAULT_BRANCH_NAME = /^branch of ([0-9a-f]+@\d+)$/i;

/**
 * Nests the runs (in ListExperimentRuns' order, most recently used first) under their parents.
 * The parent comes from ListCheckpoints, else from a branch's default name; a run whose parent is
 * not listed is a root.
 */
export function buildTree(
  runs: readonly ExperimentRunInfo[],
  checkpoints: readonly CheckpointInfo[],
  parents: Readonly<Record<string, string>>,
): RunNode[] {
  const nodes = new Map<string, RunNode>();
  for (const run of runs) {
    const hash = run.experimentHash;
    const parent = parents[hash] ?? DEFAULT_BRANCH_NAME.exec(run.experimentName)?.[1] ?? "";
    const own = checkpoints.filter((c) => c.runHash === hash).sort((a, b) => Number(a.step - b.step));
    nodes.set(hash, { run, parent, checkpoints: own, children: [] });
  }
  const roots: RunNode[] = [];
  for (const node of nodes.values()) {
    const above = nodes.get(parentHash(node.parent));
    if (above && above !== node && !descendsFrom(above, node, nodes)) above.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The run part of `<hash>@<step>`. */
export function parentHash(parentId: string): string {
  const at = parentId.lastIndexOf("@");
  return at < 0 ? parentId : parentId.slice(0, at);
}

/** Guards against a cycle in hand-edited run notes: `node` must not be an ancestor of `candidate`'s parent chain. */
function descendsFrom(candidate: RunNode, node: RunNode, nodes: ReadonlyMap<string, RunNode>): boolean {
  const seen = new Set<RunNode>();
  for (let at: RunNode | undefined = candidate; at && !seen.has(at); at = nodes.get(parentHash(at.parent))) {
    if (at === node) return true;
    seen.add(at);
  }
  return false;
}

/** The list item of one run and, nested in it, of its branches. */
export function renderRun(node: RunNode, handlers: TreeHandlers): HTMLLIElement {
  const { run } = node;
  const item = document.createElement("li");
  item.className = "run-item";
  item.dataset.hash = run.experimentHash;
  item.dataset.current = String(run.isCurrent);
  if (node.parent) item.dataset.parent = node.parent;

  const head = document.createElement("button");
  head.type = "button";
  head.className = "run-head";
  head.title = `${run.experimentHash}\ncreated ${run.created}\nlast used ${run.lastUsed}`;
  head.append(
    span("run-name", run.experimentName),
    span("run-hash", shortHash(run.experimentHash)),
    span("run-latest", run.latestWeightStep >= 0 ? `latest @${run.latestWeightStep}` : "no checkpoint"),
  );
  if (node.parent) head.append(span("run-from", `from ${shortId(node.parent)}`));
  if (run.isCurrent) head.append(span("run-badge", "current"));
  head.addEventListener("click", () => handlers.selectRun(run.experimentHash));
  item.append(head);

  if (run.notes) item.append(span("run-notes", run.notes));
  if (node.checkpoints.length > 0) {
    const chips = document.createElement("div");
    chips.className = "run-checkpoints";
    const branchPoints = new Set(node.children.map((c) => c.parent));
    for (const checkpoint of node.checkpoints) chips.append(chip(checkpoint, branchPoints.has(checkpoint.id), handlers));
    item.append(chips);
  }
  if (node.children.length > 0) {
    const children = document.createElement("ul");
    children.className = "run-children";
    children.append(...node.children.map((child) => renderRun(child, handlers)));
    item.append(children);
  }
  return item;
}

function chip(checkpoint: CheckpointInfo, branched: boolean, handlers: TreeHandlers): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "checkpoint";
  button.dataset.id = checkpoint.id;
  button.dataset.step = String(checkpoint.step);
  button.classList.toggle("branched", branched);
  button.textContent = `@${checkpoint.step}`;
  button.title = `checkpoint ${checkpoint.id}\nsaved ${checkpoint.created}${branched ? "\na branch starts here" : ""}`;
  button.addEventListener("click", () => handlers.selectCheckpoint(checkpoint));
  return button;
}

/**
 * A run hash, short: its first 8 digits (as in the default run name) and its last 6 (a branch keeps
 * its parent's first 16 digits and differs only in the last 8).
 */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}

/** `<hash>@<step>` with the hash shortened. */
export function shortId(id: string): string {
  const hash = parentHash(id);
  return `${shortHash(hash)}${id.slice(hash.length)}`;
}

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}
