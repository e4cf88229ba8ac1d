// Dashboards: ListDashboards, and GetDashboard's body rendered on its 24-column grid: metric,
// log (Insights query), text (markdown) and alarm widgets.
import { cw, logs } from '../api.js';
import { lineChart } from '../chart.js';
import { errorBox, h, link, rangePicker, go, table, timeRange } from '../ui.js';
import { metricSeries } from './metrics.js';
import { statsChart } from './insights.js';

// Markdown subset, built as DOM (never innerHTML): headings, lists, paragraphs, **bold**,
// `code`, [links](url).
function inline(text) {
  const out = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0; let m;
  while ((m = re.exec(text))) {
    out.push(text.slice(last, m.index));
    if (m[1]) out.push(h('strong', {}, m[1]));
    else if (m[2]) out.push(h('code', {}, m[2]));
    else out.push(h('a', { href: /^(https?:|#)/.test(m[4]) ? m[4] : '#', rel: 'noopener' }, m[3]));
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}
export function markdown(src) {
  const root = h('div', { class: 'md' });
  let list = null; let para = [];
  const flush = () => { if (para.length) root.append(h('p', {}, inline(para.join(' ')))); para = []; };
  for (const line of String(src || '').split('\n')) {
    const hd = /^(#{1,6})\s+(.*)$/.exec(line);
    const li = /^\s*[-*]\s+(.*)$/.exec(line);
    if (hd) { flush(); list = null; root.append(h(`h${Math.min(6, hd[1].length + 1)}`, {}, inline(hd[2]))); } else if (li) {
      flush();
      if (!list) { list = h('ul'); root.append(list); }
      list.append(h('li', {}, inline(li[1])));
    } else if (!line.trim()) { flush(); list = null; } else { list = null; para.push(line.trim()); }
  }
  flush();
  return root;
}

// ["Ns", "Metric", "DimName", "DimValue", ..., {stat, label}] and [".", ...] repeats of the row above.
function metricRows(metrics) {
  const out = []; let prev = [];
  for (const row of metrics || []) {
    if (!Array.isArray(row)) continue;
    const opts = typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {};
    const parts = row.filter((x) => typeof x === 'string').map((x, i) => (x === '.' ? prev[i] : x));
    prev = parts;
    if (parts.length < 2 || opts.expression) continue;
    const dims = [];
    for (let i = 2; i + 1 < parts.length; i += 2) dims.push({ Name: parts[i], Value: parts[i + 1] });
    out.push({ metric: { Namespace: parts[0], MetricName: parts[1], Dimensions: dims }, opts });
  }
  return out;
}

async function widgetBody(w, range, alive) {
  const p = w.properties || {};
  if (w.type === 'text') return markdown(p.markdown);
  if (w.type === 'metric') {
    const rows = metricRows(p.metrics);
    const series = [];
    for (const { metric, opts } of rows.slice(0, 10)) {
      const points = await metricSeries(metric, opts.stat || p.stat || 'Average', Number(opts.period || p.period || 300), range);
      series.push({ label: opts.label || `${metric.MetricName} ${metric.Dimensions.map((d) => d.Value).join(' ')}`, points });
    }
    return series.length ? lineChart(series, p.title || 'metric widget', range) : h('p', { class: 'muted' }, 'No metrics in this widget.');
  }
  if (w.type === 'log') {
    const q = String(p.query || '');
    const m = /^\s*SOURCE\s+(.*?)\s*\|\s*([\s\S]*)$/i.exec(q);
    const groups = m ? [...m[1].matchAll(/'([^']+)'|"([^"]+)"/g)].map((x) => x[1] || x[2]) : [];
    const body = m ? m[2] : q;
    const { queryId } = await logs('StartQuery', { logGroupNames: groups, startTime: Math.floor(range.start / 1000), endTime: Math.ceil(range.end / 1000), queryString: body });
    let r;
    for (let i = 0; i < 200 && alive(); i++) {
      r = await logs('GetQueryResults', { queryId });
      if (!['Scheduled', 'Running'].includes(r.status)) break;
      await new Promise((res) => setTimeout(res, 300));
    }
    const cols = []; const rows = (r.results || []).map((row) => Object.fromEntries(row.filter((f) => f.field !== '@ptr').map((f) => { if (!cols.includes(f.field)) cols.push(f.field); return [f.field, f.value]; })));
    const chart = p.view && p.view !== 'table' ? statsChart(body, cols, rows, range) : null;
    return h('div', {}, chart || table(cols, rows.slice(0, 50).map((x) => h('tr', {}, cols.map((c) => h('td', {}, x[c] ?? '')))), { label: p.title || 'Log widget' }),
      h('a', { href: link('insights', { groups: groups.join(','), q: body, run: '1' }) }, 'Open in Logs Insights'));
  }
  if (w.type === 'alarm') {
    const names = (p.alarms || []).map((a) => String(a).split(':alarm:').pop());
    const r = names.length ? await cw('DescribeAlarms', { AlarmNames: names.slice(0, 100) }) : {};
    const all = [...(r.MetricAlarms || []), ...(r.CompositeAlarms || [])];
    return h('ul', { class: 'plain' }, all.map((a) => h('li', {}, h('span', { class: `pill ${a.StateValue}` }, a.StateValue), ' ', h('a', { href: link('alarms', { name: a.AlarmName }) }, a.AlarmName))));
  }
  return h('p', { class: 'muted' }, `Widget type "${w.type}" is not shown by this console.`);
}

export async function renderDashboards(root, params, alive) {
  const name = params.get('name') || '';
  root.append(h('h1', {}, name ? `Dashboard ${name}` : 'Dashboards'));
  if (!name) {
    const r = await cw('ListDashboards', {});
    if (!alive()) return;
    const rows = (r.DashboardEntries || []).map((d) => h('tr', {}, h('td', {}, h('a', { href: link('dashboards', { name: d.DashboardName }) }, d.DashboardName)), h('td', { class: 'num' }, d.Size ?? '')));
    root.append(rows.length ? table(['Name', 'Size'], rows, { label: 'Dashboards' }) : h('p', { class: 'muted' }, 'No dashboards.'));
    return;
  }
  root.append(h('p', {}, h('a', { href: '#/dashboards' }, 'All dashboards')), rangePicker(params, (t) => go('dashboards', { name, ...t }), '3h'));
  const d = await cw('GetDashboard', { DashboardName: name });
  if (!alive()) return;
  let body;
  try { body = JSON.parse(d.DashboardBody || '{}'); } catch (e) { root.append(errorBox({ type: 'InvalidDashboardBody', message: e.message })); return; }
  const range = timeRange(params, '3h');
  const grid = h('div', { class: 'grid' });
  root.append(grid);
  await Promise.all((body.widgets || []).map(async (w) => {
    const cell = h('section', { class: 'card', style: `grid-column:${(w.x ?? 0) + 1} / span ${Math.min(24, w.width || 6)};grid-row:${(w.y ?? 0) + 1} / span ${w.height || 6}`,
      'aria-label': (w.properties || {}).title || w.type }, (w.properties || {}).title ? h('h2', {}, w.properties.title) : null);
    grid.append(cell);
    try { cell.append(await widgetBody(w, range, alive)); } catch (e) { cell.append(errorBox(e)); }
  }));
}
