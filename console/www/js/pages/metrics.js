// Metrics: namespace -> metric -> dimensions (ListMetrics), a line chart from GetMetricData.
import { cw } from '../api.js';
import { lineChart } from '../chart.js';
import { errorBox, field, go, h, link, rangePicker, timeRange } from '../ui.js';

const STATS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount', 'p50', 'p90', 'p99'];
const PERIODS = [[60, '1 minute'], [300, '5 minutes'], [900, '15 minutes'], [3600, '1 hour'], [21600, '6 hours'], [86400, '1 day']];

export const dimsKey = (dims) => (dims || []).map((d) => `${d.Name}=${d.Value}`).join(',');
export const parseDims = (s) => (s ? s.split(',').filter(Boolean).map((p) => { const i = p.indexOf('='); return { Name: p.slice(0, i), Value: p.slice(i + 1) }; }) : []);

async function listAll(req, maxPages = 20) {
  let out = []; let token;
  for (let i = 0; i < maxPages; i++) {
    const r = await cw('ListMetrics', { ...req, ...(token ? { NextToken: token } : {}) });
    out = out.concat(r.Metrics || []);
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}

// One GetMetricData series -> [[ms, value]] (all pages).
export async function metricSeries(metric, stat, period, range) {
  let points = []; let token;
  for (let i = 0; i < 20; i++) {
    const r = await cw('GetMetricData', {
      MetricDataQueries: [{ Id: 'm1', MetricStat: { Metric: metric, Period: period, Stat: stat }, ReturnData: true }],
      StartTime: Math.floor(range.start / 1000), EndTime: Math.ceil(range.end / 1000), ScanBy: 'TimestampAscending',
      ...(token ? { NextToken: token } : {}) });
    for (const res of r.MetricDataResults || []) {
      (res.Timestamps || []).forEach((t, j) => points.push([typeof t === 'number' ? t * 1000 : Date.parse(t), res.Values[j]]));
    }
    token = r.NextToken;
    if (!token) break;
  }
  return points;
}

export async function renderMetrics(root, params, alive) {
  const state = Object.fromEntries(['ns', 'metric', 'dims', 'stat', 'period', 'range', 'start', 'end'].map((k) => [k, params.get(k) || '']));
  const update = (c) => go('metrics', { ...state, ...c });
  root.append(h('h1', {}, 'Metrics'));
  const nav = h('p', {}, h('a', { href: '#/metrics' }, 'All namespaces'),
    state.ns ? [' / ', h('a', { href: link('metrics', { ns: state.ns }) }, state.ns)] : null,
    state.metric ? [' / ', state.metric] : null);
  root.append(nav);
  if (!state.ns) {
    const all = await listAll({});
    if (!alive()) return;
    const nss = [...new Set(all.map((m) => m.Namespace))].sort();
    root.append(nss.length ? h('ul', { class: 'plain', 'aria-label': 'Namespaces' }, nss.map((n) => h('li', {}, h('a', { href: link('metrics', { ns: n }) }, n),
      h('span', { class: 'muted' }, ` · ${all.filter((m) => m.Namespace === n).length} metrics`))))
      : h('p', { class: 'muted' }, 'No metrics yet. PutMetricData or a metric filter creates them.'));
    return;
  }
  if (!state.metric) {
    const all = await listAll({ Namespace: state.ns });
    if (!alive()) return;
    const names = [...new Set(all.map((m) => m.MetricName))].sort();
    root.append(h('ul', { class: 'plain', 'aria-label': 'Metrics' }, names.map((n) => h('li', {}, h('a', { href: link('metrics', { ns: state.ns, metric: n }) }, n)))));
    return;
  }
  const all = await listAll({ Namespace: state.ns, MetricName: state.metric });
  if (!alive()) return;
  const combos = all.map((m) => dimsKey(m.Dimensions));
  const dims = state.dims || (combos.length === 1 ? combos[0] : state.dims);
  const dimSel = h('select', { id: 'metric-dims' }, (combos.length ? combos : ['']).map((c) => h('option', { value: c, selected: c === dims }, c || '(no dimensions)')));
  const statSel = h('select', { id: 'metric-stat' }, STATS.map((s) => h('option', { value: s, selected: (state.stat || 'Average') === s }, s)));
  const periodSel = h('select', { id: 'metric-period' }, PERIODS.map(([p, l]) => h('option', { value: p, selected: Number(state.period || 300) === p }, l)));
  root.append(h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); update({ dims: dimSel.value, stat: statSel.value, period: periodSel.value }); } },
    field('Dimensions', dimSel), field('Statistic', statSel), field('Period', periodSel), h('button', { type: 'submit', class: 'primary' }, 'Show')),
  rangePicker(params, (t) => update(t), '3h'));
  const range = timeRange(params, '3h');
  const metric = { Namespace: state.ns, MetricName: state.metric, Dimensions: parseDims(dimSel.value) };
  const box = h('div', { class: 'card', id: 'metric-chart' });
  root.append(box);
  try {
    const points = await metricSeries(metric, statSel.value, Number(periodSel.value), range);
    if (!alive()) return;
    box.append(lineChart([{ label: `${state.metric} ${dimSel.value} (${statSel.value})`, points }], `${state.ns} ${state.metric}`, range));
  } catch (e) { box.append(errorBox(e)); }
}
