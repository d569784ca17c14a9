// Neuron surgery over ManipulateWeights: freeze or unfreeze, reinitialize, prune the selected neurons, add neurons.
import { WeightOperationType } from "./gen/experiment_service_pb";
import { byId, showMessage, type MessageKind } from "./dom";
import { isFrozen, type Layer } from "./model-layers";
import { failureReason, type ExperimentClient } from "./transport";

/** Operations run on the training thread at a step boundary; the server gives up after 60 s and says so. */
const ACTION_TIMEOUT_MS = 70_000;

export interface ActionHost {
  layer(): Layer | null;
  selected(): ReadonlySet<number>;
  /** After every reply, refused or not: read the layer again; `reshaped` when neurons may have come or gone. */
  answered(reshaped: boolean): void;
}

export class NeuronActions {
  private readonly freeze = byId<HTMLButtonElement>("model-freeze");
  private readonly reinit = byId<HTMLButtonElement>("model-reinit");
  private readonly prune = byId<HTMLButtonElement>("model-prune");
  private readonly add = byId<HTMLButtonElement>("model-add");
  private readonly addCount = byId<HTMLInputElement>("model-add-count");
  private readonly selectedLabel = byId("model-selected");
  private readonly message = byId("model-message");
  private busy = false;

  constructor(private readonly client: ExperimentClient, private readonly host: ActionHost) {
    this.freeze.addEventListener("click", () => void this.toggleFrozen());
    this.reinit.addEventListener("click", () => void this.onSelected(WeightOperationType.REINITIALIZE, "Reinitializing"));
    this.prune.addEventListener("click", () => void this.onSelected(WeightOperationType.REMOVE_NEURONS, "Pruning"));
    this.add.addEventListener("click", () => void this.addNeurons());
    this.sync();
  }

  /** Button labels and states for the current layer and selection. */
  sync(): void {
    const layer = this.host.layer();
    const selected = [...this.host.selected()].sort((a, b) => a - b);
    const none = selected.length === 0;
    this.freeze.disabled = this.reinit.disabled = this.prune.disabled = this.busy || !layer || none;
    this.add.disabled = this.busy || !layer;
    this.freeze.textContent = !layer?.stats ? "Freeze / unfreeze"
      : !none && selected.every((n) => isFrozen(layer, n)) ? "Unfreeze" : "Freeze";
    const names = selected.length <= 8 ? selected.join(", ") : `${selected.slice(0, 8).join(", ")}, …`;
    this.selectedLabel.textContent = none ? "click a neuron (row) to select it; Ctrl/Shift adds more"
      : `${selected.length} selected: ${names}`;
  }

  /**
   * FREEZE switches each neuron it names between frozen and trainable: Freeze sends the selected neurons that
   * are trainable, Unfreeze (all selected are frozen) sends them all; without statistics, all are sent.
   */
  private async toggleFrozen(): Promise<void> {
    const layer = this.host.layer();
    if (!layer) return;
    const selected = [...this.host.selected()].sort((a, b) => a - b);
    const unfreeze = layer.stats !== null && selected.every((n) => isFrozen(layer, n));
    const targets = layer.stats === null || unfreeze ? selected : selected.filter((n) => !isFrozen(layer, n));
    await this.send(unfreeze ? "Unfreezing" : "Freezing", layer, WeightOperationType.FREEZE, targets, 0);
  }

  private async onSelected(op: WeightOperationType, what: string): Promise<void> {
    const layer = this.host.layer();
    if (!layer) return;
    await this.send(what, layer, op, [...this.host.selected()].sort((a, b) => a - b), 0);
  }

  private async addNeurons(): Promise<void> {
    const layer = this.host.layer();
    const count = Number(this.addCount.value);
    if (!layer) return;
    if (!Number.isInteger(count) || count < 1) {
      this.show("Enter how many neurons to add (a whole number from 1)", "error");
      return;
    }
    await this.send(`Adding ${count} neuron${count === 1 ? "" : "s"} to`, layer, WeightOperationType.ADD_NEURONS, [], count);
  }

  /** Sends one operation and shows the server's reply as it is: its message says what happened or why not. */
  private async send(what: string, layer: Layer, opType: WeightOperationType, neurons: readonly number[],
    neuronsToAdd: number): Promise<void> {
    const subject = neurons.length > 0 ? `neuron${neurons.length === 1 ? "" : "s"} ${neurons.join(", ")} of ` : "";
    const label = `${what} ${subject}layer ${layer.id}`;
    this.show(`${label}…`, "pending");
    this.busy = true;
    this.sync();
    try {
      const reply = await this.client.manipulateWeights({
        weightOperation: {
          opType,
          layerId: layer.id,
          neuronIds: neurons.map((neuronId) => ({ layerId: layer.id, neuronId })),
          neuronsToAdd,
        },
      }, { timeoutMs: ACTION_TIMEOUT_MS });
      this.show(reply.message || (reply.success ? `${label}: done` : `${label}: refused, no reason given`),
        reply.success ? "ok" : "error");
    } catch (err) {
      this.show(`${label} failed: ${failureReason(err)}`, "error");
    } finally {
      this.busy = false;
      this.sync();
      this.host.answered(opType === WeightOperationType.REMOVE_NEURONS || opType === WeightOperationType.ADD_NEURONS);
    }
  }

  private show(text: string, kind: MessageKind): void {
    showMessage(this.message, text, kind);
  }
}
