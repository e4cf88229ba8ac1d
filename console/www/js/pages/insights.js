// Logs Insights: editor with history and saved queries, results table, histogram of matching
// events, and a chart for `stats ... by bin()`.
import { logs } from '../api.js';
import { histogram, lineChart } from '../chart.js';
import { errorBox, field, fmtTime, go, h, rangePicker, table, timeRange } from '../ui.js';

const HISTORY = 'cwlogd.queryHistory';
const DEFAULT_QUERY = 'fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 100';
const EXAMPLES = [
  ['Lines with a 5xx status', 'fields @timestamp, @message\n| filter @message like / 5\\d\\d /\n| sort @timestamp desc\n| limit 100'],
  ['5xx lines per 5 minutes (chart)', 'filter @message like / 5\\d\\d /\n| stats count(*) as errors by bin(5m)'],
  ['Events per 5 minutes by stream (chart)', 'stats count(*) as events by bin(5m), @logStream'],
  ['Most frequent messages', 'stats count(*) as n by @message\n| sort n desc\n| limit 20'],
  ['Lines containing ERROR', 'fields @timestamp, @message\n| filter @message like /ERROR/\n| sort @timestamp desc\n| limit 100'],
];
const history = () => { try { return JSON.parse(localStorage.getItem(HISTORY) || '[]'); } catch { return []; } };
function remember(q) {
  const list = [q, ...history().filter((x) => x !== q)].slice(0, 20);
  localStorage.setItem(HISTORY, JSON.stringify(list));
}

