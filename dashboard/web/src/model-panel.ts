// The Model panel: the layer list, the chosen layer's weights (heatmap, histogram, one neuron), activations and neuron surgery.
import { TrainingStatus } from "./gen/trainscope/v1/metrics_pb";
import { byId, setText, showMessage, singleFlight } from "./dom";
import { NeuronActions } from "./model-actions";
import { ActivationMaps } from "./model-activations";
import { drawLegend, extentOf, rangeOf, rangeText, short } from "./model-colors";
import { drawHeatmap, drawNeuron, neuronAt, type HeatmapLayout, type LayerWeights } from "./model-heatmap";
import { drawHistogram } from "./model-histogram";
import { describeNeuron, isFrozen, layersKey, markLayer, renderLayers, toLayers, type Layer } from "./model-layers";
import { markNeurons, renderNeurons } from "./model-neurons";
import { failureReason, type ExperimentClient } from "./transport";

/** GetWeights and the layer list wait for a step boundary; the server gives up after 60 s and says so. */
const READ_TIMEOUT_MS = 70_000;
/** While steps arrive and the panel is open on screen, weights and activations are read at most this often. */
const LIVE_READ_MS = 5_000;
/** The layer list is read this often while open on screen anyway: another client may prune or add neurons. */
const LAYERS_READ_MS = 30_000;

export class ModelPanel {
  private readonly details = byId<HTMLDetailsElement>("model-details");
  private readonly layerRows = byId("model-layer-rows");
  private readonly title = byId("model-layer-title");
  private readonly heatmap = byId<HTMLCanvasElement>("model-heatmap");
  private readonly legend = byId<HTMLCanvasElement>("model-legend");
  private readonly legendRange = byId("model-legend-range");
  private readonly histogram = byId<HTMLCanvasElement>("model-histogram");
  private readonly histogramRange = byId("model-histogram-range");
  private readonly neuronBox = byId("model-neuron");
  private readonly neuronTitle = byId("model-neuron-title");
  private readonly neuronCanvas = byId<HTMLCanvasElement>("model-neuron-weights");
  private readonly neurons = byId("model-neurons");
  private readonly message = byId("model-message");
  private readonly actions: NeuronActions;
  private readonly activations: ActivationMaps;

  private layers: Layer[] = [];
  private shownLayers = "";
  private layerId: number | null = null;
  private readonly selected = new Set<number>();
  /** The neuron whose weights are shown large: the last one clicked. */
  private focus: number | null = null;
  private weights: LayerWeights | null = null;
  private layout: HeatmapLayout | null = null;
  private onScreen = false;
  private loaded = false;
  private readFailureShown = false;
  private liveTimer: number | undefined;
  private lastLiveRead = 0;
  private status = TrainingStatus.TRAINING_STATUS_UNSPECIFIED;

  /** `wrote` runs after each reply to a neuron operation, refused or not (both are audited). */
  constructor(private readonly client: ExperimentClient, private readonly wrote: () => void = () => {}) {
    const layer = (): { id: number; last: boolean } | null =>
      this.layerId === null ? null : { id: this.layerId, last: this.layers.at(-1)?.id === this.layerId };
    this.activations = new ActivationMaps(client, {
      layer,
      selected: () => this.selected,
      pick: (n, additive) => this.pick(n, additive),
    }, byId("model-activations"), {
      sample: byId<HTMLInputElement>("model-sample-id"),
      origin: byId<HTMLSelectElement>("model-sample-origin"),
      show: byId<HTMLButtonElement>("model-sample-show"),
      live: byId<HTMLButtonElement>("model-sample-live"),
      range: byId("model-activations-range"),
    });
    this.actions = new NeuronActions(client, {
      layer: () => this.layer(),
      selected: () => this.selected,
      answered: (reshaped) => this.answered(reshaped),
    });
    this.details.addEventListener("toggle", () => {
      if (this.details.open) void this.open();
    });
    this.heatmap.addEventListener("click", (e) => {
      const n = this.layout && this.weights ? neuronAt(this.heatmap, this.layout, this.weights.kernel, e.clientY) : -1;
      if (n >= 0) this.pick(n, e.ctrlKey || e.metaKey || e.shiftKey);
    });
    byId("model-refresh").addEventListener("click", () => this.refreshLayer());
    new IntersectionObserver((entries) => {
      this.onScreen = entries.some((e) => e.isIntersecting);
    }).observe(byId("model-panel"));
    window.setInterval(() => {
      if (this.visible()) this.readLayers();
    }, LAYERS_READ_MS);
  }

