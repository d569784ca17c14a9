package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard's Data panel (WeightsLab's data RPCs and our SampleService) in headless Chromium, during a real training. */
class DataGridBrowserTest {

    /** The sample a grid row shows, read from its data attributes. */
    record Row(long index, String sampleId, String origin, boolean discarded, String tags) {}

    private TrainingSession session;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private int total;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.open();
        session = LiveRun.shapes(AccessTokens.none(), false);
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(d -> count("all") > 0 && rowLoaded(0));
        total = count("all");
    }

    @AfterEach
    void close() throws Exception {
        browser.quit();
        session.close();
    }

    @Test
    void selectedRowsAreTaggedFoundByTheirTagDiscardedAndRestored() throws Exception {
        assertThat(count("in-loop")).isEqualTo(total - count("discarded"));

        query("label == 1 sortby loss desc");
        wait.until(d -> count("all") < total && count("all") > 0 && rowLoaded(1));
        assertThat(browser.findElement(By.cssSelector(".data-sort[data-sort-key='loss']")).getAttribute("data-sort"))
                .isEqualTo("desc");
        List<Row> picked = rows().subList(0, 2);
        for (Row row : picked) {
            browser.findElement(By.cssSelector(".data-row[data-index='" + row.index() + "'] .data-select")).click();
        }
        wait.until(d -> text("#data-selected").equals("2 selected"));

        browser.findElement(By.id("data-tag-input")).sendKeys("suspect");
        browser.findElement(By.id("data-tag-add")).click();
        wait.until(d -> picked.stream().allMatch(p -> shown(p.sampleId()).tags().contains("suspect")));
        assertThat(messageIsError()).as(text("#data-message")).isFalse();

        browser.findElement(By.id("data-reset")).click();
        wait.until(d -> count("all") == total);
        query("`tag:suspect` == true");
        wait.until(d -> count("all") == 2 && rowLoaded(1));
        assertThat(rows()).extracting(Row::sampleId).containsExactlyInAnyOrderElementsOf(
                picked.stream().map(Row::sampleId).toList());

        int discarded = count("discarded");
        browser.findElement(By.id("data-select-visible")).click();
        wait.until(d -> text("#data-selected").equals("2 selected"));
        browser.findElement(By.id("data-discard")).click();
        wait.until(d -> count("discarded") == discarded + 2 && rows().stream().allMatch(Row::discarded));
        assertThat(count("in-loop")).isEqualTo(count("all") - count("discarded"));

        browser.findElement(By.id("data-restore")).click();
        wait.until(d -> count("discarded") == discarded && rows().stream().noneMatch(Row::discarded));
        assertThat(messageIsError()).as(text("#data-message")).isFalse();

        browser.findElement(By.cssSelector(".data-row[data-index='0'] .c-id")).click();
        wait.until(d -> d.findElement(By.id("sample-view")).isDisplayed() && historyPoints() > 0
                && Objects.toString(d.findElement(By.id("sample-image")).getAttribute("src"), "").startsWith("blob:"));
        assertThat(browser.findElement(By.id("sample-view")).getAttribute("data-sample-id")).isEqualTo(rows().get(0).sampleId());
        wait.until(d -> "ready".equals(d.findElement(By.id("data-histogram")).getAttribute("data-state")));
        browser.executeScript("document.getElementById('data-panel').scrollIntoView({block: 'end'})");
        Browser.screenshot(browser, "data-grid");
    }

    @Test
    void theGridKeepsOnlyTheRowsInSightAndReadsTheLastPageWhenScrolledToTheEnd() {
        assertThat(browser.findElement(By.id("data-grid")).getAttribute("data-rows")).isEqualTo(String.valueOf(total));
        assertThat(rows().size()).as("rows in the DOM").isBetween(5, 100);

        browser.executeScript("const g = document.getElementById('data-grid'); g.scrollTop = g.scrollHeight;");
        wait.until(d -> rowLoaded(total - 1));
        assertThat(rows().size()).as("rows in the DOM").isBetween(5, 100);
        assertThat(rowLoaded(0)).as("row 0 left the DOM").isFalse();
    }

    private void query(String query) {
        WebElement input = browser.findElement(By.id("data-query"));
        input.clear();
        input.sendKeys(query, Keys.ENTER);
    }

    /** A count of #data-counts: all, in-loop or discarded; -1 before the first reply. */
    private int count(String which) {
        String value = browser.findElement(By.id("data-counts")).getAttribute("data-" + which);
        return value == null || value.isBlank() ? -1 : Integer.parseInt(value);
    }

    private boolean rowLoaded(long index) {
        return !browser.findElements(By.cssSelector(".data-row[data-index='" + index + "']")).isEmpty();
    }

    /** The loaded rows in the DOM, in view order. */
    @SuppressWarnings("unchecked")
    private List<Row> rows() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.executeScript(
                "return [...document.querySelectorAll('#data-grid .data-row')].map(r => ({index: Number(r.dataset.index),"
                        + " id: r.dataset.sampleId, origin: r.dataset.origin, discarded: r.dataset.discarded,"
                        + " tags: r.dataset.tags})).sort((a, b) => a.index - b.index)");
        return rows.stream().map(r -> new Row(((Number) r.get("index")).longValue(), (String) r.get("id"),
                (String) r.get("origin"), "true".equals(r.get("discarded")), (String) r.get("tags"))).toList();
    }

    private Row shown(String sampleId) {
        return rows().stream().filter(r -> r.sampleId().equals(sampleId)).findFirst()
                .orElse(new Row(-1, sampleId, "", false, ""));
    }

    private long historyPoints() {
        String points = browser.findElement(By.id("sample-history")).getAttribute("data-points");
        return points == null || points.isBlank() ? 0 : Long.parseLong(points);
    }

    private boolean messageIsError() {
        return Objects.toString(browser.findElement(By.id("data-message")).getAttribute("class"), "").contains("error");
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
