// The model's layers from get_interactive_layers, their neurons' frozen state, and the layer table.
import type { LayerRepresentation } from "./gen/experiment_service_pb";

/** What the server tells of one neuron. */
export interface NeuronInfo {
  /** Its learning rate is 0: training leaves its weights as they are. */
  readonly frozen: boolean;
  /** Training samples seen since it was created or last reinitialized. */
  readonly age: number | undefined;
  /** The fraction of measured training samples in which its output was positive. */
  readonly triggerRate: number | undefined;
}

/** One layer with neurons, as the panel uses it. */
export interface Layer {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly neurons: number;
  readonly incoming: number;
  readonly kernel: number | undefined;
  readonly stride: number | undefined;
  /** Neuron -> what the server tells of it; null when it sends no per-neuron statistics. */
  readonly stats: ReadonlyMap<number, NeuronInfo> | null;
}

export function toLayers(reps: readonly LayerRepresentation[]): Layer[] {
  return reps.map((r) => {
    const stats = r.neuronsStatistics.filter((s) => s.neuronId !== undefined && s.learningRate !== undefined);
    return {
      id: r.layerId ?? 0,
      name: r.layerName ?? "",
      type: r.layerType ?? "",
      neurons: r.neuronsCount ?? 0,
      incoming: r.incomingNeuronsCount ?? 0,
      kernel: r.kernelSize,
      stride: r.stride,
      stats: stats.length === 0 ? null : new Map(stats.map((s) => [s.neuronId?.neuronId ?? -1,
        { frozen: s.learningRate === 0, age: s.neuronAge, triggerRate: s.trainTriggerRate }])),
    };
  });
}

/** True if the neuron is known to be frozen. */
export function isFrozen(layer: Layer | undefined, neuron: number): boolean {
  return layer?.stats?.get(neuron)?.frozen === true;
}

/** "frozen · age 12,800 samples · positive in 43 % of them", or what is known of it. */
export function describeNeuron(layer: Layer, neuron: number): string {
  const info = layer.stats?.get(neuron);
  if (!info) return "state not reported";
  const parts = [info.frozen ? "frozen" : "trainable"];
  if (info.age !== undefined) parts.push(`age ${info.age.toLocaleString()} samples`);
  if (info.triggerRate !== undefined) parts.push(`positive in ${(info.triggerRate * 100).toFixed(0)} %`);
  return parts.join(" · ");
}

/** "3 / 32", or "–" when the server does not say. */
function frozenCount(layer: Layer): string {
  if (!layer.stats) return "–";
  let frozen = 0;
  for (const info of layer.stats.values()) if (info.frozen) frozen++;
  return `${frozen} / ${layer.neurons}`;
}

/** A value that says what the layers are, to skip redrawing the table when nothing changed. */
export function layersKey(layers: readonly Layer[]): string {
  return JSON.stringify(layers.map((l) => [l.id, l.name, l.type, l.neurons, l.incoming, l.kernel, l.stride, frozenCount(l)]));
}

/** One row per layer; a click on a row picks that layer. */
export function renderLayers(body: HTMLElement, layers: readonly Layer[], pick: (id: number) => void): void {
  if (layers.length === 0) {
    const row = document.createElement("tr");
    const cell = row.insertCell();
    cell.colSpan = 7;
    cell.className = "muted";
    cell.textContent = "no layers yet: the model is built when training starts";
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(...layers.map((l) => {
    const row = document.createElement("tr");
    row.dataset.layer = String(l.id);
    row.dataset.type = l.type;
    row.tabIndex = 0;
    const kernel = l.kernel === undefined ? "" : `${l.kernel}×${l.kernel}${l.stride && l.stride !== 1 ? ` /${l.stride}` : ""}`;
    for (const text of [String(l.id), l.name, l.type, String(l.incoming), String(l.neurons), kernel, frozenCount(l)]) {
      row.insertCell().textContent = text;
    }
    row.addEventListener("click", () => pick(l.id));
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter") pick(l.id);
    });
    return row;
  }));
}

/** Marks the chosen layer's row. */
export function markLayer(body: HTMLElement, id: number | null): void {
  for (const row of body.querySelectorAll<HTMLElement>("tr[data-layer]")) {
    row.classList.toggle("selected", row.dataset.layer === String(id));
  }
}
