// Charts drawn as SVG: time-series lines and a count histogram. No library.
import { h, fmtTime } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of kids) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
const fmtNum = (v) => (Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : Math.abs(v) >= 1e4 ? (v / 1e3).toFixed(1) + 'k' : +v.toFixed(2));

// The axis top: 4 steps of 1, 2, 2.5 or 5 times a power of ten, at least vmax.
function niceMax(vmax) {
  if (!(vmax > 0)) return 1;
  const raw = vmax / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw);
  return step * 4;
}

function frame(t0, t1, vmax, W, H, title) {
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' });
  svg.append(s('title', {}, title));
  const L = 48; const B = 20;
  svg.append(s('line', { class: 'ax', x1: L, y1: H - B, x2: W, y2: H - B }), s('line', { class: 'ax', x1: L, y1: 4, x2: L, y2: H - B }));
  for (let i = 0; i <= 4; i++) {
    const y = H - B - (i / 4) * (H - B - 8);
    svg.append(s('text', { x: L - 4, y: y + 3, 'text-anchor': 'end' }, fmtNum((vmax * i) / 4)));
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    svg.append(s('text', { x: L + ((W - L - 4) * i) / 4, y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' }, fmtTime(t).slice(5, 16)));
  }
  const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - 4);
  const y = (v) => H - B - (v / (vmax || 1)) * (H - B - 8);
  return { svg, x, y };
}

// series: [{label, points: [[ms, value], ...]}]
export function lineChart(series, title = 'chart', range) {
  const W = 800; const H = 220;
  const all = series.flatMap((x) => x.points);
  if (!all.length) return h('p', { class: 'muted' }, 'No data points in this range.');
  const t0 = range ? range.start : Math.min(...all.map((p) => p[0]));
  const t1 = range ? range.end : Math.max(...all.map((p) => p[0]));
  const vmax = niceMax(Math.max(0, ...all.map((p) => p[1])));
  const { svg, x, y } = frame(t0, t1, vmax, W, H, title);
  series.forEach((ser, i) => {
    const pts = [...ser.points].sort((a, b) => a[0] - b[0]);
    const color = COLORS[i % COLORS.length];
    svg.append(s('polyline', { class: 'ln', stroke: color, points: pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ') }));
    if (pts.length < 60) for (const p of pts) svg.append(s('circle', { cx: x(p[0]), cy: y(p[1]), r: 2.2, fill: color }, s('title', {}, `${fmtTime(p[0])}: ${p[1]}`)));
  });
  const legend = series.length > 1 || series[0].label
    ? h('div', { class: 'muted' }, series.map((ser, i) => h('span', { style: `color:${COLORS[i % COLORS.length]};margin-right:12px` }, '■ ', ser.label)))
    : null;
  return h('figure', { style: 'margin:0' }, svg, legend);
}

// buckets: [[ms, count]] of width bucketMs.
export function histogram(buckets, bucketMs, range, title = 'Matching events over time') {
  const W = 800; const H = 120;
  const vmax = niceMax(Math.max(1, ...buckets.map((b) => b[1])));
  const { svg, x, y } = frame(range.start, range.end, vmax, W, H, title);
  svg.classList.add('hist');
  svg.style.height = '120px';
  for (const [t, c] of buckets) {
    if (!c) continue;
    const x0 = x(t); const x1 = x(t + bucketMs);
    svg.append(s('rect', { class: 'bar', x: x0, y: y(c), width: Math.max(1, x1 - x0 - 1), height: Math.max(0, y(0) - y(c)) }, s('title', {}, `${fmtTime(t)}: ${c}`)));
  }
  return svg;
}
