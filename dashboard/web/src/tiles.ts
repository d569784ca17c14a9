// The batch grid: 16 tiles (image, prediction, truth), rendered once per animation frame, latest wins.
import type { BatchData, ImageData, Prediction } from "./gen/trainscope/v1/metrics_pb";
import { className } from "./labels";

const TILE_COUNT = 16;
/** Images at most this wide are upscaled with hard pixels (MNIST-like). */
const SMALL_IMAGE_PX = 64;

interface Tile {
  root: HTMLElement;
  img: HTMLImageElement;
  pred: HTMLElement;
  truth: HTMLElement;
  url: string | null;
}

export class Tiles {
  private readonly tiles: Tile[] = [];
  private latest: BatchData | null = null;
  private frameRequested = false;

  constructor(private readonly grid: HTMLElement) {
    grid.replaceChildren();
    for (let i = 0; i < TILE_COUNT; i++) this.tiles.push(this.createTile(i));
  }

  /** Queues a batch for the next animation frame; a newer batch replaces an unrendered one. */
  show(batch: BatchData): void {
    this.latest = batch;
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frameRequested = false;
    const batch = this.latest;
    this.latest = null;
    if (!batch) return;
    this.tiles.forEach((tile, i) =>
      fillTile(tile, batch.images[i], batch.predictions[i], batch.groundTruth[i], batch.sampleIds[i]),
    );
    this.grid.dataset.step = batch.globalStep.toString();
    this.grid.dataset.epoch = String(batch.epoch);
    this.grid.dataset.batch = String(batch.batchIdx);
  }

  private createTile(index: number): Tile {
    const root = document.createElement("figure");
    root.className = "tile empty";
    root.dataset.index = String(index);
    const img = document.createElement("img");
    img.alt = "";
    img.decoding = "async";
    const caption = document.createElement("figcaption");
    const pred = document.createElement("span");
    pred.className = "pred";
    const truth = document.createElement("span");
    truth.className = "truth";
    caption.append(pred, truth);
    root.append(img, caption);
    this.grid.append(root);
    return { root, img, pred, truth, url: null };
  }
}

function fillTile(
  tile: Tile,
  image: ImageData | undefined,
  prediction: Prediction | undefined,
  truth: number | undefined,
  sampleId: string | undefined,
): void {
  const old = tile.url;
  tile.url = image && image.data.length > 0 ? imageUrl(image) : null;
  if (tile.url) tile.img.src = tile.url;
  else tile.img.removeAttribute("src");
  if (old) URL.revokeObjectURL(old); // the decoded old picture stays until the new one loads

  tile.img.classList.toggle("small", !!image && image.width > 0 && image.width <= SMALL_IMAGE_PX);
  tile.pred.textContent = prediction
    ? `${className(prediction.predictedClass)} ${(prediction.confidence * 100).toFixed(0)}%`
    : "";
  tile.truth.textContent = truth === undefined ? "" : className(truth);
  tile.img.alt = truth === undefined ? "" : className(truth);
  tile.root.title = sampleId || image?.sampleId || "";

  const known = prediction !== undefined && truth !== undefined;
  const correct = known && prediction.predictedClass === truth;
  tile.root.classList.toggle("empty", !image);
  tile.root.classList.toggle("correct", known && correct);
  tile.root.classList.toggle("wrong", known && !correct);
}

function imageUrl(image: ImageData): string {
  const format = image.format.toLowerCase();
  const type = format === "jpg" ? "image/jpeg" : `image/${format || "png"}`;
  // protobuf-es hands out views of an ordinary ArrayBuffer, never a SharedArrayBuffer.
  const bytes = image.data as Uint8Array<ArrayBuffer>;
  return URL.createObjectURL(new Blob([bytes], { type }));
}
