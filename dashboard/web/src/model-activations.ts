// Activation maps of the chosen layer for one sample: a small canvas per channel of a convolution, bars for a linear layer.
import type { ActivationMap } from "./gen/experiment_service_pb";
import { onEnter, setText } from "./dom";
import { className } from "./labels";
import { divergingCss, divergingRgb, extentOf, rangeText } from "./model-colors";
import { failureReason, type ExperimentClient } from "./transport";

/** GetActivations waits for a step boundary; the server gives up after 60 s and says so. */
const READ_TIMEOUT_MS = 70_000;
/** A channel map is drawn at least this wide on screen. */
const MAP_MIN_PX = 56;
const BARS_HEIGHT = 110;

/** What the panel around the maps provides. */
export interface ActivationHost {
  /** The layer to show, and whether it is the model's last (its neurons are the classes). */
  layer(): { id: number; last: boolean } | null;
  selected(): ReadonlySet<number>;
  /** A click on a channel's map or bar picks that neuron, as a click on its heatmap row does. */
  pick(neuron: number, additive: boolean): void;
}

export class ActivationMaps {
  private readonly sampleInput: HTMLInputElement;
  private readonly origin: HTMLSelectElement;
  private readonly range: HTMLElement;
  private liveSample = "";
  private request = 0;

  constructor(private readonly client: ExperimentClient, private readonly host: ActivationHost,
    private readonly box: HTMLElement, controls: { sample: HTMLInputElement; origin: HTMLSelectElement;
      show: HTMLButtonElement; live: HTMLButtonElement; range: HTMLElement }) {
    this.sampleInput = controls.sample;
    this.origin = controls.origin;
    this.range = controls.range;
    controls.show.addEventListener("click", () => void this.read());
    onEnter(this.sampleInput, () => void this.read());
    this.origin.addEventListener("change", () => void this.read());
    controls.live.addEventListener("click", () => {
      this.useLiveSample();
      void this.read();
    });
  }

  /** The first sample of the batch being trained now (origin train), offered by the live feed. */
  offerLiveSample(sampleId: string): void {
    this.liveSample = sampleId;
  }

  /** Fills the split list (the training's own splits if the server lists none) and a first sample. */
  async load(): Promise<void> {
    let names: readonly string[] = [];
    try {
      names = (await this.client.getDataSplits({}, { timeoutMs: 10_000 })).splitNames;
    } catch {
      // the fallback below still lets a person pick a split
    }
    const splits = names.length > 0 ? names : ["train", "test"];
    const chosen = this.origin.value;
    this.origin.replaceChildren(...splits.map((name) => new Option(name, name)));
    this.origin.value = splits.includes(chosen) ? chosen : splits.includes("train") ? "train" : (splits[0] ?? "");
    if (this.sampleInput.value === "") this.useLiveSample();
    await this.read(); // the layer may have been picked before the sample was known
  }

  private useLiveSample(): void {
    this.sampleInput.value = this.liveSample || "0";
    if ([...this.origin.options].some((o) => o.value === "train")) this.origin.value = "train";
  }

  /** Reads the chosen layer's output for the chosen sample and draws it; a newer read wins over an older one. */
  async read(): Promise<void> {
    const layer = this.host.layer();
    const sampleId = this.sampleInput.value.trim();
    if (!layer || sampleId === "") return;
    const origin = this.origin.value;
    const request = ++this.request;
    this.box.dataset.state = "loading";
    try {
      const reply = await this.client.getActivations({ layerId: layer.id, sampleId, origin }, { timeoutMs: READ_TIMEOUT_MS });
      if (request !== this.request) return;
      const maps = reply.activations;
      const values = maps.flatMap((m) => m.values);
      const extent = extentOf(values);
      const spatial = maps.some((m) => m.H * m.W > 1);
      this.box.replaceChildren(...(spatial ? this.channelMaps(maps, extent) : [this.bars(maps, extent, layer.last)]));
      setText(this.range, values.length > 0 ? rangeText(extent, values) : "");
      Object.assign(this.box.dataset, { state: "ready", layer: String(layer.id), sample: sampleId, origin,
        maps: String(maps.length), kind: spatial ? "maps" : "bars" });
    } catch (err) {
      if (request !== this.request) return;
      this.box.dataset.state = "failed";
      const note = document.createElement("p");
      note.className = "message error";
      note.textContent = `Activations of ${origin} sample ${sampleId} failed: ${failureReason(err)}`;
      this.box.replaceChildren(note);
      setText(this.range, "");
    }
  }

