// The event viewer: FilterLogEvents over a time range, newest or oldest first, pages loaded on
// scroll, JSON events expandable, live mode polling for new events.
import { logs } from '../api.js';
import { errorBox, field, fmtTime, go, h, link, rangePicker, timeRange } from '../ui.js';

const MAX_PAGES_PER_WINDOW = 10;

function messageCell(message) {
  const text = String(message ?? '');
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const obj = JSON.parse(t);
      return h('td', { class: 'msg' }, h('details', { class: 'ev' }, h('summary', {}, text.length > 300 ? text.slice(0, 300) + '…' : text),
        h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(obj, null, 2))));
    } catch { /* not JSON: plain text */ }
  }
  return h('td', { class: 'msg' }, text);
}

export async function renderEvents(root, params, alive) {
  const state = Object.fromEntries(['group', 'stream', 'filter', 'order', 'live', 'range', 'start', 'end'].map((k) => [k, params.get(k) || '']));
  const order = state.order === 'asc' ? 'asc' : 'desc';
  const live = state.live === '1';
  const update = (changes) => go('events', { ...state, ...changes });
  const r = timeRange(params);

  root.append(h('p', {}, h('a', { href: '#/groups' }, 'Log groups'), ' / ', h('a', { href: link('group', { name: state.group }) }, state.group), state.stream ? ' / ' + state.stream : ''),
    h('h1', {}, state.stream ? `Events of ${state.stream}` : `Events of ${state.group}`));
  const pattern = h('input', { id: 'filter-pattern', type: 'search', value: state.filter, size: 50, placeholder: 'Filter pattern, e.g. "ERROR" or { $.status >= 500 }' });
  const orderSel = h('select', { id: 'order' }, h('option', { value: 'desc', selected: order === 'desc' }, 'Newest first'), h('option', { value: 'asc', selected: order === 'asc' }, 'Oldest first'));
  const liveBox = h('input', { type: 'checkbox', id: 'live', checked: live });
  root.append(h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); update({ filter: pattern.value, order: orderSel.value }); } },
    field('Filter pattern', pattern), field('Order', orderSel), h('button', { type: 'submit', class: 'primary' }, 'Search'),
    h('label', {}, liveBox, ' Live (follow new events)')),
  rangePicker(params, (t) => update(t)),
  h('p', {}, h('a', { href: link('insights', { groups: state.group, range: state.range, start: state.start, end: state.end,
    q: `fields @timestamp, @message, @logStream\n${state.filter ? `| filter @message like ${JSON.stringify(state.filter.replace(/^"|"$/g, ''))}\n` : ''}| sort @timestamp desc\n| limit 100` }) }, 'Open in Logs Insights')));
  liveBox.addEventListener('change', () => update({ live: liveBox.checked ? '1' : '' }));

  const status = h('div', { 'aria-live': 'polite' });
  const tbody = h('tbody');
  const sentinel = h('div', { class: 'sentinel' });
  const foot = h('p', { class: 'muted', id: 'events-foot' });
  root.append(status, h('table', { 'aria-label': 'Log events' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', style: 'width:13em' }, 'Time'), h('th', { scope: 'col' }, 'Message'))), tbody), foot, sentinel);

  const base = { logGroupName: state.group, limit: 200 };
  if (state.filter) base.filterPattern = state.filter;
  if (state.stream) base.logStreamNames = [state.stream];
  const seen = new Set();
  let count = 0;
  let newest = r.start;
  const row = (e) => h('tr', {}, h('td', {}, fmtTime(e.timestamp, true)), messageCell(e.message));
  function add(events, atTop) {
    const rows = [];
    for (const e of events) {
      if (seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      newest = Math.max(newest, e.timestamp);
      rows.push(row(e));
    }
    count += rows.length;
    if (atTop) tbody.prepend(...rows); else tbody.append(...rows);
    foot.textContent = `${count} event${count === 1 ? '' : 's'} shown`;
  }

  let done = false; let loading = false; let token; let winEnd = r.end + 1;
  const width = Math.max(60000, Math.ceil((r.end - r.start) / 24));
  async function loadMore() {
    if (done || loading || !alive()) return;
    loading = true;
    try {
      if (order === 'asc') {
        const out = await logs('FilterLogEvents', { ...base, startTime: r.start, endTime: r.end, ...(token ? { nextToken: token } : {}) });
        if (!alive()) return;
        add(out.events || [], false);
        token = out.nextToken;
        done = !token;
      } else {
        // Newest first: whole windows back from the end, each read oldest-first and reversed.
        let got = 0;
        while (!got && winEnd > r.start) {
          const ws = Math.max(r.start, winEnd - width);
          let events = []; let t; let pages = 0;
          do {
            const out = await logs('FilterLogEvents', { ...base, startTime: ws, endTime: winEnd - 1, ...(t ? { nextToken: t } : {}) });
            if (!alive()) return;
            events = events.concat(out.events || []);
            t = out.nextToken;
          } while (t && ++pages < MAX_PAGES_PER_WINDOW);
          events.sort((a, b) => b.timestamp - a.timestamp);
          add(events, false);
          got = events.length;
          winEnd = ws;
        }
        done = winEnd <= r.start;
      }
      if (done) foot.textContent = `${count} event${count === 1 ? '' : 's'} · end of range ${fmtTime(r.start)} – ${fmtTime(r.end)}`;
    } catch (e) {
      done = true;
      if (alive()) status.replaceChildren(errorBox(e));
    } finally {
      loading = false;
    }
    if (!done && alive() && sentinel.getBoundingClientRect().top < innerHeight + 200) loadMore();
  }
  new IntersectionObserver((entries, obs) => {
    if (!alive()) { obs.disconnect(); return; }
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '200px' }).observe(sentinel);
  await loadMore();

  if (live) {
    const poll = async () => {
      if (!alive()) return;
      try {
        const out = await logs('FilterLogEvents', { ...base, startTime: newest });
        if (!alive()) return;
        const evs = (out.events || []).sort((a, b) => (order === 'asc' ? a.timestamp - b.timestamp : b.timestamp - a.timestamp));
        add(evs, order !== 'asc');
        status.replaceChildren(h('span', { class: 'muted' }, `Live: polled ${fmtTime(Date.now())}`));
      } catch (e) { status.replaceChildren(errorBox(e)); }
      setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  }
}
