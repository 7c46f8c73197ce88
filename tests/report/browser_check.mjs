// Opens an HTML file in headless Chromium (Debian's /usr/bin/chromium through playwright-core),
// takes a full-page screenshot and prints JSON: console errors, failed requests and the page
// boxes of every chart (svg.chart).
// Usage: node browser_check.mjs <node_modules dir> <html file> <screenshot.png>
const [npmDir, htmlPath, shotPath] = process.argv.slice(2);
const { chromium } = await import(npmDir + '/playwright-core/index.mjs');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('file://' + htmlPath, { waitUntil: 'load' });
  await page.screenshot({ path: shotPath, fullPage: true });
  const charts = await page.$$eval('svg.chart', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, w: r.width, h: r.height,
             label: e.getAttribute('aria-label') };
  }));
  console.log(JSON.stringify({ errors, requests, charts }));
} finally {
  await browser.close();
}