  /** The first sample of the batch being trained now, for "Live sample" and the first activations shown. */
  offerLiveSample(sampleId: string | undefined): void {
    if (sampleId) this.activations.offerLiveSample(sampleId);
  }

  /** A step was trained: while the panel is open on screen, weights and activations are read again every few seconds. */
  stepped(): void {
    if (this.liveTimer !== undefined || !this.visible() || this.weights === null) return;
    const wait = Math.max(0, this.lastLiveRead + LIVE_READ_MS - Date.now());
    this.liveTimer = window.setTimeout(() => {
      this.liveTimer = undefined;
      this.lastLiveRead = Date.now();
      if (this.visible()) this.refreshLayer();
    }, wait);
  }

  /** A restore (which pauses) changes the weights without a step going forward: read them again. */
  setStatus(status: TrainingStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.reset();
  }

  /** A restart of the server: everything shown may belong to another model. */
  reset(): void {
    if (!this.details.open) return;
    this.readLayers();
    this.refreshLayer();
  }

  private visible(): boolean {
    return this.details.open && this.onScreen && document.visibilityState === "visible";
  }

  private async open(): Promise<void> {
    this.readLayers();
    if (!this.loaded) {
      this.loaded = true;
      await this.activations.load();
    }
  }

  private layer(): Layer | null {
    return this.layers.find((l) => l.id === this.layerId) ?? null;
  }

  private refreshLayer(): void {
    this.readWeights();
    void this.activations.read();
  }

  /** Reads the layer list (and each neuron's state); calls during a read fold into one more. */
  private readonly readLayers = singleFlight(async () => {
    try {
      const reply = await this.client.experimentCommand({ getInteractiveLayers: true }, { timeoutMs: READ_TIMEOUT_MS });
      if (!reply.success) {
        this.readFailed(`Reading the layers was refused: ${reply.message || "no reason given"}`);
        return;
      }
      this.showLayers(toLayers(reply.layerRepresentations));
      this.readSucceeded();
    } catch (err) {
      this.readFailed(`Reading the layers failed: ${failureReason(err)}`);
    }
  });

  private showLayers(layers: Layer[]): void {
    const before = this.layer();
    this.layers = layers;
    const key = layersKey(layers);
    if (key !== this.shownLayers) {
      this.shownLayers = key;
      renderLayers(this.layerRows, layers, (id) => this.pickLayer(id));
    }
    const now = this.layer();
    if (!now) { // the first read, or the chosen layer is gone: the first convolution is the usual start
      const first = layers.find((l) => l.kernel !== undefined) ?? layers[0];
      if (first) this.pickLayer(first.id);
      return;
    }
    markLayer(this.layerRows, this.layerId);
    if (before?.neurons !== now.neurons || before.incoming !== now.incoming) {
      for (const n of [...this.selected]) if (n >= now.neurons) this.selected.delete(n);
      renderNeurons(this.neurons, now, this.selected, (n, additive) => this.pick(n, additive));
      this.refreshLayer();
    } else {
      markNeurons(this.neurons, now, this.selected);
      this.redraw();
    }
    this.actions.sync();
  }

  private pickLayer(id: number): void {
    if (id === this.layerId && this.weights?.layerId === id) return; // already shown; Refresh reads it again
    this.layerId = id;
    this.selected.clear();
    this.focus = null;
    this.weights = null;
    this.layout = null;
    this.heatmap.width = this.heatmap.height = 0; // until its weights arrive, nothing of another layer is shown
    delete this.heatmap.dataset.layer;
    setText(this.title, `Layer ${id} · reading its weights…`);
    markLayer(this.layerRows, id);
    renderNeurons(this.neurons, this.layer(), this.selected, (n, additive) => this.pick(n, additive));
    this.actions.sync();
    this.neuronBox.hidden = true;
    this.refreshLayer();
  }

  /** Selects neuron `n` alone, or adds it to (removes it from) the selection. */
  private pick(n: number, additive: boolean): void {
    if (additive && this.selected.has(n)) {
      this.selected.delete(n);
    } else {
      if (!additive) this.selected.clear();
      this.selected.add(n);
    }
    this.focus = this.selected.has(n) ? n : ([...this.selected].at(-1) ?? null);
    markNeurons(this.neurons, this.layer(), this.selected);
    this.activations.markSelected();
    this.actions.sync();
    this.redraw();
  }

