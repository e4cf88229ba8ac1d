// Log groups: filter by prefix or pattern, retention, stored bytes, metric filters; paged.
import { logs } from '../api.js';
import { errorBox, fmtBytes, fmtTime, go, h, link, table } from '../ui.js';

export async function renderGroups(root, params, alive) {
  const text = params.get('q') || '';
  const mode = params.get('mode') || 'prefix';
  const input = h('input', { type: 'search', id: 'group-filter', value: text, placeholder: 'Filter log groups', 'aria-label': 'Filter log groups' });
  const modeSel = h('select', { 'aria-label': 'Filter mode' },
    h('option', { value: 'prefix', selected: mode === 'prefix' }, 'Name starts with'),
    h('option', { value: 'pattern', selected: mode === 'pattern' }, 'Name contains'));
  const submit = () => go('groups', { q: input.value.trim(), mode: modeSel.value });
  root.append(h('h1', {}, 'Log groups'),
    h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); submit(); } }, modeSel, input, h('button', { type: 'submit' }, 'Search')));
  const tbody = h('tbody', {});
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', id: 'groups-more', hidden: true }, 'Load more');
  const status = h('div');
  root.append(count, h('table', { 'aria-label': 'Log groups' },
    h('thead', {}, h('tr', {}, ['Name', 'Retention', 'Stored bytes', 'Metric filters', 'Created'].map((x, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : null }, x)))),
    tbody), more, status);
  let token; let shown = 0;
  async function load() {
    more.disabled = true;
    const req = { limit: 50 };
    if (text) req[mode === 'pattern' ? 'logGroupNamePattern' : 'logGroupNamePrefix'] = text;
    if (token) req.nextToken = token;
    try {
      const out = await logs('DescribeLogGroups', req);
      if (!alive()) return;
      for (const g of out.logGroups || []) {
        tbody.append(h('tr', {},
          h('td', {}, h('a', { href: link('group', { name: g.logGroupName }) }, g.logGroupName)),
          h('td', {}, g.retentionInDays ? `${g.retentionInDays} days` : 'Never expire'),
          h('td', { class: 'num' }, fmtBytes(g.storedBytes || 0)),
          h('td', { class: 'num' }, g.metricFilterCount || 0),
          h('td', {}, fmtTime(g.creationTime))));
      }
      shown += (out.logGroups || []).length;
      token = out.nextToken;
      count.textContent = `${shown} log group${shown === 1 ? '' : 's'}${token ? ' (more available)' : ''}`;
      more.hidden = !token;
      more.disabled = false;
    } catch (e) {
      if (alive()) status.replaceChildren(errorBox(e));
      throw e;
    }
  }
  more.addEventListener('click', () => load().catch(() => {}));
  await load();
}