  /** Marks the selected neurons' maps or bars without reading again. */
  markSelected(): void {
    const selected = this.host.selected();
    for (const el of this.box.querySelectorAll<HTMLElement>("[data-neuron]")) {
      el.classList.toggle("selected", selected.has(Number(el.dataset.neuron)));
    }
  }

  private channelMaps(maps: readonly ActivationMap[], extent: number): HTMLElement[] {
    const selected = this.host.selected();
    return maps.map((m) => {
      const figure = document.createElement("figure");
      figure.className = "model-map";
      figure.dataset.neuron = String(m.neuronId);
      figure.classList.toggle("selected", selected.has(m.neuronId));
      const canvas = document.createElement("canvas");
      canvas.width = m.W;
      canvas.height = m.H;
      canvas.style.width = `${Math.max(MAP_MIN_PX, m.W)}px`;
      const ctx = canvas.getContext("2d");
      if (ctx && m.W > 0 && m.H > 0) {
        const image = ctx.createImageData(m.W, m.H);
        m.values.forEach((v, i) => {
          const [r, g, b] = divergingRgb(v, extent);
          image.data.set([r, g, b, 255], i * 4);
        });
        ctx.putImageData(image, 0, 0);
      }
      const caption = document.createElement("figcaption");
      caption.textContent = String(m.neuronId);
      figure.append(canvas, caption);
      figure.title = `neuron ${m.neuronId}: click to select (Ctrl/Shift adds)`;
      figure.addEventListener("click", (e) => this.host.pick(m.neuronId, e.ctrlKey || e.metaKey || e.shiftKey));
      return figure;
    });
  }

  /** One bar per neuron, up for positive and down for negative; the last layer's bars are named by class. */
  private bars(maps: readonly ActivationMap[], extent: number, last: boolean): HTMLElement {
    const wrap = document.createElement("div");
    wrap.className = "model-bars";
    const canvas = document.createElement("canvas");
    const barW = Math.max(2, Math.min(48, Math.floor(640 / Math.max(1, maps.length))));
    canvas.width = barW * maps.length;
    canvas.height = BARS_HEIGHT;
    const ctx = canvas.getContext("2d");
    const mid = BARS_HEIGHT / 2;
    const values = maps.map((m) => m.values[0] ?? 0);
    const winner = values.indexOf(Math.max(...values));
    if (ctx) {
      ctx.fillStyle = "rgba(255, 255, 255, 0.25)";
      ctx.fillRect(0, mid, canvas.width, 1);
      values.forEach((v, i) => {
        const h = extent > 0 ? Math.round((Math.abs(v) / extent) * (mid - 2)) : 0;
        ctx.fillStyle = divergingCss(v, extent);
        ctx.fillRect(i * barW, v >= 0 ? mid - h : mid + 1, Math.max(1, barW - 1), Math.max(1, h));
      });
    }
    canvas.addEventListener("click", (e) => {
      const rect = canvas.getBoundingClientRect();
      const i = Math.floor(((e.clientX - rect.left) * canvas.width) / rect.width / barW);
      const m = maps[i];
      if (m) this.host.pick(m.neuronId, e.ctrlKey || e.metaKey || e.shiftKey);
    });
    wrap.append(canvas);
    if (last && maps.length <= 32) { // the classes' scores: name each bar, the model's answer in bold
      const names = document.createElement("div");
      names.className = "model-bar-names";
      names.style.gridTemplateColumns = `repeat(${maps.length}, ${barW}px)`;
      maps.forEach((m, i) => {
        const name = document.createElement("span");
        name.textContent = className(m.neuronId);
        name.dataset.neuron = String(m.neuronId);
        name.classList.toggle("winner", i === winner);
        name.title = `${className(m.neuronId)}: ${values[i]}`;
        names.append(name);
      });
      wrap.append(names);
    }
    return wrap;
  }
}
