// node render.mjs JOBS.json OUT_DIR
// Each job: {name, document, datasources, viewport: {width, height, dpi, shape, mode}, touch?: "label"}.
// For each: renders in headless Chromium with apl-viewhost-web, saves OUT_DIR/<name>.png, and
// records the text on the page, APL errors (runtime errors, console errors) and, when `touch`
// names a button, the SendEvent arguments its press produced. Writes OUT_DIR/results.json.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [jobsFile, outDir] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, "utf8"));
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--allow-file-access-from-files"],
});
const results = [];
for (const job of jobs) {
  const v = job.viewport;
  const page = await browser.newPage({ viewport: { width: v.width * v.dpi / 160, height: v.height * v.dpi / 160 } });
  const consoleErrors = [], external = [];
  // Nothing leaves the machine: the view host asks a CDN for Amazon's fonts; those requests
  // are refused here and listed (the page falls back to the system sans-serif).
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on("console", (m) => {
    const text = m.text();
    if (/^Failed to load resource/.test(text)) return;          // the refused requests above
    if (m.type() === "error" || /^E /.test(text)) consoleErrors.push(text);
  });
  await page.goto(pathToFileURL(join(here, "page.html")).href);
  await page.evaluate((j) => window.renderApl(j), job);
  await page.waitForFunction(() => window.apl.done, null, { timeout: 30000 });
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => ({ errors: window.apl.errors, text: document.getElementById("view").innerText }));
  const png = join(outDir, job.name + ".png");
  await page.screenshot({ path: png });
  let touched = null;
  if (job.touch) {
    const target = page.getByText(job.touch, { exact: true }).first();
    await target.click();
    await page.waitForTimeout(300);
    touched = await page.evaluate(() => window.apl.events.map((e) => e.arguments || e));
  }
  results.push({ name: job.name, png: resolve(png), errors: state.errors, consoleErrors, external, text: state.text, touched });
  await page.close();
}
await browser.close();
writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 1));
