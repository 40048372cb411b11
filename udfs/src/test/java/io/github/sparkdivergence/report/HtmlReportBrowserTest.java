package io.github.sparkdivergence.report;

import static io.github.sparkdivergence.report.Fixtures.count;
import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages as a real browser sees them: Debian's Chromium, headless, loads each report from a
 * file, prints the DOM it built (rows counted there, so escaping that broke the table would show)
 * and takes a screenshot (target/report-screenshots/, to look at). The page's
 * Content-Security-Policy forbids every fetch and script, and Chromium logs a violation as a
 * console message, which fails the test; a control page shows that such a message is caught.
 *
 * <p>Without /usr/bin/chromium the test is skipped, unless the environment variable CI is set
 * (there .ci/run installs it, so a missing browser is a broken CI, not a reason to skip).
 */
class HtmlReportBrowserTest {
  /** -Dchromium=PATH points elsewhere (e.g. at nothing, to see the skip or the CI failure). */
  static final Path CHROMIUM = Paths.get(System.getProperty("chromium", "/usr/bin/chromium"));
  static final Path OUT = Paths.get("target", "report-screenshots").toAbsolutePath();
  static final long TIMEOUT_SECONDS = 60;

  /**
   * What Chromium writes to stderr about the page itself: console messages (CSP violations
   * included), uncaught errors, failed loads. Its own noise (dbus, GPU, sandbox, the wrapper
   * script) never matches.
   */
  static final Pattern PAGE_ERROR = Pattern.compile(":CONSOLE[:(]|Uncaught|net::ERR_|Failed to load resource");

  /** Per test, not @BeforeAll: Surefire counts (and names) the skipped tests only then. */
  @BeforeEach
  void needsChromium() throws IOException {
    if (!Files.isExecutable(CHROMIUM)) {
      String how = CHROMIUM + " is missing: install it with `apt-get update && apt-get install -y chromium` (Debian; "
          + ".ci/run does)";
      if (System.getenv("CI") != null) fail("CI is set and " + how);
      Assumptions.assumeTrue(false, "skipping the browser test: " + how);
    }
    Files.createDirectories(OUT);
  }

  record Loaded(String dom, List<String> pageErrors, Path screenshot, double seconds) {}

  /** One headless Chromium run: DOM to stdout, a 1280 x 2000 screenshot, stderr scanned for page errors. */
  static Loaded load(String name, String html) throws Exception {
    Path file = OUT.resolve(name + ".html");
    Files.writeString(file, html, StandardCharsets.UTF_8);
    Path png = OUT.resolve(name + ".png");
    Files.deleteIfExists(png);
    Path profile = Files.createTempDirectory("chromium-profile");
    Path stdout = OUT.resolve(name + ".dom.html");
    Path stderr = OUT.resolve(name + ".chromium.log");
    List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
        "--screenshot=" + png, "--dump-dom", file.toUri().toString());
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail("chromium did not finish within " + TIMEOUT_SECONDS + " s on " + file + "; log: " + stderr);
      }
    } finally {
      // the browser's helper processes too: a test must not leave a renderer behind
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      deleteTree(profile);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, p.exitValue(), "chromium exit status; log: " + stderr);
    List<String> errors = new ArrayList<>();
    for (String line : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
      if (PAGE_ERROR.matcher(line).find()) errors.add(line);
    }
    System.out.printf("chromium %s: %.2f s, %,d bytes of DOM, screenshot %s%n", name, seconds, Files.size(stdout), png);
    return new Loaded(Files.readString(stdout, StandardCharsets.UTF_8), errors, png, seconds);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a profile left in the temp dir is harmless
    }
  }

  /** A real picture: a PNG of the window's size with more than a few colours (not a blank page). */
  static void assertScreenshot(Path png) throws IOException {
    assertTrue(Files.exists(png), png + " not written");
    assertTrue(Files.size(png) > 20_000, png + " is only " + Files.size(png) + " bytes");
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, png + " is not a readable image");
    assertEquals(1280, img.getWidth());
    assertEquals(2000, img.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) colours.add(img.getRGB(x, y));
    }
    assertTrue(colours.size() > 20, png + " has " + colours.size() + " colours");
  }

  @Test
  void driftReport() throws Exception {
    DriftReport r = Fixtures.drift();
    Loaded page = load("drift", HtmlReport.render(r));
    assertEquals(List.of(), page.pageErrors(), "console errors");
    assertEquals(r.columns().size(), count(page.dom(), "<tr class=\"column "), "one row per column in the browser's DOM");
    assertEquals(3, count(page.dom(), "<tr class=\"column drift\">"));
    assertTrue(page.dom().contains("No dataset drift: Drift in 3 of 7 columns"), "the verdict header");
    assertTrue(page.dom().contains("&lt;b&gt;fare&lt;/b&gt; &amp;"), "the name with markup is text in the DOM");
    assertFalse(page.dom().contains("<b>"), "and never an element");
    assertEquals(6, count(page.dom(), "<svg class=\"hist\""), "a histogram for every column with buckets");
    assertScreenshot(page.screenshot());
  }

  @Test
  void mutualInfoReports() throws Exception {
    MutualInfoReport ranking = Fixtures.ranking();
    Loaded bars = load("mutual-info-ranking", HtmlReport.render(ranking));
    assertEquals(List.of(), bars.pageErrors(), "console errors");
    assertEquals(ranking.ranking().size(), count(bars.dom(), "<g class=\"bar\">"));
    assertTrue(bars.dom().contains("5 features ranked by ami"));
    assertScreenshot(bars.screenshot());

    MutualInfoReport matrix = Fixtures.matrix();
    Loaded heat = load("mutual-info-matrix", HtmlReport.render(matrix));
    assertEquals(List.of(), heat.pageErrors(), "console errors");
    assertEquals(1 + matrix.matrixColumns().size(), count(heat.dom(), "<tr>"), "header row and one row per column");
    assertEquals(6, count(heat.dom(), "<td class=\"na\"></td>"));
    assertScreenshot(heat.screenshot());
  }

  /** The control: a page that breaks the rules (a script, a fetch) is caught by {@link #PAGE_ERROR}. */
  @Test
  void pageErrorsAreCaught() throws Exception {
    String bad = HtmlReport.render(Fixtures.ranking()).replace("</body>",
        "<img src=\"missing.png\"><script>throw new Error('boom')</script></body>");
    Loaded page = load("control-bad-page", bad);
    assertFalse(page.pageErrors().isEmpty(), "a blocked image and script should be console errors");
    assertTrue(page.pageErrors().stream().anyMatch(l -> l.contains("Content Security Policy")), page.pageErrors().toString());
  }
}
