package io.inferscale.examples;

import io.inferscale.simulator.SimulationResult;
import io.inferscale.simulator.report.HtmlReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders the seed's three-backend report (each backend with its default startup, as {@code simulate} runs it) in headless Chromium and checks the picture: the page fills the window's
 * width, and each backend's panel shows up on the page, below the previous one, on the same time axis, with its
 * capacity, demand and grid drawn. Writes {@code target/report-screenshot/simulation-report.png}, cropped to the
 * page's content; {@code docs/images/simulation-report.png} is a copy of it. Skipped, with a message, when no
 * Chromium is installed ({@code .ci/run} installs Debian's {@code chromium}).
 */
class ReportScreenshotTest {

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 4000; // the page with every backend's assumption rows is about 2,950 px tall

    @Test
    @DisplayName("the report, screenshot in headless Chromium, shows one drawn panel per backend on one time axis")
    void screenshot() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "no Chromium found (chromium, chromium-browser or google-chrome on the PATH, or $CHROMIUM): "
                + "the report screenshot test is skipped; install it with `apt-get install chromium`");
        List<SimulationResult> results = SeedReportTest.seedResults(null);
        Path dir = Files.createDirectories(Path.of("target", "report-screenshot"));
        Path html = dir.resolve("seed-report.html");
        HtmlReport.write(results, html);
        Path png = dir.resolve("screenshot.png");
        Files.deleteIfExists(png);
        shoot(chromium, html, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG at " + png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);

        Document doc = SeedReportTest.parse(html);
        List<Box> panels = new ArrayList<>();
        for (SimulationResult r : results) {
            int tint = capacityFill(doc, r.backendId());
            Box box = Box.of(image, tint);
            assertThat(box.pixels).as(r.backendId() + "'s capacity area (colour %06x) on the screenshot", tint).isGreaterThan(5_000);
            assertThat(box.colours(image)).as(r.backendId() + "'s panel: capacity, replica and demand lines, grid")
                    .isGreaterThanOrEqualTo(5);
            panels.add(box);
        }
        for (int k = 1; k < panels.size(); k++) {
            assertThat(panels.get(k).top).as("panel %d starts below panel %d", k, k - 1).isGreaterThan(panels.get(k - 1).bottom);
            assertThat(panels.get(k).left).as("panels share the time axis").isEqualTo(panels.get(0).left);
            assertThat(panels.get(k).right).as("panels share the time axis").isEqualTo(panels.get(0).right);
        }
        assertThat(panels.get(0).right - panels.get(0).left).as("the panels use the page's width").isGreaterThan(WIDTH * 3 / 4);
        int last = lastInkRow(image);
        assertThat(last).as("the page ends within the window").isLessThan(HEIGHT - 1);
        ImageIO.write(image.getSubimage(0, 0, WIDTH, Math.min(HEIGHT, last + 24)), "png", dir.resolve("simulation-report.png").toFile());
    }

    /** The fill colour of the backend's capacity area, as the report declares it. */
    private static int capacityFill(Document doc, String backendId) {
        NodeList paths = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element e = (Element) paths.item(i);
            if (e.getAttribute("data-series").equals("capacity") && e.getAttribute("data-backend").equals(backendId)) {
                return Integer.parseInt(e.getAttribute("fill").substring(1), 16);
            }
        }
        throw new AssertionError("no capacity area for " + backendId + " in the report");
    }

    private static void shoot(Path chromium, Path html, Path png) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("report-chromium");
        try {
            Path log = profile.resolve("chromium.log");
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                    "--screenshot=" + png.toAbsolutePath(), "--window-size=" + WIDTH + "," + HEIGHT, html.toUri().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            assertThat(done).as("Chromium finished within 120 s").isTrue();
            assertThat(png).as("Chromium wrote the screenshot; its output:\n" + Files.readString(log)).exists();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** $CHROMIUM, or the first of chromium, chromium-browser, google-chrome on the PATH; null when none. */
    private static Path chromium() {
        String given = System.getenv("CHROMIUM");
        if (given != null && Files.isExecutable(Path.of(given))) {
            return Path.of(given);
        }
        String path = System.getenv("PATH");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
                Path candidate = Path.of(d, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** The lowest row with a pixel that is not white. */
    private static int lastInkRow(BufferedImage image) {
        for (int y = image.getHeight() - 1; y >= 0; y--) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    return y;
                }
            }
        }
        return -1;
    }

    /** The bounding box of the pixels of one colour. */
    private record Box(int left, int top, int right, int bottom, int pixels) {

        static Box of(BufferedImage image, int rgb) {
            int left = Integer.MAX_VALUE;
            int top = Integer.MAX_VALUE;
            int right = -1;
            int bottom = -1;
            int n = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        n++;
                    }
                }
            }
            return new Box(left, top, right, bottom, n);
        }

        /** Distinct colours inside the box. */
        int colours(BufferedImage image) {
            Set<Integer> seen = new HashSet<>();
            for (int y = top; y <= bottom; y++) {
                for (int x = left; x <= right; x++) {
                    seen.add(image.getRGB(x, y) & 0xffffff);
                }
            }
            return seen.size();
        }
    }
}
