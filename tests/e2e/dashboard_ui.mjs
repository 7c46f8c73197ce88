// Drives the dashboard UI in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): suites -> suite -> workload, reads the chart markers' data attributes, switches
// metric and session, and takes a full-page screenshot. Prints one JSON object for the C++ test.
// Usage: node dashboard_ui.mjs <node_modules dir> <dashboard url> <screenshot.png> <fresh user-data-dir>
const [npmDir, baseUrl, shotPath, userDataDir] = process.argv.slice(2);
const { chromium } = await import(npmDir + '/playwright-core/index.mjs');

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = { errors: [], offsite: [] };
try {
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') out.errors.push('console: ' + m.text()); });
  page.on('pageerror', (e) => out.errors.push('page: ' + String(e)));
  page.on('requestfailed', (r) => out.errors.push('request failed: ' + r.url()));
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:')) out.offsite.push(r.url()); });

  const ready = (what) => page.waitForSelector(`body[data-ready="${what}"]`, { timeout: 10000 });
  const markers = (chart) => page.$$eval(`#${chart} .point`, (els) => els.map((e) => ({
    key: e.getAttribute('data-key'), qps: Number(e.getAttribute('data-qps')), value: e.getAttribute('data-value'),
    session: e.getAttribute('data-session'), regressed: e.classList.contains('regressed'),
    failed: e.classList.contains('failed'), fill: e.getAttribute('fill'),
    invalid: e.classList.contains('invalid'), style: e.getAttribute('style') || '',
  })));
  // Where a chart drew things, in its own coordinates: each y grid line with its tick label, each
  // x tick mark with its label (the labels as printed, e.g. "1,000"), and each marker's centre.
  // The test reads the markers back through the axes, so it checks the drawing, not the data.
  const drawn = (chart) => page.$eval(`#${chart}`, (root) => {
    const texts = [...root.querySelectorAll('g.axis text')];
    const isY = (t) => t.getAttribute('text-anchor') === 'end' && Number(t.getAttribute('x')) < 64;
    const yLabels = texts.filter(isY).map((t) => t.textContent);
    const xLabels = texts.filter((t) => !isY(t)).map((t) => t.textContent);
    const yLines = [...root.querySelectorAll('g.grid line')].map((l) => Number(l.getAttribute('y1')));
    const xMarks = [...root.querySelectorAll('g.axis line')].filter((l) => l.getAttribute('x1') === l.getAttribute('x2'))
      .map((l) => Number(l.getAttribute('x1')));
    return {
      y_ticks: yLines.map((p, i) => [yLabels[i], p]),
      x_ticks: xMarks.map((p, i) => [xLabels[i], p]),
      points: [...root.querySelectorAll('circle.point')].map((e) => ({
        key: e.getAttribute('data-key'), qps: Number(e.getAttribute('data-qps')), session: e.getAttribute('data-session'),
        cx: Number(e.getAttribute('cx')), cy: Number(e.getAttribute('cy')),
      })),
    };
  });
  const legendColors = (panel) => page.$$eval(`#${panel} .legend span`, (els) => els.map((e) => ({
    key: e.getAttribute('data-key'), color: e.querySelector('i').style.background,
  })));

  await page.goto(baseUrl + '/', { waitUntil: 'load' });
  await ready('suites');
  out.suites = await page.$$eval('a.suite-card', (els) => els.map((e) => e.getAttribute('data-suite')));
  await page.click('a.suite-card[data-suite="routing-benchmark"]');
  await ready('suite');
  out.workloads = await page.$$eval('a.workload-card', (els) => els.map((e) => e.getAttribute('data-workload')));
  await page.click('a.workload-card[data-workload="synthetic"]');
  await ready('workload');
  out.crumbs = await page.$eval('#crumbs', (e) => e.textContent);
  out.qps_points = await markers('chart-qps');
  out.time_points = await markers('chart-time');
  out.qps_drawn = await drawn('chart-qps');
  out.time_drawn = await drawn('chart-time');
  // Error bars of points of several trials: the interval (data-lo/hi) and where its stem was drawn.
  out.qps_errorbars = await page.$$eval('#chart-qps g.errorbar', (els) => els.map((e) => {
    const stem = e.querySelector('line.errorbar-stem');
    return { key: e.getAttribute('data-key'), x: Number(e.getAttribute('data-x')), lo: Number(e.getAttribute('data-lo')),
      hi: Number(e.getAttribute('data-hi')), cx: Number(stem.getAttribute('x1')), y_lo: Number(stem.getAttribute('y1')),
      y_hi: Number(stem.getAttribute('y2')) };
  }));
  out.legend = await page.$$eval('#qps-panel .legend span', (els) => els.map((e) => e.textContent));
  out.legend_colors = { qps: await legendColors('qps-panel'), time: await legendColors('time-panel') };
  out.regression_badges = await page.$$eval('.badge.regression', (els) => els.map((e) => e.getAttribute('data-key')));
  out.session_options = await page.$$eval('#session option', (els) => els.map((e) => e.value));
  // Capacity per baseline over sessions (only when capacity files were uploaded): the markers, the
  // bracket whiskers, and the table.
  if (await page.$('#chart-capacity')) {
    out.capacity_drawn = await drawn('chart-capacity');
    out.capacity_brackets = await page.$$eval('#chart-capacity line.bracket', (els) => els.map((e) => ({
      key: e.getAttribute('data-key'), lo: Number(e.getAttribute('data-lo')), hi: Number(e.getAttribute('data-hi')),
      x: Number(e.getAttribute('x1')), y1: Number(e.getAttribute('y1')), y2: Number(e.getAttribute('y2')),
    })));
    out.capacity_table = await page.$$eval('#capacity-table tbody tr', (els) => els.map((e) =>
      [...e.querySelectorAll('td')].map((td) => td.textContent)));
    out.capacity_badges = await page.$$eval('#capacity-panel .badge.capacity-regression', (els) => els.map((e) => e.getAttribute('data-key')));
  }
  await page.screenshot({ path: shotPath, fullPage: true });
  // Hovering a point shows its tooltip (a point no other marker covers).
  await page.hover('#chart-qps circle.point[data-key="helm_kvaware"][data-qps="2"]', { timeout: 5000 });
  out.tooltip = await page.$eval('#tooltip', (e) => (e.hidden ? '' : e.textContent));
  // Clicking it opens the stored run JSON.
  await page.click('#chart-qps circle.point[data-key="helm_kvaware"][data-qps="2"]', { timeout: 5000 });
  await page.waitForFunction(() => document.getElementById('run-json').textContent.startsWith('{'), null, { timeout: 5000 });
  out.run_dialog = JSON.parse(await page.$eval('#run-json', (e) => e.textContent));
  await page.click('#run-close');

  // Another metric: throughput, for the same (newest) session.
  await page.selectOption('#metric', 'output_throughput');
  await ready('workload');
  out.throughput_points = await markers('chart-qps');
  out.throughput_drawn = await drawn('chart-qps');
  // The older session.
  await page.selectOption('#session', out.session_options[out.session_options.length - 1]);
  await ready('workload');
  out.older_session_points = await markers('chart-qps');
} catch (err) {
  out.errors.push('script: ' + String(err));
} finally {
  await context.close();
}
console.log(JSON.stringify(out));