// "2026-12-07 16:00:00.000" (UTC, as Insights writes it) -> ms.
const parseTs = (v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d/.test(v) ? Date.parse(v.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z')) : NaN);
const isNum = (v) => v !== undefined && v !== '' && !Number.isNaN(Number(v));

// Splits a query at top-level pipes (not inside quotes, regexes or parentheses).
function commands(q) {
  const out = []; let cur = ''; let quote = null; let depth = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (quote) { cur += c; if (c === '\\') { cur += q[++i] ?? ''; } else if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// A count-per-bin query over the same matches (filter/parse only), for the histogram; null for
// queries that aggregate (their own chart tells more).
function histogramQuery(q, binMs) {
  const cmds = commands(q);
  if (cmds.some((c) => /^stats\b/i.test(c))) return null;
  const keep = cmds.filter((c) => /^(filter|parse|filterIndex|fields)\b/i.test(c));
  return [...keep, `stats count(*) as n by bin(${Math.round(binMs / 1000)}s)`].join('\n| ');
}

function pickBin(spanMs) {
  for (const s of [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800, 21600, 43200, 86400]) if (spanMs / (s * 1000) <= 120) return s * 1000;
  return 86400000;
}

async function runQuery(groups, range, q, alive, onStatus) {
  const { queryId } = await logs('StartQuery', { logGroupNames: groups, startTime: Math.floor(range.start / 1000), endTime: Math.ceil(range.end / 1000), queryString: q });
  for (let i = 0; i < 600 && alive(); i++) {
    const out = await logs('GetQueryResults', { queryId });
    if (onStatus) onStatus(out);
    if (!['Scheduled', 'Running'].includes(out.status)) return out;
    await new Promise((res) => setTimeout(res, i < 10 ? 150 : 500));
  }
  if (alive()) await logs('StopQuery', { queryId }).catch(() => {});
  return { status: 'Cancelled', results: [] };
}

// Rows of [{field, value}] -> {cols, rows: [{col: value}]}
function tabulate(results) {
  const cols = [];
  const rows = results.map((r) => {
    const o = {};
    for (const { field: f, value } of r) {
      if (f === '@ptr') continue;
      if (!cols.includes(f)) cols.push(f);
      o[f] = value;
    }
    return o;
  });
  return { cols, rows };
}

// A chart for `stats ... by bin()`: the time column, numeric columns as series (split by any
// other group-by column).
export function statsChart(q, cols, rows, range) {
  if (!/\bby\b[^|]*\bbin\s*\(/i.test(q) || !rows.length) return null;
  const tcol = cols.find((c) => rows.every((r) => !Number.isNaN(parseTs(r[c]))));
  if (!tcol) return null;
  const numCols = cols.filter((c) => c !== tcol && rows.every((r) => isNum(r[c])));
  const keyCols = cols.filter((c) => c !== tcol && !numCols.includes(c));
  if (!numCols.length) return null;
  const series = new Map();
  for (const r of rows) {
    for (const c of numCols) {
      const label = [...keyCols.map((k) => r[k] ?? ''), numCols.length > 1 || !keyCols.length ? c : null].filter((x) => x !== null).join(' ');
      if (!series.has(label)) series.set(label, []);
      series.get(label).push([parseTs(r[tcol]), Number(r[c])]);
    }
  }
  // Bins without matches are absent from the results: they count 0 on the chart.
  const m = /\bbin\s*\(\s*(\d+)\s*(ms|s|m|h|d)?\s*\)/i.exec(q);
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[(m && m[2] || 'm').toLowerCase()];
  const binMs = m ? Number(m[1]) * unit : 0;
  if (binMs > 0 && range && (range.end - range.start) / binMs <= 2000) {
    for (const points of series.values()) {
      const have = new Set(points.map((p) => p[0]));
      for (let t = Math.ceil(range.start / binMs) * binMs; t < range.end; t += binMs) if (!have.has(t)) points.push([t, 0]);
    }
  }
  return lineChart([...series].slice(0, 10).map(([label, points]) => ({ label, points })), `Chart of ${numCols.join(', ')} by ${tcol}`, range);
}

export async function renderInsights(root, params, alive) {
  const state = Object.fromEntries(['groups', 'q', 'range', 'start', 'end'].map((k) => [k, params.get(k) || '']));
  const run = params.get('run') === '1';
  const range = timeRange(params);
  root.append(h('h1', {}, 'Logs Insights'));

  const groupsInput = h('input', { id: 'query-groups', value: state.groups, size: 60, list: 'group-names', placeholder: 'Log group names, comma-separated' });
  const datalist = h('datalist', { id: 'group-names' });
  const editor = h('textarea', { id: 'query-text', rows: 6, spellcheck: false }, state.q || DEFAULT_QUERY);
  const hist = h('select', { id: 'query-history', 'aria-label': 'Query history' }, h('option', { value: '' }, 'History…'), history().map((x) => h('option', { value: x }, x.replace(/\s+/g, ' ').slice(0, 90))));
  hist.addEventListener('change', () => { if (hist.value) editor.value = hist.value; });
  const examples = h('select', { id: 'query-examples', 'aria-label': 'Example queries' }, h('option', { value: '' }, 'Examples…'),
    EXAMPLES.map(([label, q]) => h('option', { value: q }, label)));
  examples.addEventListener('change', () => { if (examples.value) editor.value = examples.value; examples.value = ''; });
  const saved = h('select', { id: 'saved-queries', 'aria-label': 'Saved queries' }, h('option', { value: '' }, 'Saved queries…'));
  const saveName = h('input', { id: 'save-name', placeholder: 'Name', size: 20 });
  const saveStatus = h('span', { 'aria-live': 'polite' });
  const defs = new Map();
  const current = () => ({ groups: groupsInput.value.split(',').map((s) => s.trim()).filter(Boolean).join(','), q: editor.value, range: state.range, start: state.start, end: state.end });
  const submit = () => { remember(editor.value); go('insights', { ...current(), run: '1' }); };
  editor.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } });

  root.append(h('form', { onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('div', { class: 'row' }, field('Log groups', groupsInput), datalist),
    rangePicker(params, (t) => go('insights', { ...current(), ...t, run: run ? '1' : '' })),
    field('Query (Ctrl+Enter runs it)', editor),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'run-query' }, 'Run query'), examples, hist, saved,
      field('Save as', saveName), h('button', { type: 'button', id: 'save-query', onclick: async () => {
        const name = saveName.value.trim();
        const existing = [...defs.values()].find((d) => d.name === name);
        try {
          const out = await logs('PutQueryDefinition', { name, queryString: editor.value, logGroupNames: current().groups ? current().groups.split(',') : undefined, ...(existing ? { queryDefinitionId: existing.queryDefinitionId } : {}) });
          saveStatus.replaceChildren(`Saved "${name}".`);
          defs.set(out.queryDefinitionId, { name, queryString: editor.value, queryDefinitionId: out.queryDefinitionId, logGroupNames: current().groups.split(',') });
          if (!existing) saved.append(h('option', { value: out.queryDefinitionId }, name));
        } catch (e) { saveStatus.replaceChildren(errorBox(e)); }
      } }, 'Save query'), saveStatus)));
  saved.addEventListener('change', () => {
    const d = defs.get(saved.value);
    if (!d) return;
    editor.value = d.queryString;
    saveName.value = d.name;
    if (d.logGroupNames && d.logGroupNames.length) groupsInput.value = d.logGroupNames.join(',');
  });

  const out = h('div', { id: 'query-output' });
  root.append(out);
  logs('DescribeQueryDefinitions', { maxResults: 1000 }).then((r) => {
    for (const d of r.queryDefinitions || []) { defs.set(d.queryDefinitionId, d); saved.append(h('option', { value: d.queryDefinitionId }, d.name)); }
  }).catch((e) => { if (alive()) saveStatus.replaceChildren(errorBox(e)); });
  logs('DescribeLogGroups', { limit: 50 }).then((r) => {
    for (const g of r.logGroups || []) datalist.append(h('option', { value: g.logGroupName }));
  }).catch(() => {});

  if (!run) { out.append(h('p', { class: 'muted' }, 'Pick log groups and a time range, write a query and run it.')); return; }
  const groups = current().groups.split(',').filter(Boolean);
  if (!groups.length) { out.append(errorBox({ type: 'ConsoleError', message: 'Name at least one log group.' })); return; }
  const status = h('p', { class: 'muted', 'aria-live': 'polite', id: 'query-status' }, 'Running…');
  const histBox = h('div', { id: 'query-histogram' });
  const chartBox = h('div', { id: 'query-chart' });
  const tableBox = h('div', { id: 'query-results' });
  out.append(status, histBox, chartBox, tableBox);
  const binMs = pickBin(range.end - range.start);
  const hq = histogramQuery(editor.value, binMs);
  const histRun = hq ? runQuery(groups, range, hq, alive).catch(() => null) : Promise.resolve(null);
  const res = await runQuery(groups, range, editor.value, alive, (o) => {
    const st = o.statistics || {};
    status.textContent = `${o.status}: ${st.recordsMatched ?? 0} records matched, ${st.recordsScanned ?? 0} scanned`;
  });
  if (!alive()) return;
  const { cols, rows } = tabulate(res.results || []);
  status.textContent = `${res.status}: ${rows.length} rows · ${(res.statistics || {}).recordsMatched ?? 0} records matched of ${(res.statistics || {}).recordsScanned ?? 0} scanned · ${fmtTime(range.start)} – ${fmtTime(range.end)}`;
  const chart = statsChart(editor.value, cols, rows, range);
  if (chart) chartBox.append(h('h2', {}, 'Chart'), chart);
  tableBox.append(h('h2', {}, 'Results'), rows.length
    ? table(cols, rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: c === '@message' ? 'msg' : null }, (c === '@timestamp' || /^bin\s*\(/i.test(c)) && !Number.isNaN(parseTs(r[c])) ? fmtTime(parseTs(r[c]), true) : r[c] ?? '')))), { label: 'Query results' })
    : h('p', { class: 'muted' }, 'No results.'));
  const hres = await histRun;
  if (hres && alive() && hres.status === 'Complete') {
    const buckets = tabulate(hres.results || []).rows.map((r) => [parseTs(Object.values(r).find((v) => !Number.isNaN(parseTs(v)))), Number(r.n)]);
    histBox.append(histogram(buckets.filter((b) => !Number.isNaN(b[0])), binMs, range));
  }
}
