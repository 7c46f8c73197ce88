// lmbench dashboard UI: suites -> workloads -> one workload's charts. Plain JS, no libraries;
// charts are SVG drawn here. Every string from the store goes into the page through
// textContent/setAttribute, never as HTML, so names with markup or quotes show as written.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#e8590c', '#0e9f6e', '#9333ea', '#d6336c', '#0891b2', '#ca8a04', '#4b5563'];
const DEFAULT_METRIC = 'ttft_p99';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
const tooltip = document.getElementById('tooltip');

// ---- small helpers ---------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'style') node.style.cssText = v;  // CSSOM: allowed by the page's CSP (no inline style attributes)
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function svg(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'style') node.style.cssText = String(v);
    else node.setAttribute(k, String(v));
  }
  if (parent) parent.append(node);
  return node;
}

async function api(path, params = {}) {
  const q = new URLSearchParams(params).toString();
  const res = await fetch('/api/' + path + (q ? '?' + q : ''));
  const body = await res.json();
  if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
  return body;
}

function fmtNum(v) {
  if (v == null || !isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

function fmtDate(secs, withTime = true) {
  const d = new Date(secs * 1000);
  const iso = d.toISOString();
  return withTime ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
}

// Route: #/ | #/suite/<s> | #/suite/<s>/workload/<w>?metric=&session=&qps=
function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (parts[0] === 'suite' && parts.length === 2) return { page: 'suite', suite: parts[1], params };
  if (parts[0] === 'suite' && parts[2] === 'workload' && parts.length === 4) {
    return { page: 'workload', suite: parts[1], workload: parts[3], params };
  }
  return { page: 'suites', params };
}

function suiteHref(suite) { return '#/suite/' + encodeURIComponent(suite); }
function workloadHref(suite, workload, params) {
  const q = params ? new URLSearchParams(params).toString() : '';
  return suiteHref(suite) + '/workload/' + encodeURIComponent(workload) + (q ? '?' + q : '');
}

function setCrumbs(items) {
  crumbs.replaceChildren();
  items.forEach((item, i) => {
    if (i > 0) crumbs.append(el('span', { class: 'sep', text: '/' }));
    crumbs.append(item.href ? el('a', { href: item.href, text: item.label }) : el('span', { class: 'here', text: item.label }));
  });
}

function showError(err) {
  main.replaceChildren(el('div', { class: 'error', role: 'alert', text: 'Could not load: ' + err.message }));
}

function stat(label, value) { return el('span', {}, el('b', { text: String(value) }), label); }

// ---- pages -----------------------------------------------------------------------------------

async function showSuites() {
  setCrumbs([{ label: 'Suites' }]);
  const suites = await api('suites');
  const cards = el('div', { class: 'cards' });
  for (const s of suites) {
    cards.append(el('a', { class: 'card suite-card', href: suiteHref(s.suite), 'data-suite': s.suite },
      el('div', { class: 'title', text: s.suite }),
      el('div', { class: 'stats' }, stat('workloads', s.workloads), stat('sessions', s.sessions), stat('runs', s.runs))));
  }
  main.replaceChildren(
    el('h1', { text: 'Suites' }),
    el('p', { class: 'subtitle', text: suites.length ? 'Benchmark suites with uploaded runs.' :
      'No runs yet: upload run JSON files with `lmbench upload FILE... --api-url ' + location.origin + '/upload`.' }),
    cards);
}

async function showSuite(route) {
  setCrumbs([{ label: 'Suites', href: '#/' }, { label: route.suite }]);
  const workloads = await api('workloads', { suite: route.suite });
  const cards = el('div', { class: 'cards' });
  for (const w of workloads) {
    cards.append(el('a', { class: 'card workload-card', href: workloadHref(route.suite, w.workload), 'data-workload': w.workload },
      el('div', { class: 'title', text: w.workload }),
      el('div', { class: 'stats' }, stat('sessions', w.sessions), stat('runs', w.runs))));
  }
  main.replaceChildren(el('h1', { text: route.suite }),
    el('p', { class: 'subtitle', text: workloads.length ? 'Workloads of this suite.' : 'No runs of this suite.' }), cards);
}

async function showWorkload(route) {
  const { suite, workload, params } = route;
  setCrumbs([{ label: 'Suites', href: '#/' }, { label: suite, href: suiteHref(suite) }, { label: workload }]);
  const seq = renderSeq;  // a newer navigation makes this render stale: it then draws nothing
  const [metrics, sessions, qpsValues, allKeys] = await Promise.all([
    api('metrics'), api('sessions', { suite, workload }), api('qps', { suite, workload }), api('keys', { suite, workload })]);
  if (seq !== renderSeq) return;
  if (!sessions.length) {
    main.replaceChildren(el('h1', { text: workload }), el('p', { class: 'subtitle', text: 'No runs of this workload.' }));
    return;
  }
  const metric = metrics.find((m) => m.name === params.metric) ? params.metric : DEFAULT_METRIC;
  const session = sessions.find((s) => s.session_id === params.session) ? params.session : sessions[0].session_id;
  const qps = qpsValues.map(String).includes(params.qps) ? params.qps : String(qpsValues[0]);

  const go = (change) => {
    location.hash = workloadHref(suite, workload, { metric, session, qps, ...change });
  };
  const select = (id, label, options, value, onChange) => {
    const s = el('select', { id, onchange: (e) => onChange(e.target.value) });
    for (const o of options) {
      const opt = el('option', { value: o.value, text: o.label });
      if (o.value === value) opt.selected = true;
      s.append(opt);
    }
    return el('label', { for: id }, label, s);
  };
  const controls = el('div', { class: 'controls' },
    select('metric', 'Metric', metrics.map((m) => ({ value: m.name, label: m.label })), metric, (v) => go({ metric: v })),
    select('session', 'Session', sessions.map((s, i) => ({
      value: s.session_id,
      label: fmtDate(s.session_time) + ' · ' + s.session_id + (i === 0 ? ' (newest)' : ''),
    })), session, (v) => go({ session: v })),
    select('qps', 'QPS for the time view', qpsValues.map((q) => ({ value: String(q), label: String(q) })), qps,
      (v) => go({ qps: v })));

  const qpsPanel = el('section', { class: 'panel', id: 'qps-panel' });
  const timePanel = el('section', { class: 'panel', id: 'time-panel' });
  const capacityPanel = el('section', { class: 'panel', id: 'capacity-panel', hidden: '' });
  main.replaceChildren(el('h1', { text: workload }),
    el('p', { class: 'subtitle', text: suite + ' · ' + sessions.length + ' session(s) · ' + qpsValues.length + ' QPS value(s)' }),
    controls, el('div', { class: 'charts' }, qpsPanel, timePanel, capacityPanel));

  const [vsQps, overTime, capacity] = await Promise.all([
    api('series/qps', { suite, workload, metric, session }),
    api('series/time', { suite, workload, metric, qps }),
    api('capacity', { suite, workload })]);
  if (seq !== renderSeq) return;
  // One colour per baseline on the whole page, from the workload's full (sorted) key list: a
  // key missing from one chart does not shift the others' colours.
  const colorOf = (key) => COLORS[Math.max(0, allKeys.indexOf(key)) % COLORS.length];
  renderQpsPanel(qpsPanel, vsQps, colorOf);
  renderTimePanel(timePanel, overTime, colorOf);
  if (capacity.lines.length) {
    capacityPanel.hidden = false;
    renderCapacityPanel(capacityPanel, capacity, colorOf);
  }
}

// Capacity per baseline over sessions (GET /api/capacity): a point at the capacity found, a
// whisker over its bracket (highest passing .. lowest failing rate), a red cross for a search that
// found none (min_qps already failed), a halo where the regression gate would flag it.
function renderCapacityPanel(panel, data, colorOf) {
  const unit = data.lines[0].unit;
  const keyOf = Object.fromEntries(data.lines.map((l) => [l.name, l.key]));
  const color = (name) => colorOf(keyOf[name] ?? name);
  const lines = data.lines.map((l) => ({
    key: l.name,
    points: l.points.map((p) => ({ x: p.session_time, y: p.capacity, ok: p.status !== 'below_min',
      lo: p.lower, hi: p.upper, regressed: p.regressed, median: p.median, p: { ...p, run_id: null } })),
  }));
  const sloText = (l) => Object.entries(l.slo || {}).map(([k, v]) => k + ' ≤ ' + v).join(', ') +
    (l.goodput != null ? ' · goodput ≥ ' + l.goodput : '');
  const bracket = (p) => p.lower != null && p.upper != null ? fmtNum(p.lower) + '..' + fmtNum(p.upper) : '–';
  const table = el('table', { class: 'capacity-table', id: 'capacity-table' },
    el('thead', {}, el('tr', {}, ...['Baseline', 'Latest', 'Bracket', 'Status', 'SLO', 'Sessions'].map((h) => el('th', { text: h })))));
  const body = el('tbody');
  const badges = el('div', { class: 'badges' });
  for (const l of data.lines) {
    const last = l.points[l.points.length - 1];
    body.append(el('tr', { 'data-key': l.name },
      el('td', { text: l.name }), el('td', { text: last.capacity != null ? fmtNum(last.capacity) + ' ' + l.unit : '–' }),
      el('td', { text: bracket(last) }), el('td', { text: last.status }), el('td', { text: sloText(l) }),
      el('td', { text: String(l.points.length) })));
    if (!l.latest_regressed) continue;
    const what = last.capacity != null && last.status !== 'below_min'
      ? `${fmtNum(last.capacity)} ${l.unit} against a median of ${fmtNum(last.median)} over the previous ${last.history} session(s)`
      : 'no capacity found (min_qps already fails) while earlier sessions found one';
    badges.append(el('div', { class: 'badge bad capacity-regression', 'data-key': l.name,
      text: `Capacity regression: ${l.name}, latest session: ${what} (threshold ${data.threshold_pct}%)` }));
  }
  table.append(body);
  panel.replaceChildren(
    el('header', {}, el('h2', { text: 'Capacity over sessions' }),
      el('span', { class: 'muted', text: 'highest rate meeting the SLO · whisker: the bracket' })),
    legend(data.lines.map((l) => l.name), color),
    lineChart({
      id: 'chart-capacity', label: 'Capacity per baseline over sessions', lines, colorOf: color, xLabel: 'session',
      yLabel: 'capacity (' + unit + ')', xFormat: (v, span) => fmtDate(v, span < 3 * 86400), time: true,
      describe: (pt) => [pt.key, pt.p.session_id, fmtDate(pt.p.session_time),
        'capacity: ' + (pt.p.capacity != null ? fmtNum(pt.p.capacity) + ' ' + unit : 'none') + ' (' + pt.p.status + ')',
        'bracket: ' + bracket(pt.p),
        pt.p.median != null ? 'median of previous ' + pt.p.history + ': ' + fmtNum(pt.p.median) : null,
        pt.p.regressed ? 'REGRESSION' : null],
    }),
    badges, table);
}

function renderQpsPanel(panel, data, colorOf) {
  const keys = data.lines.map((l) => l.key);
  const lines = data.lines.map((l) => ({
    key: l.key,
    points: l.points.map((p) => ({ x: p.qps, y: p.value, ok: p.ok, ci: p.trials ? p.trials.ci95 : null, p })),
  }));
  panel.replaceChildren(
    el('header', {}, el('h2', { text: data.metric.label + ' vs QPS' }),
      el('span', { class: 'muted', text: 'session ' + data.session.session_id })),
    legend(keys, colorOf),
    lineChart({
      id: 'chart-qps', label: data.metric.label + ' against QPS', lines, colorOf, xLabel: 'QPS (requests/s)',
      yLabel: data.metric.label, xFormat: fmtNum,
      describe: (pt) => [pt.key, 'QPS ' + pt.p.qps, data.metric.label + ': ' + (pt.p.ok ? fmtNum(pt.p.value) : 'run failed'),
        pt.p.timestamp, trialLine(pt.p), validityLine(pt.p)],
    }));
}

function renderTimePanel(panel, data, colorOf) {
  const keys = data.lines.map((l) => l.key);
  const lines = data.lines.map((l) => ({
    key: l.key,
    points: l.points.map((p) => ({ x: p.session_time, y: p.value, ok: p.ok, regressed: p.regressed, median: p.median,
      ci: p.trials ? p.trials.ci95 : null, p })),
  }));
  const badges = el('div', { class: 'badges' });
  for (const l of data.lines) {
    if (!l.latest_regressed) continue;
    const last = l.points[l.points.length - 1];
    const what = last.ok
      ? `${fmtNum(last.value)} against a median of ${fmtNum(last.median)} over the previous ${last.history} session(s)`
      : 'the run failed while earlier sessions succeeded';
    badges.append(el('div', { class: 'badge bad regression', 'data-key': l.key,
      text: `Regression: ${l.key} at QPS ${data.qps}, latest session: ${what} (threshold ${data.threshold_pct}%)` }));
  }
  if (!badges.childElementCount && data.lines.length) {
    badges.append(el('div', { class: 'badge ok', text: `No regression in the latest session (threshold ${data.threshold_pct}%, median of the previous ${data.window}).` }));
  }
  panel.replaceChildren(
    el('header', {}, el('h2', { text: data.metric.label + ' over time' }),
      el('span', { class: 'muted', text: 'QPS ' + data.qps + ' · one point per session' })),
    legend(keys, colorOf),
    lineChart({
      id: 'chart-time', label: data.metric.label + ' over time at QPS ' + data.qps, lines, colorOf, xLabel: 'session',
      yLabel: data.metric.label, xFormat: (v, span) => fmtDate(v, span < 3 * 86400), time: true,
      describe: (pt) => [pt.key, pt.p.session_id, fmtDate(pt.p.session_time),
        data.metric.label + ': ' + (pt.p.ok ? fmtNum(pt.p.value) : 'run failed'),
        pt.p.median != null ? 'median of previous ' + pt.p.history + ': ' + fmtNum(pt.p.median) : null,
        pt.p.regressed ? 'REGRESSION' : null, trialLine(pt.p), validityLine(pt.p)],
    }),
    badges);
}

function legend(keys, colorOf) {
  return el('div', { class: 'legend' }, ...keys.map((k) =>
    el('span', { 'data-key': k }, el('i', { style: 'background:' + colorOf(k) }), k)));
}

// ---- chart -----------------------------------------------------------------------------------

// Round tick steps (1, 2, 5 x 10^n) covering [lo, hi]: the first tick <= lo, the last >= hi.
function ticks(lo, hi, count) {
  if (hi === lo) { hi = lo + 1; }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) || raw;
  const out = [];
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i++) out.push(+(i * step).toPrecision(12));
  out.step = step;
  return out;
}

