// The current branch's line of descent: its checkpoints and its ancestors' up to each fork, drawn as marks on the curves.
import uPlot from "uplot";
import type { ListCheckpointsResponse } from "./gen/trainscope/v1/runs_pb";
import { drawInPlot } from "./plot";
import { parentHash, shortId } from "./runs-tree";

/** A checkpoint whose weights the curve up to its step leads to. */
export interface CheckpointMark {
  readonly step: number;
  readonly id: string;
}

/** Where the current branch left its parent: `<hash>@<step>`. */
export interface Fork {
  readonly step: number;
  readonly from: string;
}

const CHECKPOINT_COLOR = "#5aa9ff";
const BRANCH_COLOR = "#c792ea";
/** Cursor distance (CSS px) within which a mark's description becomes the chart's tooltip. */
const HOVER_PX = 5;

/** One run on the current branch's line of descent, and the last step of it that line goes through. */
export interface Ancestor {
  readonly hash: string;
  /** Infinity for the current run itself. */
  readonly upTo: number;
}

/** Replaced as a whole by each ListCheckpoints reply; empty until the first. */
export class Lineage {
  runHash = "";
  checkpoints: readonly CheckpointMark[] = [];
  fork: Fork | null = null;
  /** The current run first, then the run it branched from, and so on. */
  ancestry: readonly Ancestor[] = [];

  /** True when the reply names another current run than the last one did. */
  update(reply: ListCheckpointsResponse): boolean {
    const current = reply.currentRunHash;
    const marks: CheckpointMark[] = [];
    const ancestry: Ancestor[] = [];
    const seen = new Set<string>();
    let upTo = Infinity; // an ancestor's checkpoints count only up to where its descendant left it
    for (let hash = current; hash && !seen.has(hash);) {
      seen.add(hash);
      ancestry.push({ hash, upTo });
      for (const c of reply.checkpoints) {
        if (c.runHash === hash && Number(c.step) <= upTo) marks.push({ step: Number(c.step), id: c.id });
      }
      const parent = reply.parents[hash] ?? "";
      const step = forkStep(parent);
      if (step === null) break;
      upTo = Math.min(upTo, step);
      hash = parentHash(parent);
    }
    const parent = reply.parents[current] ?? "";
    const step = forkStep(parent);
    const changed = current !== this.runHash;
    this.runHash = current;
    this.checkpoints = dedupeBySteps(marks);
    this.ancestry = ancestry;
    this.fork = step === null ? null : { step, from: parent };
    return changed;
  }
}

function forkStep(parent: string): number | null {
  const at = parent.lastIndexOf("@");
  const step = at < 0 ? NaN : Number(parent.slice(at + 1));
  return Number.isInteger(step) ? step : null;
}

/** The branch's own checkpoint at its fork step is the same point as its parent's: one mark. */
function dedupeBySteps(marks: readonly CheckpointMark[]): CheckpointMark[] {
  const byStep = new Map<number, CheckpointMark>();
  for (const m of marks) if (!byStep.has(m.step)) byStep.set(m.step, m);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** A uPlot plugin: a small triangle on the x axis at each checkpoint, a solid labelled line at the fork. */
export function lineagePlugin(lineage: Lineage): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => drawLineage(u, lineage),
      setCursor: (u) => {
        const left = u.cursor.left ?? -1;
        if (left < 0) return;
        const near = (step: number): boolean => Math.abs(u.valToPos(step, "x") - left) <= HOVER_PX;
        const lines = lineage.checkpoints.filter((c) => near(c.step)).map((c) => `checkpoint ${shortId(c.id)}`);
        if (lineage.fork && near(lineage.fork.step)) lines.push(`branch from ${shortId(lineage.fork.from)}`);
        if (lines.length === 0) return;
        const text = lines.join("\n");
        const title = u.over.title ? `${u.over.title}\n${text}` : text;
        if (u.over.title !== title) u.over.title = title;
      },
    },
  };
}

function drawLineage(u: uPlot, lineage: Lineage): void {
  const { checkpoints, fork } = lineage;
  if (checkpoints.length === 0 && !fork) return;
  drawInPlot(u, (ctx, { left, top, width, height, px }) => {
    const inside = (x: number): boolean => Number.isFinite(x) && x >= left - 0.5 && x <= left + width + 0.5;
    if (fork) {
      const x = Math.round(u.valToPos(fork.step, "x", true)) + 0.5;
      if (inside(x)) {
        ctx.strokeStyle = BRANCH_COLOR;
        ctx.fillStyle = BRANCH_COLOR;
        ctx.lineWidth = 1.5 * px;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        const label = `branch from @${fork.step}`;
        ctx.font = `${10 * px}px system-ui, sans-serif`;
        ctx.textAlign = "left";
        ctx.textBaseline = "bottom";
        const textWidth = ctx.measureText(label).width;
        const flip = x + 3 * px + textWidth > left + width;
        ctx.fillText(label, flip ? x - 3 * px - textWidth : x + 3 * px, top + height - 10 * px);
      }
    }
    const r = 4 * px;
    const base = top + height;
    ctx.fillStyle = CHECKPOINT_COLOR;
    for (const c of checkpoints) {
      const x = u.valToPos(c.step, "x", true);
      if (!inside(x)) continue;
      ctx.beginPath(); // pointing up from the axis at the checkpoint's step
      ctx.moveTo(x, base - 1.6 * r);
      ctx.lineTo(x + r, base);
      ctx.lineTo(x - r, base);
      ctx.closePath();
      ctx.fill();
    }
  });
}
