package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard over HTTPS in headless Chromium, which trusts the server's key by its hash
 * (--ignore-certificate-errors-spki-list): the page, its live tiles and status come over
 * gRPC-Web on TLS. With mutual TLS, a browser without a client certificate gets no page.
 */
class TlsDashboardBrowserTest {

    private static Certificates certs;
    private TrainingSession session;
    private ChromeDriver browser;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = Certificates.make();
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (session != null) {
            session.close();
        }
    }

    @Test
    void overHttpsTheTilesAndStatusUpdateLive() throws Exception {
        session = LiveRun.shapes(ServerSettings.loopback().withTls(Optional.of(certs.serverTls())), false);
        browser = Browser.open("--ignore-certificate-errors-spki-list=" + certs.serverSpkiHash());
        String url = session.server().url();

        browser.get(url);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        try {
            wait.until(d -> tilesStep() > 0 && text("#status").equals("RUNNING"));
            long first = tilesStep();
            wait.until(d -> tilesStep() > first + 5);
        } finally {
            Browser.screenshot(browser, "dashboard-https");
        }

        assertThat(url).startsWith("https://");
        assertThat(browser.getCurrentUrl()).startsWith("https://");
        assertThat(browser.findElements(By.cssSelector("#tiles .tile"))).hasSize(16);
        assertThat(text("#connection")).isEqualTo("connected");
    }

    @Test
    void withMutualTlsABrowserWithoutAClientCertificateGetsNoPage() throws Exception {
        session = LiveRun.shapes(ServerSettings.loopback().withTls(Optional.of(certs.mutualTls())), true);
        browser = Browser.open("--ignore-certificate-errors-spki-list=" + certs.serverSpkiHash());

        // Chromium either fails the navigation or shows its error page for it, depending on timing. Under TLS 1.3 the
        // server refuses the certificate after the client's side of the handshake is done, so the page may name the
        // closed socket rather than the certificate.
        String refusal;
        try {
            browser.get(session.server().url());
            refusal = browser.getPageSource();
        } catch (WebDriverException e) {
            refusal = e.getMessage();
        }
        assertThat(refusal).containsAnyOf("\"errorCode\":\"ERR_BAD_SSL_CLIENT_AUTH_CERT\"", "net::ERR_BAD_SSL_CLIENT_AUTH_CERT",
                "\"errorCode\":\"ERR_SOCKET_NOT_CONNECTED\"", "\"errorCode\":\"ERR_CONNECTION_RESET\"",
                "\"errorCode\":\"ERR_CONNECTION_CLOSED\"", "net::ERR_CONNECTION_RESET", "net::ERR_CONNECTION_CLOSED");
        Browser.screenshot(browser, "dashboard-mtls-no-certificate");
        assertThat(browser.findElements(By.id("tiles"))).as("no dashboard").isEmpty();
    }

    private long tilesStep() {
        String step = browser.findElement(By.id("tiles")).getAttribute("data-step");
        return step == null || step.isBlank() ? 0 : Long.parseLong(step);
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
