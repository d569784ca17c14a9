// The samples behind a point of the loss curve: GetStepSamples lists what the picked step drew with each
// sample's loss (their mean is the point), shown highest loss first; the batch opens in the data grid (a batch
// of more than 256 samples opens its 256 highest-loss ones, as the button says).
import { bytesUrl } from "./data-rows";
import { byId, fixed, showMessage } from "./dom";
import { className } from "./labels";
import { clientIdHeaders, failureReason, type ExperimentClient } from "./transport";

const LOSS_SIGNAL = "train/loss";
const SHOWN = 12;
const THUMBNAIL_PX = 48;
const READ_TIMEOUT_MS = 15_000;
/** The query language takes lists of at most 256 items (and 4,000 characters, so the limit cannot simply be lifted). */
const MAX_IDS_IN_QUERY = 256;
const OPEN_LABEL = "Show in data grid";

interface StepSample {
  readonly id: string;
  readonly loss: number;
}

export class StepSamples {
  private readonly root = byId("step-samples");
  private readonly title = byId("step-samples-title");
  private readonly tiles = byId("step-samples-tiles");
  private readonly openButton = byId<HTMLButtonElement>("step-samples-open");
  private readonly message = byId("step-samples-message");
  private urls: string[] = [];
  private ids: string[] = [];
  /** Counts picks, so a slow reply for an earlier step is dropped. */
  private picked = 0;

  constructor(private readonly client: ExperimentClient, openInGrid: (query: string) => void) {
    this.openButton.addEventListener("click", () => {
      if (this.ids.length) openInGrid(`origin == 'train' and sample_id in [${this.ids.join(", ")}] sortby loss desc`);
    });
  }

  /** Reads and shows the samples of {@code step}. */
  async show(step: number): Promise<void> {
    const token = ++this.picked;
    this.root.hidden = false;
    this.root.dataset.step = String(step);
    this.title.textContent = `Step ${step}: reading its samples…`;
    try {
      const reply = await this.client.getStepSamples(
        { metricName: LOSS_SIGNAL, modelAge: step, maxSamples: 0 },
        { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
      );
      if (token !== this.picked) return;
      if (!reply.success) {
        this.clear(`Step ${step}`);
        showMessage(this.message, reply.message, "error");
        return;
      }
      const samples = reply.sampleIds.map((id, i) => ({ id, loss: reply.sampleValues[i] ?? NaN }))
        .sort((a, b) => b.loss - a.loss);
      this.ids = samples.slice(0, MAX_IDS_IN_QUERY).map((s) => s.id);
      this.openButton.disabled = samples.length === 0;
      this.openButton.textContent = samples.length > MAX_IDS_IN_QUERY
        ? `Show first ${MAX_IDS_IN_QUERY} of ${samples.length} in data grid`
        : OPEN_LABEL;
      this.title.textContent = samples.length
        ? `Step ${step}: ${samples.length} samples, highest loss first`
        : `Step ${step}: ${reply.message}`;
      showMessage(this.message, samples.length > MAX_IDS_IN_QUERY
        ? `A query lists at most ${MAX_IDS_IN_QUERY} ids: the data grid gets the ${MAX_IDS_IN_QUERY} with the highest loss.`
        : "", "ok");
      await this.drawTiles(samples.slice(0, SHOWN), token);
    } catch (err) {
      if (token !== this.picked) return;
      this.clear(`Step ${step}`);
      showMessage(this.message, `Reading the step's samples failed: ${failureReason(err)}`, "error");
    }
  }

  private async drawTiles(samples: readonly StepSample[], token: number): Promise<void> {
    const images = await this.client.getSamples(
      { sampleIds: samples.map((s) => s.id), origin: "train", resizeWidth: THUMBNAIL_PX, resizeHeight: THUMBNAIL_PX },
      { headers: clientIdHeaders(), timeoutMs: READ_TIMEOUT_MS },
    );
    if (token !== this.picked) return;
    const byId = new Map(images.samples.map((s) => [s.sampleId ?? "", s]));
    this.releaseImages();
    this.tiles.replaceChildren(...samples.map((sample) => {
      const found = byId.get(sample.id);
      const figure = document.createElement("figure");
      figure.className = "tile step-sample";
      figure.dataset.sampleId = sample.id;
      const img = document.createElement("img");
      img.alt = `sample ${sample.id}`;
      if (found?.data?.length) {
        const url = bytesUrl(found.data);
        this.urls.push(url);
        img.src = url;
      }
      const caption = document.createElement("figcaption");
      const label = found?.label !== undefined ? className(found.label) : "?";
      caption.textContent = `#${sample.id} · ${label} · loss ${fixed(sample.loss, 3)}`;
      figure.append(img, caption);
      return figure;
    }));
  }

  private clear(title: string): void {
    this.ids = [];
    this.openButton.disabled = true;
    this.openButton.textContent = OPEN_LABEL;
    this.title.textContent = title;
    this.releaseImages();
    this.tiles.replaceChildren();
  }

  private releaseImages(): void {
    this.urls.forEach((url) => URL.revokeObjectURL(url));
    this.urls = [];
  }
}