// Time ticks at midnight UTC every 1, 2, 7, 14, 30, 90 or 365 days, about `count` of them.
function dayTicks(lo, hi, count) {
  const day = 86400;
  const stepDays = [1, 2, 7, 14, 30, 90, 365].find((d) => (hi - lo) / (d * day) <= count) || 365;
  const out = [];
  for (let v = Math.ceil(lo / day) * day; v <= hi && out.length < 50; v += stepDays * day) out.push(v);
  return out;
}

// A tick label with as many decimals as the step needs (0, 0.5, 1 rather than 0.500, 1.00).
function fmtTick(v, step) {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function lineChart(opts) {
  const W = 640, H = 340, m = { l: 64, r: 18, t: 14, b: 48 };
  const root = svg('svg', { class: 'chart', id: opts.id, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.label });
  const all = opts.lines.flatMap((l) => l.points);
  if (!all.length) {
    svg('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle', text: 'No data for this selection' }, root);
    return root;
  }
  const ys = all.filter((p) => p.ok && p.y != null).map((p) => p.y).concat(all.map((p) => p.median).filter((v) => v != null))
    .concat(all.filter((p) => p.hi != null).map((p) => p.hi))
    .concat(all.filter((p) => p.ok && p.ci).map((p) => p.ci[1]));
  let x0 = Math.min(...all.map((p) => p.x)), x1 = Math.max(...all.map((p) => p.x));
  if (x0 === x1) { const pad = opts.time ? 86400 : Math.max(Math.abs(x0) * 0.5, 0.5); x0 -= pad; x1 += pad; }
  else { const pad = (x1 - x0) * 0.04; x0 -= pad; x1 += pad; }
  if (!opts.time && x0 < 0 && Math.min(...all.map((p) => p.x)) >= 0) x0 = 0;
  let y1 = ys.length ? Math.max(...ys) : 1;
  if (y1 <= 0) y1 = 1;
  const yt = ticks(0, y1 * 1.05, 5);
  const y0 = 0;
  y1 = yt[yt.length - 1];
  const sx = (v) => m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (v) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);

  const grid = svg('g', { class: 'grid' }, root);
  const axis = svg('g', { class: 'axis' }, root);
  for (const v of yt) {
    svg('line', { x1: m.l, x2: W - m.r, y1: sy(v), y2: sy(v) }, grid);
    svg('text', { x: m.l - 8, y: sy(v) + 4, 'text-anchor': 'end', text: fmtTick(v, yt.step) }, axis);
  }
  // Time axes tick at the sessions themselves while they are few; value axes at round numbers.
  const sessionTimes = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const xt = opts.time ? (sessionTimes.length <= 6 ? sessionTimes : dayTicks(x0, x1, 5)) : ticks(x0, x1, 6);
  const span = sessionTimes[sessionTimes.length - 1] - sessionTimes[0];
  for (const v of xt) {
    if (v < x0 || v > x1) continue;
    svg('line', { x1: sx(v), x2: sx(v), y1: H - m.b, y2: H - m.b + 5, stroke: '#9aa6b8' }, axis);
    const label = opts.time ? opts.xFormat(v, span) : fmtTick(v, xt.step || 1);
    // Labels at the ends are anchored inward so they are not cut off by the chart's edge.
    const half = label.length * 3.3;
    const anchor = sx(v) + half > W - 2 ? 'end' : sx(v) - half < 2 ? 'start' : 'middle';
    svg('text', { x: anchor === 'end' ? W - 2 : sx(v), y: H - m.b + 18, 'text-anchor': anchor, text: label }, axis);
  }
  svg('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, stroke: '#9aa6b8' }, axis);
  svg('text', { class: 'axis-label', x: (m.l + W - m.r) / 2, y: H - 8, 'text-anchor': 'middle', text: opts.xLabel }, root);
  svg('text', { class: 'axis-label', x: 14, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 14 ${(m.t + H - m.b) / 2})`, text: opts.yLabel }, root);

  // Dense series get smaller markers so that 250 sessions stay readable.
  const radius = all.length > 300 ? 2.2 : all.length > 60 ? 3.2 : 4.5;
  opts.lines.forEach((line) => {
    const color = opts.colorOf(line.key);
    const g = svg('g', { class: 'series', 'data-key': line.key }, root);
    const okPts = line.points.filter((p) => p.ok && p.y != null);
    if (okPts.length > 1) {
      svg('path', { d: okPts.map((p, j) => (j ? 'L' : 'M') + sx(p.x).toFixed(1) + ' ' + sy(p.y).toFixed(1)).join(' '),
        stroke: color }, g);
    }
    const medPts = line.points.filter((p) => p.median != null);
    if (medPts.length > 1) {
      const mg = svg('g', { class: 'median' }, g);
      svg('path', { d: medPts.map((p, j) => (j ? 'L' : 'M') + sx(p.x).toFixed(1) + ' ' + sy(p.median).toFixed(1)).join(' '),
        stroke: color }, mg);
    }
    for (const p of line.points) {
      const x = sx(p.x);
      const data = { 'data-key': line.key, 'data-x': p.x, 'data-value': p.ok && p.y != null ? p.y : '',
        'data-run-id': p.p.run_id, 'data-qps': p.p.qps, 'data-session': p.p.session_id };
      let marker;
      if (p.ok && p.lo != null && p.hi != null) {
        // A bracket (the capacity chart): a whisker from lo to hi behind the point.
        svg('line', { class: 'bracket', x1: x, x2: x, y1: sy(p.lo), y2: sy(p.hi), 'data-key': line.key,
          'data-lo': p.lo, 'data-hi': p.hi, style: 'stroke:' + color }, g);
      }
      if (p.ok && p.y != null && p.ci) {
        // A point of several trials: its 95% t-interval as an error bar, capped at both ends (the
        // ends are clamped to the plot; data-lo/data-hi keep the interval's own values).
        const clamp = (v) => Math.min(Math.max(sy(v), m.t), H - m.b);
        const ylo = clamp(p.ci[0]), yhi = clamp(p.ci[1]), cap = radius + 1.5;
        const bar = svg('g', { class: 'errorbar', 'data-key': line.key, 'data-lo': p.ci[0], 'data-hi': p.ci[1],
          'data-x': p.x, style: 'stroke:' + color }, g);
        svg('line', { class: 'errorbar-stem', x1: x, x2: x, y1: ylo, y2: yhi }, bar);
        svg('line', { class: 'errorbar-cap lo', x1: x - cap, x2: x + cap, y1: ylo, y2: ylo }, bar);
        svg('line', { class: 'errorbar-cap hi', x1: x - cap, x2: x + cap, y1: yhi, y2: yhi }, bar);
      }
      if (p.ok && p.y != null) {
        const y = sy(p.y);
        if (p.regressed) svg('circle', { class: 'halo', cx: x, cy: y, r: radius * 2 }, g);
        // A run whose own numbers are invalid (its "validity"): a hollow marker.
        const invalid = p.p.validity === 'invalid';
        const look = invalid ? { fill: '#fff', style: 'stroke:' + color } : { fill: color };
        marker = svg('circle', { class: 'point' + (p.regressed ? ' regressed' : '') + (invalid ? ' invalid' : ''), cx: x, cy: y,
          r: radius, ...look, ...data }, g);
      } else if (!p.ok) {
        // A failed run: a red cross on the x axis, so the failure shows where its point would be.
        const y = H - m.b - 8;
        marker = svg('g', { class: 'point failed' + (p.regressed ? ' regressed' : ''), ...data }, g);
        svg('path', { class: 'failed-mark', d: `M${x - 5} ${y - 5} L${x + 5} ${y + 5} M${x - 5} ${y + 5} L${x + 5} ${y - 5}` }, marker);
        svg('circle', { cx: x, cy: y, r: 8, fill: 'transparent' }, marker);
      }
      if (!marker) continue;
      marker.addEventListener('mouseenter', (e) => showTip(e, opts.describe({ key: line.key, p: p.p })));
      marker.addEventListener('mousemove', moveTip);
      marker.addEventListener('mouseleave', () => { tooltip.hidden = true; });
      if (p.p.run_id != null) marker.addEventListener('click', () => openRun(p.p.run_id, line.key));
    }
  });
  return root;
}

// "mean of 3 trials [lo, hi]" for a point of several trials (its value is their mean, the
// interval their 95% t-interval); "trial 2 of 3" for a point that is one trial.
function trialLine(p) {
  if (p.trials) return 'mean of ' + p.trials.count + ' trials [' + fmtNum(p.trials.ci95[0]) + ', ' + fmtNum(p.trials.ci95[1]) + ']';
  return p.trial ? 'trial ' + p.trial.index + ' of ' + p.trial.count : null;
}

// "numbers invalid" / "numbers suspect" in a tooltip; nothing for valid runs or runs without a verdict.
function validityLine(p) {
  return p.validity && p.validity !== 'valid' ? 'numbers ' + p.validity + ' (see the run\'s validity)' : null;
}

function showTip(e, lines) {
  tooltip.replaceChildren(...lines.filter((l) => l != null).flatMap((l, i) => (i ? [el('br'), l] : [el('b', { text: l })])));
  tooltip.hidden = false;
  moveTip(e);
}
function moveTip(e) {
  tooltip.style.left = Math.min(e.clientX + 14, window.innerWidth - 330) + 'px';
  tooltip.style.top = (e.clientY + 14) + 'px';
}

async function openRun(id, key) {
  const dialog = document.getElementById('run-dialog');
  document.getElementById('run-title').textContent = 'Run ' + id + ' · ' + key;
  const pre = document.getElementById('run-json');
  pre.textContent = 'Loading…';
  dialog.showModal();
  try {
    const res = await fetch('/api/runs/' + encodeURIComponent(id));
    pre.textContent = JSON.stringify(await res.json(), null, 2);
  } catch (err) {
    pre.textContent = 'Could not load the run: ' + err.message;
  }
}
document.getElementById('run-close').addEventListener('click', () => document.getElementById('run-dialog').close());

// ---- router ----------------------------------------------------------------------------------

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  const route = parseRoute();
  tooltip.hidden = true;
  try {
    if (route.page === 'workload') await showWorkload(route);
    else if (route.page === 'suite') await showSuite(route);
    else await showSuites();
    if (seq === renderSeq) document.body.dataset.ready = route.page;
  } catch (err) {
    if (seq === renderSeq) showError(err);
  }
}
window.addEventListener('hashchange', () => { delete document.body.dataset.ready; render(); });
render();
