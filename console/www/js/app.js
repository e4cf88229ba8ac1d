// The console's shell: hash router, sign-in, UTC toggle. Pages live in pages/*.js.
import { ApiError, credentials, logs, setAuthErrorHandler, setCredentials } from './api.js';
import { currentRoute, errorBox, field, h, setUtc, utc } from './ui.js';
import { renderGroups } from './pages/groups.js';
import { renderGroup } from './pages/group.js';
import { renderEvents } from './pages/events.js';
import { renderInsights } from './pages/insights.js';
import { renderMetrics } from './pages/metrics.js';
import { renderDashboards } from './pages/dashboards.js';
import { renderAlarms } from './pages/alarms.js';

const PAGES = { groups: renderGroups, group: renderGroup, events: renderEvents, insights: renderInsights,
  metrics: renderMetrics, dashboards: renderDashboards, alarms: renderAlarms };
const NAV = { group: 'groups', events: 'groups' };
const main = document.getElementById('main');
let generation = 0;
let needLogin = null;

// A page renders into a fresh container; `alive()` turns false once the user navigated away,
// so late answers and timers of the old page stop.
async function render() {
  const gen = ++generation;
  const alive = () => gen === generation;
  const { page, params } = currentRoute();
  delete document.body.dataset.rendered;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === (NAV[page] || page)) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  updateWho();
  if (needLogin) { renderLogin(needLogin); return; }
  const fn = PAGES[page] || renderGroups;
  const root = h('div', { class: `page page-${page}` });
  main.replaceChildren(root);
  try {
    await fn(root, params, alive);
  } catch (e) {
    if (!alive()) return;
    if (e instanceof ApiError && e.isAuth) return; // the login form took over
    root.append(errorBox(e));
  }
  if (!alive()) return;
  document.body.dataset.rendered = page;
  // Time from navigation start to the first page shown (read by the browser test).
  if (!document.body.dataset.firstRenderMs) document.body.dataset.firstRenderMs = Math.round(performance.now());
}

function updateWho() {
  const c = credentials();
  document.getElementById('who').textContent = c ? `${c.accessKey} · ${c.region}` : '';
  document.getElementById('signout').hidden = !c;
}

function renderLogin(err) {
  document.body.dataset.rendered = 'login';
  const key = h('input', { id: 'login-key', name: 'accessKey', autocomplete: 'username', required: true });
  const secret = h('input', { id: 'login-secret', name: 'secretKey', type: 'password', autocomplete: 'current-password', required: true });
  const region = h('input', { id: 'login-region', name: 'region', value: (credentials() || {}).region || 'us-east-1', required: true });
  const status = h('div', { 'aria-live': 'polite' }, err ? errorBox(err) : null);
  const form = h('form', { class: 'login card', onsubmit: async (ev) => {
    ev.preventDefault();
    setCredentials({ accessKey: key.value.trim(), secretKey: secret.value, region: region.value.trim() || 'us-east-1' });
    status.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
    try {
      await logs('DescribeLogGroups', { limit: 1 });
      needLogin = null;
      render();
    } catch (e) {
      setCredentials(null);
      updateWho();
      status.replaceChildren(errorBox(e));
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'This server checks AWS Signature V4. Enter an access key from its credentials file; the console signs each request in the browser and keeps the keys in this tab only.'),
  field('Access key ID', key), field('Secret access key', secret), field('Region', region),
  h('button', { class: 'primary', type: 'submit' }, 'Sign in'), status);
  main.replaceChildren(form);
  key.focus();
}

setAuthErrorHandler((err) => {
  if (needLogin) return;
  setCredentials(null);
  needLogin = err;
  render();
});

const utcBox = document.getElementById('utc');
utcBox.checked = utc();
utcBox.addEventListener('change', () => { setUtc(utcBox.checked); render(); });
document.getElementById('signout').addEventListener('click', () => {
  setCredentials(null);
  needLogin = new ApiError('SignedOut', 'Signed out.', 0);
  render();
});
window.addEventListener('hashchange', () => { render(); main.focus({ preventScroll: true }); });
render();
