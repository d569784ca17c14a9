package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's model panel in headless Chromium during a real training of the small CNN, whose layers are
 * 0 (Conv2d 1→16, 3×3), 3 (Conv2d 16→32, 3×3), 7 (Linear 1568→128) and 9 (Linear 128→classes).
 */
class ModelPanelBrowserTest {

    /** The heatmap's left margin (selection and frozen marks) and the color of the gaps between kernels. */
    private static final int GUTTER_PX = 12;
    private static final String GAP_RGB = "18,23,29";

    private static TrainingSession session;
    private static ManagedChannel channel;
    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void openTheDashboardDuringATraining() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        stub = ExperimentServiceGrpc.newBlockingStub(channel);
        LiveRun.await("training under way", () -> session.experiment().step() > 5, 120);
        browser = Browser.open();
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(50));
        // Chips and maps are drawn again as reads come in; the sticky header may cover a button while the page scrolls.
        wait.ignoring(StaleElementReferenceException.class).ignoring(ElementClickInterceptedException.class);
    }

    @AfterAll
    static void close() throws Exception {
        if (browser != null) browser.quit();
        if (channel != null) channel.shutdownNow();
        if (session != null) session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @BeforeEach
    void openThePanelOnTheSecondConvolution() {
        if (browser.findElement(By.id("model-details")).getAttribute("open") == null) {
            click("#model-details > summary");
        }
        click("#model-layer-rows tr[data-layer='3']");
        wait.until(d -> "3".equals(attribute("#model-heatmap", "data-layer")) && "3".equals(attribute("#model-neurons", "data-layer")));
    }

    @Test
    void theLayerListNamesEveryLayerWithItsShape() {
        List<String> rows = texts("#model-layer-rows tr");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).startsWith("0").contains("Conv2d 1 16 3×3");
        assertThat(rows.get(1)).startsWith("3").contains("Conv2d 16 32 3×3");
        assertThat(rows.get(2)).startsWith("7").contains("Linear 1568 128");
        assertThat(rows.get(3)).startsWith("9").contains("Linear 128 " + GeneratedShapes.CLASS_NAMES.size());
        assertThat(attribute("#model-layer-rows tr[data-layer='3']", "class")).contains("selected");
    }

    @Test
    void theHeatmapDrawsEveryKernelOfTheLayerAsATileInItsNeuronsRow() {
        assertThat(attribute("#model-heatmap", "data-rows")).isEqualTo("32");
        assertThat(attribute("#model-heatmap", "data-cols")).isEqualTo("16");
        assertThat(attribute("#model-heatmap", "data-kernel")).isEqualTo("3");
        int cell = Integer.parseInt(attribute("#model-heatmap", "data-cell"));
        int gap = Math.max(1, cell / 2);
        assertThat(cell).isPositive();
        assertThat(canvasSize("model-heatmap")).containsExactly((long) GUTTER_PX + 16 * 3 * cell + 15 * gap, (long) 32 * 3 * cell + 31 * gap);

        List<Long> pixels = paintedPixels("model-heatmap", GUTTER_PX);
        assertThat(pixels.get(0)).as("every weight is a cell of color, the gaps are not").isEqualTo(32L * 16 * 9 * cell * cell);
        assertThat(pixels.get(1)).as("distinct colors").isGreaterThan(50);
        assertThat(attribute("#model-histogram", "data-count")).isEqualTo(String.valueOf(32 * 16 * 9));
        assertThat(paintedPixels("model-histogram", 0).get(0)).isPositive();
        assertThat(text("#model-legend-range")).matches("−[0-9.e−-]+ … 0 … \\+[0-9.e−-]+ +\\(min −.+, max .+\\)");
        assertThat(text("#model-layer-title")).contains("Layer 3").contains("Conv2d 16→32, 3×3").contains("4,608 weights");
    }

    @Test
    void clickingANeuronsRowSelectsItAndShowsItsWeights() {
        clickHeatmapRow(5);
        wait.until(d -> "5".equals(attribute("#model-heatmap", "data-selected"))
                && "5".equals(attribute("#model-neuron", "data-neuron")));
        assertThat(attribute(".neuron-chip[data-neuron='5']", "class")).contains("selected");
        assertThat(text("#model-neuron-title")).startsWith("neuron 5 · ").contains("144 weights");
        assertThat(canvasSize("model-neuron-weights")).allSatisfy(side -> assertThat(side).isPositive());
        assertThat(text("#model-selected")).isEqualTo("1 selected: 5");
    }

    @Test
    void activationMapsOfASampleAreOneSmallCanvasPerChannel() throws Exception {
        showActivations("train", "5");
        wait.until(d -> "ready".equals(attribute("#model-activations", "data-state"))
                && "5".equals(attribute("#model-activations", "data-sample"))
                && "3".equals(attribute("#model-activations", "data-layer")));
        // Read in one script: the maps are drawn anew whenever the live refresh reads the activations again.
        @SuppressWarnings("unchecked")
        List<List<Long>> maps = (List<List<Long>>) browser.executeScript("return [...document.querySelectorAll("
                + "'#model-activations .model-map canvas')].map(c => { const d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; const colors = new Set();"
                + " for (let i = 0; i < d.length; i += 4) colors.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);"
                + " return [c.width, c.height, colors.size]; })");
        assertThat(maps).hasSize(32).allSatisfy(map -> assertThat(map.subList(0, 2)).containsExactly(14L, 14L));
        assertThat(maps).as("distinct colors per map").anySatisfy(map -> assertThat(map.get(2)).isGreaterThan(10));
        browser.executeScript("document.getElementById('model-panel').scrollIntoView({block: 'start'})");
        Browser.screenshot(browser, "model-activations");
    }

    @Test
    void theLastLayersActivationsAreOneBarPerClassNamedByClass() throws Exception {
        click("#model-layer-rows tr[data-layer='9']");
        showActivations("test", "0");
        wait.until(d -> "ready".equals(attribute("#model-activations", "data-state"))
                && "9".equals(attribute("#model-activations", "data-layer")));
        assertThat(attribute("#model-activations", "data-kind")).isEqualTo("bars");
        assertThat(texts("#model-activations .model-bar-names span")).containsExactlyElementsOf(GeneratedShapes.CLASS_NAMES);
        assertThat(texts("#model-activations .model-bar-names .winner")).hasSize(1);
        browser.executeScript("document.getElementById('model-panel').scrollIntoView({block: 'start'})");
        Browser.screenshot(browser, "model-last-layer");
    }

    @Test
    void aSampleOutsideTheSplitShowsTheServersReason() {
        showActivations("train", "999999");
        wait.until(d -> "failed".equals(attribute("#model-activations", "data-state")));
        assertThat(text("#model-activations")).isEqualTo("Activations of train sample 999999 failed: NotFound: No sample 999999"
                + " in 'train', whose sample ids are 0..19999");
    }

    @Test
    void aNeuronFrozenByClickingIsShownFrozenAndItsWeightsStayWhileAnotherNeuronsTrain() throws Exception {
        clickHeatmapRow(7);
        wait.until(d -> "7".equals(attribute("#model-heatmap", "data-selected")) && text("#model-freeze").equals("Freeze"));
        click("#model-freeze");
        wait.until(d -> !"pending".equals(attribute("#model-message", "data-kind")));
        Browser.screenshot(browser, "model-freeze");
        assertThat(attribute("#model-message", "data-kind")).as(text("#model-message")).isEqualTo("ok");

        wait.until(d -> "true".equals(attribute(".neuron-chip[data-neuron='7']", "data-frozen")));
        assertThat(attribute(".neuron-chip[data-neuron='8']", "data-frozen")).isEqualTo("false");
        assertThat(text("#model-neuron-title")).startsWith("neuron 7 · frozen · ");
        assertThat(text("#model-layer-rows tr[data-layer='3'] td:last-child")).isEqualTo("1 / 32");
        assertThat(text("#model-freeze")).isEqualTo("Unfreeze");
        Browser.screenshot(browser, "model-panel");

        List<Float> frozenBefore = weights(3, 7);
        List<Float> otherBefore = weights(3, 8);
        long step = session.experiment().step();
        LiveRun.await("ten more steps", () -> session.experiment().step() >= step + 10, 120);
        assertThat(weights(3, 7)).as("the frozen neuron's weights").isEqualTo(frozenBefore);
        assertThat(weights(3, 8)).as("a trainable neuron's weights").isNotEqualTo(otherBefore);
    }

    @Test
    void unfreezeClickedOnAFrozenNeuronMakesItTrainableAgain() {
        click(".neuron-chip[data-neuron='20']");
        wait.until(d -> "20".equals(attribute("#model-heatmap", "data-selected")) && text("#model-freeze").equals("Freeze"));
        click("#model-freeze");
        wait.until(d -> "true".equals(attribute(".neuron-chip[data-neuron='20']", "data-frozen")));
        assertThat(text("#model-freeze")).isEqualTo("Unfreeze");

        click("#model-freeze");
        wait.until(d -> "false".equals(attribute(".neuron-chip[data-neuron='20']", "data-frozen")));
        assertThat(attribute("#model-message", "data-kind")).as(text("#model-message")).isEqualTo("ok");
        assertThat(text("#model-freeze")).isEqualTo("Freeze");
        assertThat(text("#model-neuron-title")).startsWith("neuron 20 · trainable · ");
    }

    @Test
    void pruningAndAddingNeuronsRedrawTheLayerAndTheInputsOfTheNextOne() {
        click("#model-layer-rows tr[data-layer='7']");
        wait.until(d -> "7".equals(attribute("#model-heatmap", "data-layer")) && "7".equals(attribute("#model-neurons", "data-layer")));
        click(".neuron-chip[data-neuron='126']");
        new Actions(browser).keyDown(Keys.CONTROL).click(browser.findElement(By.cssSelector(".neuron-chip[data-neuron='127']")))
                .keyUp(Keys.CONTROL).perform();
        wait.until(d -> text("#model-selected").equals("2 selected: 126, 127"));

        click("#model-prune");
        wait.until(d -> "126".equals(attribute("#model-heatmap", "data-rows")));
        assertThat(text("#model-message")).startsWith("Removed neurons 126, 127 of layer 7; took effect at step ");
        assertThat(texts("#model-layer-rows tr").subList(2, 4)).satisfiesExactly(
                linear -> assertThat(linear).startsWith("7").contains("Linear 1568 126"),
                output -> assertThat(output).startsWith("9").contains("Linear 126 " + GeneratedShapes.CLASS_NAMES.size()));
        assertThat(browser.findElements(By.cssSelector(".neuron-chip"))).hasSize(126);
        assertThat(text("#model-selected")).as("indices moved: nothing stays selected").startsWith("click a neuron");

        WebElement count = browser.findElement(By.id("model-add-count"));
        count.clear();
        count.sendKeys("2");
        click("#model-add");
        wait.until(d -> "128".equals(attribute("#model-heatmap", "data-rows")));
        assertThat(text("#model-message")).startsWith("Added 2 neurons to layer 7; took effect at step ");
        assertThat(texts("#model-layer-rows tr").get(3)).contains("Linear 128 " + GeneratedShapes.CLASS_NAMES.size());
        assertThat(session.experiment().model()).isPresent();
    }

    @Test
    void anOperationTheServerRefusesShowsItsReasonAndChangesNothing() {
        click("#model-layer-rows tr[data-layer='9']");
        wait.until(d -> "9".equals(attribute("#model-heatmap", "data-layer")));
        click("#model-add");
        wait.until(d -> "error".equals(attribute("#model-message", "data-kind")));
        assertThat(text("#model-message")).contains("output layer");
        assertThat(attribute("#model-heatmap", "data-rows")).isEqualTo(String.valueOf(GeneratedShapes.CLASS_NAMES.size()));
    }

    private static List<Float> weights(int layer, int neuron) {
        WeightsResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).getWeights(WeightsRequest.newBuilder()
                .setNeuronId(NeuronId.newBuilder().setLayerId(layer).setNeuronId(neuron)).build());
        assertThat(reply.getSuccess()).as(reply.getErrorMessage()).isTrue();
        return reply.getWeightsList();
    }

    private void showActivations(String origin, String sampleId) {
        WebElement input = browser.findElement(By.id("model-sample-id"));
        input.clear();
        input.sendKeys(sampleId);
        browser.executeScript("const s = document.getElementById('model-sample-origin'); s.value = arguments[0];", origin);
        click("#model-sample-show");
    }

    /** Clicks the middle of neuron {@code row}'s row of the heatmap, wherever the canvas is scaled to on screen. */
    private void clickHeatmapRow(int row) {
        WebElement canvas = browser.findElement(By.id("model-heatmap"));
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", canvas);
        int cell = Integer.parseInt(canvas.getAttribute("data-cell"));
        int kernel = Integer.parseInt(canvas.getAttribute("data-kernel"));
        int pitch = kernel * cell + Math.max(1, cell / 2);
        double scale = ((Number) browser.executeScript("const c = arguments[0]; return c.getBoundingClientRect().height / c.height;",
                canvas)).doubleValue();
        int height = canvas.getRect().getHeight();
        int y = (int) Math.round((row * pitch + kernel * cell / 2.0) * scale - height / 2.0);
        new Actions(browser).moveToElement(canvas, 0, y).click().perform();
    }

    /** Pixels of the canvas right of {@code fromX} that are not the gap color, and how many distinct colors it has. */
    @SuppressWarnings("unchecked")
    private static List<Long> paintedPixels(String id, int fromX) {
        return (List<Long>) browser.executeScript("const c = document.getElementById(arguments[0]);"
                + "const d = c.getContext('2d').getImageData(arguments[1], 0, c.width - arguments[1], c.height).data;"
                + "let painted = 0; const colors = new Set();"
                + "for (let i = 0; i < d.length; i += 4) { const rgb = d[i] + ',' + d[i + 1] + ',' + d[i + 2];"
                + "  if (d[i + 3] > 0 && rgb !== arguments[2]) painted++; colors.add(rgb); }"
                + "return [painted, colors.size];", id, fromX, GAP_RGB);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> canvasSize(String id) {
        return (List<Long>) browser.executeScript("const c = document.getElementById(arguments[0]); return [c.width, c.height];", id);
    }

    private static void click(String css) {
        wait.until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static String attribute(String css, String name) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }

    /** The text of every element {@code css} finds, read at once (rows, maps and names are drawn anew as reads come in). */
    @SuppressWarnings("unchecked")
    private static List<String> texts(String css) {
        return (List<String>) browser.executeScript("return [...document.querySelectorAll(arguments[0])].map(e => e.cells"
                + " ? [...e.cells].map(c => c.textContent.trim()).join(' ') : e.textContent.trim())", css);
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
