// Entry point: registers the session, then routes every Subscribe message to the views.
import "./style.css";
import { TrainingStatus, type MetricsResponse, type TrainingConfig } from "./gen/trainscope/v1/metrics_pb";
import { AuditLogPanel } from "./audit";
import { adoptUrlToken, requireToken } from "./auth";
import { Charts } from "./charts";
import { Controls } from "./controls";
import { DataPanel } from "./data-panel";
import { byId, singleFlight } from "./dom";
import { EpochTable } from "./epochs";
import { EvaluationPanel } from "./evaluate";
import { EvaluationPoints } from "./eval-points";
import { runFeed } from "./feed";
import * as header from "./header";
import { CurveHistory } from "./history";
import { HyperParameterPanel } from "./hyperparams";
import { Lineage } from "./lineage";
import { setBatchClassNames, setConfigClassNames } from "./labels";
import { ModelPanel } from "./model-panel";
import { NoteForm } from "./note-form";
import { StepSamples } from "./step-samples";
import { PointNotes } from "./notes";
import { RunsPanel } from "./runs-panel";
import { Tiles } from "./tiles";
import { createExperimentClient, createMetricsClient, createRunClient, createSampleClient, errorText, isUnauthenticated } from "./transport";
import { CurveZoom } from "./zoom";

adoptUrlToken();
const client = createMetricsClient();
const experimentClient = createExperimentClient();
const tiles = new Tiles(byId("tiles"));
const lineage = new Lineage();
const curveHistory = new CurveHistory(experimentClient, lineage);
const notes = new PointNotes();
const evaluationPoints = new EvaluationPoints(experimentClient);
const charts = new Charts(byId("loss-chart"), byId("accuracy-chart"), notes, {
  select: (range) => void zoom.show(range),
  unzoom: () => zoom.live(),
  pick: (step) => {
    noteForm.pick(step);
    void stepSamples.show(step);
  },
}, lineage, evaluationPoints);
const zoom = new CurveZoom(charts, curveHistory);
const epochs = new EpochTable(byId<HTMLTableElement>("epochs"));
const audit = new AuditLogPanel(client);
const noteForm = new NoteForm(experimentClient, curveHistory, notes, {
  notesChanged: () => charts.notesChanged(),
  wrote: () => audit.refresh(),
});
const controls = new Controls(client, () => audit.refresh());
const hyperParameters = new HyperParameterPanel(experimentClient, () => audit.refresh());
const dataPanel = new DataPanel(experimentClient, createSampleClient());
const stepSamples = new StepSamples(experimentClient, (query) => dataPanel.show(query));
const modelPanel = new ModelPanel(experimentClient, () => audit.refresh());
const evaluationPanel = new EvaluationPanel(experimentClient, {
  done: () => readEvaluationPoints(), // the data panel's Refresh shows the evaluated samples' new loss and prediction
  wrote: () => audit.refresh(),
});

/** The run's evaluation markers onto the curves (calls during a read fold into one more). */
const readEvaluationPoints = singleFlight(async () => {
  try {
    await evaluationPoints.read(await curveHistory.runHash());
    charts.evaluationsChanged();
  } catch (err) {
    console.warn("trainscope: reading the evaluation points failed:", errorText(err));
  }
});
const runsPanel = new RunsPanel(experimentClient, createRunClient(), () => audit.refresh(), (checkpoints) => {
  const runChanged = lineage.update(checkpoints);
  charts.lineageChanged();
  if (runChanged) { // a restore or a restart: the curves' history and evaluations are another run's
    curveHistory.forget();
    readEvaluationPoints();
    modelPanel.reset(); // and the weights are the checkpoint's
  }
});
/** The last live step; a step not after it means a restore took the run back, onto a new branch. */
let lastScalarStep = -1;

function applyStatus(status: TrainingStatus): void {
  if (status === TrainingStatus.TRAINING_STATUS_UNSPECIFIED) return;
  header.showStatus(status);
  controls.setStatus(status);
  hyperParameters.setStatus(status);
  runsPanel.setStatus(status);
  modelPanel.setStatus(status);
}

function applyConfig(config: TrainingConfig): void {
  setConfigClassNames(config.classNames);
  header.showConfig(config);
  controls.setConfig(config);
}

function dispatch(msg: MetricsResponse): void {
  const p = msg.payload;
  switch (p.case) {
    case "batchData":
      setBatchClassNames(p.value.classNames);
      tiles.show(p.value);
      modelPanel.offerLiveSample(p.value.sampleIds[0]);
      header.showStep(p.value.globalStep);
      header.showEpoch(p.value.epoch);
      header.showFrameAge(p.value.serverTimestampUs);
      break;
    case "scalarData":
      if (Number(p.value.globalStep) <= lastScalarStep) runsPanel.refresh(); // the branch's checkpoints and fork
      lastScalarStep = Number(p.value.globalStep);
      if (charts.add(p.value)) hyperParameters.refresh(); // a change, perhaps by another client
      hyperParameters.showStep(Number(p.value.globalStep));
      runsPanel.stepped();
      modelPanel.stepped();
      controls.showCurrent(p.value.learningRate, p.value.batchSize);
      header.showStep(p.value.globalStep);
      header.showEpoch(p.value.epoch);
      break;
    case "epochData":
      epochs.upsert(p.value);
      readEvaluationPoints(); // the epoch's validation markers
      break;
    case "performanceData":
      header.showPerformance(p.value);
      if (p.value.globalStep > 0n) header.showStep(p.value.globalStep);
      break;
    case "statusUpdate":
      if (p.value.config) applyConfig(p.value.config);
      applyStatus(p.value.status);
      header.showStatusMessage(p.value.message);
      header.showStep(p.value.globalStep);
      hyperParameters.refresh();
      runsPanel.refresh(); // a pause, an end, or a restore (a new branch, even on a paused run)
      break;
    case "auditEntry": // any client's action or note
      audit.refresh();
      break;
    case "controlAck":
      controls.showAck(p.value);
      applyStatus(p.value.status);
      hyperParameters.refresh();
      break;
    case "heartbeat":
    case undefined:
      break;
  }
}

/** Config, status and step before the stream starts; the stream's replay then brings the history. */
async function register(): Promise<void> {
  for (;;) {
    try {
      const session = await client.registerTrainingSession({
        clientName: "trainscope-dashboard",
        clientVersion: "0.1.0",
      });
      if (session.config) applyConfig(session.config);
      applyStatus(session.status);
      header.showStep(session.globalStep);
      return;
    } catch (err) {
      if (!isUnauthenticated(err)) {
        console.warn("trainscope: RegisterTrainingSession failed:", errorText(err));
        return; // the feed retries on its own and replays status updates
      }
      await requireToken();
    }
  }
}

void register().then(() => {
  hyperParameters.refresh();
  audit.refresh();
  noteForm.load();
  dataPanel.load();
  void evaluationPanel.load();
  readEvaluationPoints();
  runsPanel.refresh();
  return runFeed(client, {
    onMessage: dispatch,
    onState: header.showConnection,
    onReset: () => {
      curveHistory.forget();
      zoom.live();
      charts.reset();
      lastScalarStep = -1;
      epochs.reset();
      noteForm.load();
      audit.refresh();
      dataPanel.load();
      void evaluationPanel.load();
      readEvaluationPoints();
      runsPanel.refresh();
      modelPanel.reset();
    },
  });
});
