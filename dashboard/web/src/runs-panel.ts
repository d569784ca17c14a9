// Runs panel: the run's branches and their checkpoints; save, restore (full or weights only), rename and notes.
import type { ExperimentRunInfo } from "./gen/experiment_service_pb";
import type { CheckpointInfo, ListCheckpointsResponse } from "./gen/trainscope/v1/runs_pb";
import { TrainingStatus } from "./gen/trainscope/v1/metrics_pb";
import { byId, onEnter, setText, showMessage, singleFlight, type MessageKind } from "./dom";
import { buildTree, renderRun, shortHash, shortId } from "./runs-tree";
import { failureReason, type ExperimentClient, type RunClient } from "./transport";

const READ_TIMEOUT_MS = 10_000;
/** Save and restore answer at a step boundary; the server gives up after 60 s and says so. */
const ACTION_TIMEOUT_MS = 70_000;
/** While steps arrive (periodic checkpoints may appear), read at most this often. */
const STEPS_READ_MS = 3_000;
/** While the panel is on screen, read this often anyway: a checkpoint written after the last step has no event. */
const VISIBLE_READ_MS = 10_000;
const TERMINAL = new Set([TrainingStatus.COMPLETED, TrainingStatus.FAILED, TrainingStatus.STOPPED]);

export class RunsPanel {
  private readonly section = byId("runs-panel");
  private readonly list = byId<HTMLUListElement>("runs-list");
  private readonly message = byId("runs-message");
  private readonly save = byId<HTMLButtonElement>("runs-save");
  private readonly checkpointLabel = byId("runs-checkpoint");
  private readonly restoreFull = byId<HTMLButtonElement>("runs-restore");
  private readonly restoreWeights = byId<HTMLButtonElement>("runs-restore-weights");
  private readonly selectedLabel = byId("runs-selected");
  private readonly nameInput = byId<HTMLInputElement>("runs-name");
  private readonly renameButton = byId<HTMLButtonElement>("runs-rename");
  private readonly notesInput = byId<HTMLTextAreaElement>("runs-notes");
  private readonly notesButton = byId<HTMLButtonElement>("runs-notes-save");

  private runs: readonly ExperimentRunInfo[] = [];
  private shown = "";
  private currentHash = "";
  /** The run the name and notes fields edit; follows the current run until a person picks another. */
  private selectedHash = "";
  private pickedByHand = false;
  private checkpoint: CheckpointInfo | null = null;
  /** The server's name and notes as last put in the fields, so a read does not overwrite a person's typing. */
  private filled = { hash: "", name: "", notes: "" };
  private status = TrainingStatus.TRAINING_STATUS_UNSPECIFIED;
  private busy = false;
  private readFailureShown = false;
  private lastStepRead = 0;
  private stepTimer: number | undefined;
  private onScreen = false;

  /**
   * `wrote` runs after each reply to an action of this panel, refused or not (both are audited);
   * `listed` gets each ListCheckpoints reply, for the curves' checkpoint and branch marks.
   */
  constructor(
    private readonly experiments: ExperimentClient,
    private readonly runClient: RunClient,
    private readonly wrote: () => void = () => {},
    private readonly listed: (reply: ListCheckpointsResponse) => void = () => {},
  ) {
    this.save.addEventListener("click", () => void this.saveCheckpoint());
    this.restoreFull.addEventListener("click", () => void this.restore(false));
    this.restoreWeights.addEventListener("click", () => void this.restore(true));
    this.renameButton.addEventListener("click", () => void this.rename());
    onEnter(this.nameInput, () => void this.rename());
    this.notesButton.addEventListener("click", () => void this.saveNotes());
    new IntersectionObserver((entries) => {
      this.onScreen = entries.some((e) => e.isIntersecting);
      if (this.onScreen) this.refresh();
    }).observe(this.section);
    window.setInterval(() => {
      if (this.onScreen && document.visibilityState === "visible") this.refresh();
    }, VISIBLE_READ_MS);
    this.syncButtons();
  }

  /** Reads runs and checkpoints again (calls during a read fold into one more). */
  readonly refresh = singleFlight(() => this.read());

  /** The run's status, for the buttons (the feed's status updates read the runs again: see main.ts). */
  setStatus(status: TrainingStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.syncButtons();
  }

  /** A step was trained: periodic checkpoints may have been written; reads at most every few seconds. */
  stepped(): void {
    if (this.stepTimer !== undefined) return;
    const wait = Math.max(0, this.lastStepRead + STEPS_READ_MS - Date.now());
    this.stepTimer = window.setTimeout(() => {
      this.stepTimer = undefined;
      this.lastStepRead = Date.now();
      this.refresh();
    }, wait);
  }

  private async read(): Promise<void> {
    try {
      const [runs, checkpoints] = await Promise.all([
        this.experiments.listExperimentRuns({}, { timeoutMs: READ_TIMEOUT_MS }),
        this.runClient.listCheckpoints({}, { timeoutMs: READ_TIMEOUT_MS }),
      ]);
      this.render(runs.runs, checkpoints.checkpoints, checkpoints.parents);
      this.listed(checkpoints);
      if (this.readFailureShown) this.show("", "ok");
      this.readFailureShown = false;
    } catch (err) {
      this.show(`Reading the runs failed: ${failureReason(err)}`, "error");
      this.readFailureShown = true;
    }
  }

