// Alarms: DescribeAlarms with their state; DescribeAlarmHistory of the one picked.
import { cw } from '../api.js';
import { errorBox, fmtTime, h, link, table } from '../ui.js';

const ms = (t) => (typeof t === 'number' ? t * 1000 : Date.parse(t));

export async function renderAlarms(root, params, alive) {
  const name = params.get('name') || '';
  root.append(h('h1', {}, 'Alarms'));
  let alarms = []; let token;
  for (let i = 0; i < 20; i++) {
    const r = await cw('DescribeAlarms', { MaxRecords: 100, ...(token ? { NextToken: token } : {}) });
    alarms = alarms.concat(r.MetricAlarms || [], r.CompositeAlarms || []);
    token = r.NextToken;
    if (!token) break;
  }
  if (!alive()) return;
  const rows = alarms.map((a) => h('tr', {}, h('td', {}, h('a', { href: link('alarms', { name: a.AlarmName }) }, a.AlarmName)),
    h('td', {}, h('span', { class: `pill ${a.StateValue}` }, a.StateValue)), h('td', {}, a.Namespace ? `${a.Namespace} / ${a.MetricName}` : (a.AlarmRule || '')),
    h('td', {}, a.StateReason || ''), h('td', {}, fmtTime(ms(a.StateUpdatedTimestamp)))));
  root.append(rows.length ? table(['Name', 'State', 'Metric', 'Reason', 'Updated'], rows, { label: 'Alarms' }) : h('p', { class: 'muted' }, 'No alarms.'));
  if (!name) return;
  root.append(h('h2', {}, `History of ${name}`));
  try {
    const r = await cw('DescribeAlarmHistory', { AlarmName: name, MaxRecords: 100 });
    if (!alive()) return;
    const items = (r.AlarmHistoryItems || []).map((x) => h('tr', {}, h('td', {}, fmtTime(ms(x.Timestamp))), h('td', {}, x.HistoryItemType), h('td', {}, x.HistorySummary)));
    root.append(items.length ? table(['Time', 'Type', 'Summary'], items, { label: 'Alarm history' }) : h('p', { class: 'muted' }, 'No history.'));
  } catch (e) { root.append(errorBox(e)); }
}
