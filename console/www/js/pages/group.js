// One log group: streams by last event, retention and tags (editable), metric and subscription filters.
import { logs } from '../api.js';
import { errorBox, field, fmtBytes, fmtTime, h, link, table } from '../ui.js';

const RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export async function renderGroup(root, params, alive) {
  const name = params.get('name') || '';
  root.append(h('p', {}, h('a', { href: '#/groups' }, 'Log groups'), ' / '), h('h1', {}, name));
  const found = await logs('DescribeLogGroups', { logGroupNamePrefix: name, limit: 50 });
  if (!alive()) return;
  const g = (found.logGroups || []).find((x) => x.logGroupName === name);
  if (!g) {
    root.append(errorBox({ type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }));
    return;
  }
  root.append(h('p', { class: 'row' },
    h('a', { href: link('events', { group: name }) }, 'Search all events'), ' · ',
    h('a', { href: link('insights', { groups: name }) }, 'Query in Logs Insights'), ' · ',
    h('span', { class: 'muted' }, `Stored: ${fmtBytes(g.storedBytes || 0)} · Created ${fmtTime(g.creationTime)}`)));

  // Retention.
  const retStatus = h('span', { 'aria-live': 'polite' });
  const ret = h('select', { id: 'retention', 'aria-label': 'Retention' }, h('option', { value: '' }, 'Never expire'),
    RETENTIONS.map((d) => h('option', { value: d, selected: g.retentionInDays === d }, `${d} days`)));
  const saveRet = h('button', { type: 'button', onclick: async () => {
    retStatus.replaceChildren('Saving…');
    try {
      if (ret.value) await logs('PutRetentionPolicy', { logGroupName: name, retentionInDays: Number(ret.value) });
      else await logs('DeleteRetentionPolicy', { logGroupName: name });
      retStatus.replaceChildren('Saved.');
    } catch (e) { retStatus.replaceChildren(errorBox(e)); }
  } }, 'Save retention');
  root.append(h('div', { class: 'row' }, field('Retention', ret), saveRet, retStatus));

  // Tags.
  const arn = (g.arn || '').replace(/:\*$/, '');
  const tagBox = h('div');
  async function loadTags() {
    try {
      const t = await logs('ListTagsForResource', { resourceArn: arn });
      if (!alive()) return;
      const rows = Object.entries(t.tags || {}).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Remove tag ${k}`, onclick: async () => {
          try { await logs('UntagResource', { resourceArn: arn, tagKeys: [k] }); loadTags(); } catch (e) { tagBox.append(errorBox(e)); }
        } }, 'Remove'))));
      const k = h('input', { id: 'tag-key', 'aria-label': 'Tag key' });
      const v = h('input', { id: 'tag-value', 'aria-label': 'Tag value' });
      const st = h('span');
      tagBox.replaceChildren(rows.length ? table(['Key', 'Value', ''], rows, { label: 'Tags' }) : h('p', { class: 'muted' }, 'No tags.'),
        h('form', { class: 'row', onsubmit: async (e) => {
          e.preventDefault();
          try { await logs('TagResource', { resourceArn: arn, tags: { [k.value]: v.value } }); loadTags(); } catch (err) { st.replaceChildren(errorBox(err)); }
        } }, field('Key', k), field('Value', v), h('button', { type: 'submit' }, 'Add tag'), st));
    } catch (e) { tagBox.replaceChildren(errorBox(e)); }
  }
  root.append(h('h2', {}, 'Tags'), tagBox);

  // Streams.
  const tbody = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More streams');
  let token;
  async function loadStreams() {
    const req = { logGroupName: name, orderBy: 'LastEventTime', descending: true, limit: 50 };
    if (token) req.nextToken = token;
    try {
      const out = await logs('DescribeLogStreams', req);
      if (!alive()) return;
      for (const s of out.logStreams || []) {
        tbody.append(h('tr', {}, h('td', {}, h('a', { href: link('events', { group: name, stream: s.logStreamName }) }, s.logStreamName)),
          h('td', {}, fmtTime(s.lastEventTimestamp)), h('td', {}, fmtTime(s.firstEventTimestamp))));
      }
      token = out.nextToken;
      more.hidden = !token;
    } catch (e) { root.append(errorBox(e)); }
  }
  more.addEventListener('click', loadStreams);
  root.append(h('h2', {}, 'Log streams'), h('table', { 'aria-label': 'Log streams' },
    h('thead', {}, h('tr', {}, ['Stream', 'Last event', 'First event'].map((x) => h('th', { scope: 'col' }, x)))), tbody), more);

  // Filters.
  const mf = h('div'); const sf = h('div');
  root.append(h('h2', {}, 'Metric filters'), mf, h('h2', {}, 'Subscription filters'), sf);
  await Promise.all([loadTags(), loadStreams(),
    logs('DescribeMetricFilters', { logGroupName: name }).then((out) => {
      const rows = (out.metricFilters || []).map((f) => h('tr', {}, h('td', {}, f.filterName), h('td', { class: 'msg' }, f.filterPattern || '(all events)'),
        h('td', {}, (f.metricTransformations || []).map((t) => h('a', { href: link('metrics', { ns: t.metricNamespace, metric: t.metricName }) }, `${t.metricNamespace} / ${t.metricName}`)))));
      mf.replaceChildren(rows.length ? table(['Name', 'Pattern', 'Metric'], rows, { label: 'Metric filters' }) : h('p', { class: 'muted' }, 'No metric filters.'));
    }).catch((e) => mf.replaceChildren(errorBox(e))),
    logs('DescribeSubscriptionFilters', { logGroupName: name }).then((out) => {
      const rows = (out.subscriptionFilters || []).map((f) => h('tr', {}, h('td', {}, f.filterName), h('td', { class: 'msg' }, f.filterPattern || '(all events)'), h('td', {}, f.destinationArn)));
      sf.replaceChildren(rows.length ? table(['Name', 'Pattern', 'Destination'], rows, { label: 'Subscription filters' }) : h('p', { class: 'muted' }, 'No subscription filters.'));
    }).catch((e) => sf.replaceChildren(errorBox(e)))]);
}