  private render(runs: readonly ExperimentRunInfo[], checkpoints: readonly CheckpointInfo[],
    parents: Readonly<Record<string, string>>): void {
    this.runs = runs;
    const current = runs.find((r) => r.isCurrent)?.experimentHash ?? "";
    if (current !== this.currentHash) { // a new branch: edit it unless a person picked another run
      this.currentHash = current;
      if (!this.pickedByHand || !runs.some((r) => r.experimentHash === this.selectedHash)) this.selectedHash = current;
    }
    if (this.checkpoint && !checkpoints.some((c) => c.id === this.checkpoint?.id)) this.checkpoint = null;
    const shown = JSON.stringify([runs.map((r) => [r.experimentHash, r.experimentName, r.notes, r.latestWeightStep,
      r.isCurrent]), checkpoints.map((c) => c.id), parents]);
    if (shown !== this.shown) {
      this.shown = shown;
      const handlers = {
        selectRun: (hash: string) => this.selectRun(hash),
        selectCheckpoint: (c: CheckpointInfo) => this.selectCheckpoint(c),
      };
      const items = buildTree(runs, checkpoints, parents).map((node) => renderRun(node, handlers));
      if (items.length === 0) {
        const empty = document.createElement("li");
        empty.className = "runs-empty";
        empty.textContent = "no runs yet";
        items.push(empty);
      }
      this.list.replaceChildren(...items);
    }
    this.syncSelection();
  }

  private selectRun(hash: string): void {
    this.selectedHash = hash;
    this.pickedByHand = true;
    if (this.checkpoint && this.checkpoint.runHash !== hash) this.checkpoint = null;
    this.syncSelection();
  }

  private selectCheckpoint(checkpoint: CheckpointInfo): void {
    this.checkpoint = checkpoint;
    this.selectedHash = checkpoint.runHash;
    this.pickedByHand = true;
    this.syncSelection();
  }

  /** Marks the selection in the tree and fills the name and notes fields for the selected run. */
  private syncSelection(): void {
    for (const item of this.list.querySelectorAll<HTMLElement>(".run-item")) {
      item.dataset.selected = String(item.dataset.hash === this.selectedHash);
    }
    for (const chip of this.list.querySelectorAll<HTMLElement>(".checkpoint")) {
      chip.dataset.selected = String(chip.dataset.id === this.checkpoint?.id);
    }
    const run = this.runs.find((r) => r.experimentHash === this.selectedHash);
    setText(this.selectedLabel, run ? `${run.experimentName} (${shortHash(run.experimentHash)})` : "no run selected");
    const fresh = this.filled.hash !== this.selectedHash;
    const name = run?.experimentName ?? "";
    const notes = run?.notes ?? "";
    if (fresh || this.nameInput.value === this.filled.name) this.nameInput.value = name;
    if (fresh || this.notesInput.value === this.filled.notes) this.notesInput.value = notes;
    this.filled = { hash: this.selectedHash, name, notes };
    setText(this.checkpointLabel, this.checkpoint ? `checkpoint ${shortId(this.checkpoint.id)}` : "pick a checkpoint");
    this.checkpointLabel.title = this.checkpoint?.id ?? "";
    this.syncButtons();
  }

  private syncButtons(): void {
    const ended = TERMINAL.has(this.status);
    this.save.disabled = this.busy || ended;
    this.restoreFull.disabled = this.restoreWeights.disabled = this.busy || ended || this.checkpoint === null;
    const noRun = !this.runs.some((r) => r.experimentHash === this.selectedHash);
    this.renameButton.disabled = this.notesButton.disabled = noRun;
  }

  private async saveCheckpoint(): Promise<void> {
    await this.act("Saving a checkpoint", () => this.experiments.experimentCommand({ saveCheckpointOperation: {} },
      { timeoutMs: ACTION_TIMEOUT_MS }));
  }

  /** Full: `<hash>@@step=N` (the loop goes back to step N); weights only: `<hash>@@weights_step=N`. */
  private async restore(weightsOnly: boolean): Promise<void> {
    const checkpoint = this.checkpoint;
    if (!checkpoint) return;
    const reference = `${checkpoint.runHash}@@${weightsOnly ? "weights_step" : "step"}=${checkpoint.step}`;
    const restored = await this.act(`Restoring ${weightsOnly ? "the weights of " : ""}${shortId(checkpoint.id)}`,
      () => this.experiments.restoreCheckpoint({ experimentHash: reference }, { timeoutMs: ACTION_TIMEOUT_MS }));
    if (restored) this.pickedByHand = false; // the fields now edit the new branch
  }

  private async rename(): Promise<void> {
    const hash = this.selectedHash;
    const name = this.nameInput.value.trim();
    if (!name) {
      this.show("Enter a name for the run", "error");
      return;
    }
    await this.act("Renaming", () => this.experiments.renameExperimentRun({ experimentHash: hash, newName: name },
      { timeoutMs: READ_TIMEOUT_MS }));
  }

  private async saveNotes(): Promise<void> {
    const hash = this.selectedHash;
    const notes = this.notesInput.value;
    await this.act("Saving notes", () => this.experiments.setExperimentRunNotes({ experimentHash: hash, notes },
      { timeoutMs: READ_TIMEOUT_MS }));
  }

  /** Sends one action, shows the server's reply (its message names what happened) and reads the runs again; true if it worked. */
  private async act(what: string, send: () => Promise<{ success: boolean; message: string }>): Promise<boolean> {
    this.show(`${what}…`, "pending");
    this.busy = true;
    this.syncButtons();
    try {
      const reply = await send();
      this.show(reply.message || (reply.success ? `${what}: done` : `${what}: refused, no reason given`),
        reply.success ? "ok" : "error");
      this.wrote();
      return reply.success;
    } catch (err) {
      this.show(`${what} failed: ${failureReason(err)}`, "error");
      return false;
    } finally {
      this.busy = false;
      this.syncButtons();
      this.refresh();
    }
  }

  private show(text: string, kind: MessageKind): void {
    if (kind !== "error") this.readFailureShown = false;
    showMessage(this.message, text, kind);
  }
}
