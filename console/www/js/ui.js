// Small DOM, URL-state, time and error helpers shared by the pages.

// h('a', {href: '#'}, 'text', child...) -> element. `on*` attributes become listeners.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// The page and its state live in the hash: #/page?key=value (shareable).
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  return { page: (q < 0 ? hash : hash.slice(0, q)) || 'groups', params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
}
export function link(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${page}${s ? '?' + s : ''}`;
}
export function go(page, params) { location.hash = link(page, params); }
// Updates the URL without re-rendering the page (state already shown).
export function replaceParams(page, params) { history.replaceState(null, '', link(page, params)); }

// --- time -------------------------------------------------------------------------------------
export const utc = () => localStorage.getItem('cwlogd.utc') === '1';
export function setUtc(on) { localStorage.setItem('cwlogd.utc', on ? '1' : '0'); }
const pad = (n, w = 2) => String(n).padStart(w, '0');
export function fmtTime(ms, withMs = false) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const u = utc();
  const parts = u
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const s = `${parts[0]}-${pad(parts[1])}-${pad(parts[2])} ${pad(parts[3])}:${pad(parts[4])}:${pad(parts[5])}`;
  return s + (withMs ? '.' + pad(parts[6], 3) : '') + (u ? 'Z' : '');
}
// datetime-local input value <-> ms, in the chosen zone.
export function toInput(ms) { return fmtTime(ms).replace(' ', 'T').replace('Z', ''); }
export function fromInput(v) {
  if (!v) return NaN;
  return utc() ? Date.parse(v + 'Z') : new Date(v).getTime();
}

export const PRESETS = [['5m', '5 minutes', 3e5], ['15m', '15 minutes', 9e5], ['1h', '1 hour', 36e5],
  ['3h', '3 hours', 108e5], ['12h', '12 hours', 432e5], ['1d', '1 day', 864e5], ['yesterday', 'Yesterday', 0],
  ['7d', '7 days', 6048e5], ['30d', '30 days', 2592e6]];

// {start, end} in ms from params range=<preset> or start=&end= (ms or ISO).
export function timeRange(params, fallback = '1h') {
  const num = (v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v));
  if (params.get('start')) {
    const start = num(params.get('start'));
    const end = params.get('end') ? num(params.get('end')) : Date.now();
    if (!Number.isNaN(start) && !Number.isNaN(end)) return { start, end, label: 'custom' };
  }
  const key = params.get('range') || fallback;
  const now = Date.now();
  if (key === 'yesterday') {
    const d = new Date(now);
    if (utc()) d.setUTCHours(0, 0, 0, 0); else d.setHours(0, 0, 0, 0);
    return { start: d.getTime() - 864e5, end: d.getTime(), label: key };
  }
  const p = PRESETS.find((x) => x[0] === key) || PRESETS.find((x) => x[0] === fallback);
  return { start: now - p[2], end: now, label: p[0] };
}

// Preset buttons plus absolute start/end inputs. onChange({range} | {start, end}).
export function rangePicker(params, onChange, fallback = '1h') {
  const r = timeRange(params, fallback);
  const start = h('input', { type: 'datetime-local', step: 1, value: toInput(r.start), 'aria-label': 'Start time' });
  const end = h('input', { type: 'datetime-local', step: 1, value: toInput(r.end), 'aria-label': 'End time' });
  const sel = h('select', { 'aria-label': 'Time range', onchange: () => {
    if (sel.value !== 'custom') onChange({ range: sel.value, start: '', end: '' });
  } }, PRESETS.map(([k, label]) => h('option', { value: k, selected: r.label === k }, label)),
  h('option', { value: 'custom', selected: r.label === 'custom' }, 'Absolute…'));
  const apply = h('button', { type: 'button', onclick: () => {
    const s = fromInput(start.value); const e = fromInput(end.value);
    if (!Number.isNaN(s) && !Number.isNaN(e)) onChange({ range: '', start: new Date(s).toISOString(), end: new Date(e).toISOString() });
  } }, 'Apply');
  return h('span', { class: 'row', role: 'group', 'aria-label': 'Time range' }, sel, start, end, apply);
}

// --- errors -----------------------------------------------------------------------------------
// The API's error as it wrote it: __type and message.
export function errorBox(err) {
  const type = err && err.type ? err.type : (err && err.name) || 'Error';
  return h('div', { class: 'error', role: 'alert' }, h('b', {}, type), ': ', err && err.message !== undefined ? err.message : String(err));
}

export function fmtBytes(n) {
  if (n === undefined || n === null) return '';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(1) : v} ${u[i]}`;
}

export function table(headers, rows, opts = {}) {
  return h('table', { 'aria-label': opts.label },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: opts.num && opts.num.includes(x) ? 'num' : null }, x)))),
    h('tbody', {}, rows));
}

export function field(label, control) {
  return h('label', { class: 'f' }, label, control);
}