  /** Reads the whole layer's weights (neuron id -1); calls during a read fold into one more. */
  private readonly readWeights = singleFlight(async () => {
    const layer = this.layer();
    if (!layer) return;
    try {
      const reply = await this.client.getWeights({ neuronId: { layerId: layer.id, neuronId: -1 } },
        { timeoutMs: READ_TIMEOUT_MS });
      if (layer.id !== this.layerId) return; // another layer was picked meanwhile
      if (!reply.success) {
        this.readFailed(`Reading the weights of layer ${layer.id} was refused: ${reply.errorMessage || "no reason given"}`);
        return;
      }
      const values = reply.weights;
      const neurons = reply.outgoing;
      let kernel = reply.kernelSize ?? 1;
      let incoming = reply.incoming;
      if (neurons * incoming * kernel * kernel !== values.length) { // a shape we do not know: one flat row per neuron
        kernel = 1;
        incoming = neurons > 0 ? Math.floor(values.length / neurons) : 0;
      }
      this.weights = { layerId: layer.id, neurons, incoming, kernel, values, extent: extentOf(values) };
      this.readSucceeded();
      this.redraw();
      if (neurons !== layer.neurons || reply.incoming !== layer.incoming) this.readLayers(); // reshaped elsewhere
    } catch (err) {
      this.readFailed(`Reading the weights of layer ${layer.id} failed: ${failureReason(err)}`);
    }
  });

  /** Draws the heatmap, legend, histogram and the focused neuron from the weights last read. */
  private redraw(): void {
    const w = this.weights;
    const layer = this.layer();
    if (!w || !layer) return;
    for (const n of [...this.selected]) if (n >= w.neurons) this.selected.delete(n);
    this.layout = drawHeatmap(this.heatmap, w, this.selected, (n) => isFrozen(layer, n));
    drawLegend(this.legend, w.extent);
    setText(this.legendRange, rangeText(w.extent, w.values));
    drawHistogram(this.histogram, this.histogramRange, w.values, w.extent);
    const shape = w.kernel > 1 ? `${w.incoming}→${w.neurons}, ${w.kernel}×${w.kernel}` : `${w.incoming}→${w.neurons}`;
    const grouped = this.layout.group > 1 ? ` · a column is the strongest of ${this.layout.group} inputs` : "";
    setText(this.title, `Layer ${layer.id} · ${layer.name} · ${layer.type} ${shape} · ${w.values.length.toLocaleString()} weights${grouped}`);
    this.showNeuron(w, layer);
  }

  private showNeuron(w: LayerWeights, layer: Layer): void {
    const n = this.focus;
    if (n === null || n >= w.neurons) {
      this.neuronBox.hidden = true;
      return;
    }
    this.neuronBox.hidden = false;
    drawNeuron(this.neuronCanvas, w, n);
    const size = w.incoming * w.kernel * w.kernel;
    const own = w.values.slice(n * size, (n + 1) * size);
    const { min, max } = rangeOf(own);
    const norm = Math.sqrt(own.reduce((sum, v) => sum + v * v, 0));
    setText(this.neuronTitle, `neuron ${n} · ${describeNeuron(layer, n)} · ${size} weights · min ${short(min)}`
      + ` · max ${short(max)} · ‖w‖ ${short(norm)}`);
    this.neuronBox.dataset.neuron = String(n);
    this.neuronBox.dataset.frozen = layer.stats ? String(isFrozen(layer, n)) : "unknown";
  }

  /** After a neuron operation: its effect (or nothing, if refused) shows in the layer list, weights and activations. */
  private answered(reshaped: boolean): void {
    this.readFailureShown = false; // the reply stays on screen until something else goes wrong
    if (reshaped) { // indices may have moved; the layer list's new counts redraw the chips and read the weights
      this.selected.clear();
      this.focus = null;
    } else {
      this.refreshLayer();
    }
    this.readLayers();
    this.wrote();
  }

  private readFailed(text: string): void {
    this.readFailureShown = true;
    showMessage(this.message, text, "error");
  }

  private readSucceeded(): void {
    if (this.readFailureShown) showMessage(this.message, "", "ok");
    this.readFailureShown = false;
  }
}
