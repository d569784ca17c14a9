// The chosen layer's neurons as chips: each shows its state (frozen or trainable) and takes part in the selection.
import { describeNeuron, isFrozen, type Layer } from "./model-layers";

/** Beyond this many neurons the chips would drown the panel; the heatmap rows still select. */
const MAX_CHIPS = 512;

/** Draws one chip per neuron; a click picks it (Ctrl/Shift/Cmd adds to the selection). */
export function renderNeurons(box: HTMLElement, layer: Layer | null, selected: ReadonlySet<number>,
  pick: (neuron: number, additive: boolean) => void): void {
  if (!layer) {
    box.replaceChildren();
    return;
  }
  const count = Math.min(layer.neurons, MAX_CHIPS);
  const chips: HTMLElement[] = [];
  for (let n = 0; n < count; n++) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "neuron-chip";
    chip.dataset.neuron = String(n);
    chip.textContent = String(n);
    chip.addEventListener("click", (e) => pick(n, e.ctrlKey || e.metaKey || e.shiftKey));
    chips.push(chip);
  }
  if (layer.neurons > MAX_CHIPS) {
    const more = document.createElement("span");
    more.className = "muted";
    more.textContent = `and ${layer.neurons - MAX_CHIPS} more (select them on the heatmap)`;
    chips.push(more);
  }
  box.replaceChildren(...chips);
  markNeurons(box, layer, selected);
}

/** Updates each chip's selected and frozen marks without drawing the chips again. */
export function markNeurons(box: HTMLElement, layer: Layer | null, selected: ReadonlySet<number>): void {
  for (const chip of box.querySelectorAll<HTMLElement>(".neuron-chip")) {
    const n = Number(chip.dataset.neuron);
    chip.dataset.frozen = layer?.stats ? String(isFrozen(layer, n)) : "unknown";
    // A neuron never positive in the measured samples passes nothing on through the ReLU: a pruning candidate.
    chip.classList.toggle("silent", layer?.stats?.get(n)?.triggerRate === 0);
    chip.classList.toggle("selected", selected.has(n));
    chip.setAttribute("aria-pressed", String(selected.has(n)));
    chip.title = layer ? `neuron ${n}: ${describeNeuron(layer, n)}` : "";
  }
  box.dataset.layer = layer ? String(layer.id) : "";
}
