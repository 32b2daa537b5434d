package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.LocalStack;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live dashboard in headless Chromium against the whole stack (gateway, analysis, trainer as processes): the page
 * lists the study, the cosine chart gains points while the MTL run trains (server-sent events), the single-task
 * baseline band stands behind the gradient charts, and the verdict appears when the study ends; a second, small study
 * of three tasks shows parallel coordinates. Leaves a screenshot of the finished two-task study in
 * {@code e2e-tests/target/dashboard.png}.
 */
class DashboardBrowserTest {
    private static LocalStack stack;
    private static WebDriver browser;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        work = Files.createDirectories(repo.resolve("e2e-tests/target/dashboard-" + System.currentTimeMillis()));
        stack = LocalStack.start(repo, work, LocalStack.External.none(), 1, 1, 4, Map.of());
        E2eAuth.use(stack);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,2000",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")));
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 2000));
    }

    @AfterAll
    static void stop() throws Exception {
        E2eAuth.clear();
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** Long enough (about 60 steps per epoch) that the MTL run trains for many server-sent events. */
    static String spec(String name) {
        return """
                {"name":"%s","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":10,"samples":2500,"seed":5}},
                 "tasks":[{"name":"y1"},{"name":"y2"}],"model":{"kind":"mlp","hidden":[16]},
                 "optimizers":[{"name":"adam","learningRate":0.01},{"name":"sgd","learningRate":0.01,"momentum":0.9}],
                 "methods":["ew"],"seeds":[1],"epochs":12,"batchSize":32,
                 "telemetry":{"everySteps":1,"fullGradients":false}}""".formatted(name);
    }

    /** Three tasks, one optimizer, one short epoch: four small runs, for the parallel-coordinates chart. */
    static final String THREE_TASKS = """
            {"name":"three tasks","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":6,"samples":300,"seed":7}},
             "tasks":[{"name":"t1"},{"name":"t2"},{"name":"t3"}],"model":{"kind":"mlp","hidden":[8]},
             "optimizers":[{"name":"adam","learningRate":0.01}],"methods":["ew"],"seeds":[1],"epochs":1,"batchSize":32}""";

    /**
     * The page re-renders the study list and the verdict every few seconds, so an element found just before a refresh
     * goes stale before it is read: every wait on the page retries such reads.
     */
    private static ConditionFactory awaitPage() {
        return await().ignoreException(StaleElementReferenceException.class);
    }

    /** The text of an element that the page may replace between finding and reading it. */
    private static String textOf(By element) {
        return awaitPage().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(element).getText(), text -> true);
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    /** Shaded baseline epochs (mark areas of the "baseline:" series) of a gradient chart, over all runs and pairs. */
    private static long bandEpochs(String chartId) {
        return ((Number) script("""
                const chart = echarts.getInstanceByDom(document.getElementById('%s'));
                return chart ? chart.getOption().series.filter(s => String(s.id).startsWith('baseline:'))
                    .reduce((n, s) => n + (s.markArea && s.markArea.data ? s.markArea.data.length : 0), 0) : 0;"""
                .formatted(chartId))).longValue();
    }

    private static long cosinePoints() {
        Object n = ((JavascriptExecutor) browser).executeScript("""
                const el = document.getElementById('cosine-chart');
                const chart = el && window.echarts && echarts.getInstanceByDom(el);
                const series = chart && chart.getOption().series;
                return series && series.length ? series[0].data.length : 0;""");
        return ((Number) n).longValue();
    }

    @Test
    void theDashboardFollowsAStudyLiveAndShowsItsVerdict() throws Exception {
        String gateway = stack.gateway().url();
        // the gateway answers the dashboard's proxies from the analysis process it was started with
        given().baseUri(gateway).get("/webjars/echarts/5.3.1/dist/echarts.min.js").then().statusCode(200);
        String study = given().baseUri(gateway).contentType("application/json").body(spec("dashboard demo"))
                .post("/api/studies").then().statusCode(201).extract().path("id");
        String threeTasks = given().baseUri(gateway).contentType("application/json").body(THREE_TASKS)
                .post("/api/studies").then().statusCode(201).extract().path("id");

        // the page asks for a token, as it would a newcomer's
        browser.get(gateway + "/");
        awaitPage().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        browser.findElement(By.id("token")).sendKeys(stack.token(E2eAuth.TENANT));
        browser.findElement(By.cssSelector("#signin button")).click();
        awaitPage().atMost(Duration.ofSeconds(30)).until(() -> browser.findElements(By.cssSelector("#study-list li.study"))
                .stream().anyMatch(li -> study.equals(li.getAttribute("data-id"))
                        && li.getText().contains("dashboard demo")));
        awaitPage().atMost(Duration.ofSeconds(20)).until(() -> {
            browser.findElements(By.cssSelector("#study-list li.study")).stream()
                    .filter(li -> study.equals(li.getAttribute("data-id"))).findFirst().orElseThrow().click();
            return true;
        });
        awaitPage().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("study-name")).getText()
                .equals("dashboard demo"));

        // while an MTL run trains, the cosine-over-time chart gains points from the event stream
        awaitPage().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(300)).until(() -> cosinePoints() >= 1);
        long first = cosinePoints();
        awaitPage().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> cosinePoints() > first);
        assertTrue(browser.findElements(By.cssSelector("#runs tbody tr")).size() == 6, "six runs listed");

        // the study ends; the page shows the verdict, the STL vs MTL table and the Pareto scatter
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + study).then().body("status", equalTo("COMPLETED")));
        awaitPage().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                !browser.findElements(By.cssSelector("#verdict .answer")).isEmpty());
        // the verdict leads with the report's lead: its one sentence (the decision), then at most three bullets; the
        // page reads the report again until it settles, so wait until what it shows is the report's latest lead
        awaitPage().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, Object> latest = given().baseUri(gateway).get("/api/studies/" + study + "/report").then()
                    .statusCode(200).extract().path("verdict.lead");
            return latest.get("sentence").equals(textOf(By.cssSelector("#verdict .answer")))
                    && latest.get("bullets").equals(browser.findElements(By.cssSelector("#verdict ul.lead li")).stream()
                    .map(WebElement::getText).toList());
        });
        String answer = textOf(By.cssSelector("#verdict .answer"));
        Map<String, Object> lead = given().baseUri(gateway).get("/api/studies/" + study + "/report").then()
                .statusCode(200).extract().path("verdict.lead");
        assertTrue(List.of("TRAIN_TOGETHER", "TRAIN_APART", "NO_MEASURABLE_DIFFERENCE_TOGETHER",
                "NO_MEASURABLE_DIFFERENCE_APART", "NO_DECISION_YET").contains(lead.get("decision")), "lead: " + lead);
        assertEquals(lead.get("sentence"), answer);
        assertTrue(answer.startsWith((String) lead.get("headline")), answer);
        @SuppressWarnings("unchecked")
        List<String> bullets = (List<String>) lead.get("bullets");
        assertTrue(bullets.size() <= 3, bullets.toString());
        assertEquals(bullets, awaitPage().atMost(Duration.ofSeconds(10)).until(() -> browser
                .findElements(By.cssSelector("#verdict ul.lead li")).stream().map(WebElement::getText).toList(),
                texts -> true));
        assertEquals("COMPLETED", textOf(By.id("study-status")));
        // STL baseline per task and one row per MTL configuration (the page reads the report again while it lags)
        awaitPage().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                browser.findElements(By.cssSelector("#stl-mtl-table tbody tr")).size() >= 4);
        awaitPage().atMost(Duration.ofSeconds(10)).until(() -> ((Number) ((JavascriptExecutor) browser).executeScript(
                "return echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().series.length"))
                .intValue() >= 2);
        assertTrue(cosinePoints() > first);
        // the runs send a single-task baseline (every 20th event by default): its band and the same-sample median
        // stand behind both gradient charts, with a note saying what they are
        // twelve epochs for each of the two MTL runs: one shaded band per run and epoch
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                bandEpochs("cosine-chart") >= 2 && bandEpochs("magnitude-chart") >= 2);
        assertTrue(bandEpochs("cosine-chart") <= 24, "at most one band per run and epoch");
        assertTrue(((Number) script("return echarts.getInstanceByDom(document.getElementById('cosine-chart')).getOption()"
                + ".series.find(s => String(s.id).startsWith('baseline:')).data.length")).intValue() >= 2,
                "the same-sample median is drawn with the band");
        assertTrue(browser.findElement(By.id("cosine-band-note")).getText().contains("single-task baseline"));
        assertTrue(browser.findElement(By.id("magnitude-band-note")).getText().contains("single-task baseline"));

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, work.getParent().resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);

        // a study of three tasks shows parallel coordinates (one axis per task and Δm%) instead of the scatter
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + threeTasks).then().body("status", equalTo("COMPLETED")));
        script("location.hash = '" + threeTasks + "'");
        awaitPage().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("study-name")).getText()
                .equals("three tasks"));
        awaitPage().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> ((Number) script("""
                const o = echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption();
                const lines = (o.series || []).filter(s => s.type === 'parallel' && s.name === 'adam');
                return lines.length && (o.parallelAxis || []).length >= 3 ? lines[0].data.length : 0;""")).intValue() == 1);
        assertEquals(List.of("t1 (mse)", "t2 (mse)", "t3 (mse)", "Δm% (lower is better)"), script(
                "return echarts.getInstanceByDom(document.getElementById('pareto-chart')).getOption().parallelAxis.map(a => a.name)"));
        assertTrue(!browser.findElement(By.id("pareto-axes")).isDisplayed(), "no x/y selectors for parallel coordinates");
    }
}
