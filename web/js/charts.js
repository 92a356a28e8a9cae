// charts.js — small SVG charts (bars, lines) for bilans and statistics.
// Each chart is a <figure>: a caption (the title), an <svg role="img"> whose
// <title> and <desc> say what it shows, a legend, and the same figures as a
// table (in a <details>, opened when printing) — a chart is never the only
// way to read a number. No library, no inline style (the CSP forbids it):
// colours are SVG presentation attributes, the rest comes from css/comms.css
// (.chart). Right-to-left pages mirror the horizontal axis.
//
//   barChart({ title, labels, series: [{ name, values }], stacked, horizontal, format, desc, tableLabel })
//   lineChart({ title, labels, series: [{ name, values }], format, desc, tableLabel })
//
// labels: the categories (x axis); series: one or more named value lists of
// the same length; format(n): how a number is written (default: the UI
// locale's); desc: a sentence for screen readers (default: built from the
// data); tableLabel: the summary of the table (default "Data").
import { h } from './dom.js';
import { getLang, fmtNum } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
// Colour-blind safe (Okabe–Ito), dark enough on white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7a6a00', '#000000'];

let uid = 0;

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const k of kids.flat()) {
    if (k === null || k === undefined) continue;
    el.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

// niceScale: a round upper bound for the axis and its tick step (whole
// steps for counts unless fractional is set).
function niceScale(max, fractional) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || 10 * mag;
  if (!fractional) step = Math.max(1, Math.round(step));
  return { top: Math.ceil(max / step) * step, step };
}

function frame(o, kind) {
  const id = `chart-${++uid}`;
  const fmt = o.format || fmtNum;
  const series = (o.series || []).map((x, i) => ({ ...x, color: x.color || PALETTE[i % PALETTE.length] }));
  const labels = o.labels || [];
  const rtl = o.rtl !== undefined ? o.rtl : getLang() === 'ar';
  const W = o.width || 640;
  const H = o.height || 240;
  const m = { top: 12, bottom: 34, side: 56, other: 12 };
  const left = rtl ? m.other : m.side;
  const right = rtl ? m.side : m.other;
  const plotW = W - left - right;
  const plotH = H - m.top - m.bottom;
  return { id, fmt, series, labels, rtl, W, H, m, left, right, plotW, plotH, kind };
}

function axes(f, top, step) {
  const g = s('g', { class: 'axis' });
  const y = (v) => f.m.top + f.plotH - (v / top) * f.plotH;
  for (let v = 0; v <= top + 1e-9; v += step) {
    g.appendChild(s('line', { x1: f.left, x2: f.left + f.plotW, y1: y(v), y2: y(v), stroke: '#d5dde4', 'stroke-width': 1 }));
    const tx = f.rtl ? f.left + f.plotW + 6 : f.left - 6;
    g.appendChild(s('text', { x: tx, y: y(v) + 4, 'text-anchor': f.rtl ? 'start' : 'end', 'font-size': 11, fill: '#4a5968' }, f.fmt(v)));
  }
  g.appendChild(s('line', { x1: f.left, x2: f.left + f.plotW, y1: y(0), y2: y(0), stroke: '#4a5968', 'stroke-width': 1 }));
  return { g, y };
}

// the slot of category i, mirrored in right-to-left pages
function slot(f, i) {
  const n = Math.max(f.labels.length, 1);
  const w = f.plotW / n;
  const k = f.rtl ? n - 1 - i : i;
  return { x: f.left + k * w, w };
}

function xLabels(f) {
  const g = s('g', { class: 'x-labels' });
  const every = Math.ceil(f.labels.length / 14);
  f.labels.forEach((l, i) => {
    if (i % every) return;
    const { x, w } = slot(f, i);
    g.appendChild(s('text', { x: x + w / 2, y: f.H - f.m.bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#14202b' }, l));
  });
  return g;
}

function describe(f, o) {
  if (o.desc) return o.desc;
  const totals = f.series.map((x) => `${x.name}: ${f.fmt(x.values.reduce((a, b) => a + (Number(b) || 0), 0))}`);
  return `${o.title}. ${totals.join(' ; ')}.`;
}

function legend(f) {
  if (f.series.length < 2) return null;
  return h('ul', { class: 'chart-legend' }, f.series.map((x) => h('li', null,
    (() => { const sw = s('svg', { width: 12, height: 12, 'aria-hidden': 'true', focusable: 'false' }, s('rect', { width: 12, height: 12, fill: x.color })); return sw; })(),
    ' ', x.name)));
}

function dataTable(f, o) {
  return h('details', { class: 'chart-data' },
    h('summary', { text: o.tableLabel || 'Data' }),
    h('table', null,
      h('caption', { class: 'sr-only', text: o.title }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: o.categoryLabel || '' }), f.series.map((x) => h('th', { scope: 'col', text: x.name })))),
      h('tbody', null, f.labels.map((l, i) => h('tr', null, h('th', { scope: 'row' }, h('bdi', { text: l })),
        f.series.map((x) => h('td', { class: 'num', text: f.fmt(Number(x.values[i]) || 0) })))))));
}

function figure(f, o, svgKids) {
  const tid = `${f.id}-t`;
  const did = `${f.id}-d`;
  const svg = s('svg', {
    viewBox: `0 0 ${f.W} ${f.H}`, role: 'img', 'aria-labelledby': `${tid} ${did}`, class: `chart-svg ${f.kind}`,
    preserveAspectRatio: 'xMidYMid meet', direction: 'ltr', dir: 'ltr',
  }, s('title', { id: tid }, o.title), s('desc', { id: did }, describe(f, o)), svgKids);
  return h('figure', { class: 'chart', id: f.id },
    h('figcaption', { text: o.title }), svg, legend(f), dataTable(f, o));
}

// hbars: horizontal bars, one row per label (long category names read
// better across); the value is written at the end of each bar.
function hbars(o) {
  const rowH = 22;
  const n = (o.labels || []).length;
  const k = Math.max((o.series || []).length, 1);
  const H = 16 + n * (rowH * k + 8);
  const f = frame({ ...o, height: H }, 'hbar');
  const W = f.W;
  const labelW = Math.min(220, W * 0.35);
  const valueW = 70;
  const max = Math.max(0, ...f.series.flatMap((x) => x.values.map((v) => Number(v) || 0)));
  const { top } = niceScale(max, o.fractional);
  const span = W - labelW - valueW - 8;
  const g = s('g', { class: 'hbars' });
  f.labels.forEach((l, i) => {
    const y0 = 8 + i * (rowH * k + 8);
    const lx = f.rtl ? W - 4 : 4;
    g.appendChild(s('text', { x: lx, y: y0 + (rowH * k) / 2 + 4, 'text-anchor': 'start', direction: f.rtl ? 'rtl' : 'ltr', 'font-size': 12, fill: '#14202b' }, l));
    f.series.forEach((ser, j) => {
      const v = Number(ser.values[i]) || 0;
      const w = top ? (v / top) * span : 0;
      const y = y0 + j * rowH + 2;
      const bx = f.rtl ? W - labelW - w : labelW;
      g.appendChild(s('rect', { x: bx, y, width: Math.max(w, v > 0 ? 1 : 0), height: rowH - 4, fill: ser.color },
        s('title', null, `${l} — ${ser.name}: ${f.fmt(v)}`)));
      const tx = f.rtl ? bx - 4 : bx + w + 4;
      g.appendChild(s('text', { x: tx, y: y + rowH / 2 + 2, 'text-anchor': f.rtl ? 'end' : 'start', 'font-size': 11, fill: '#14202b' }, f.fmt(v)));
    });
  });
  return figure(f, o, [g]);
}

// barChart: grouped bars (or stacked with stacked: true), one group per
// label; horizontal: true draws one row per label instead.
export function barChart(o) {
  if (o.horizontal) return hbars(o);
  const f = frame(o, 'bar');
  const n = f.labels.length;
  const max = o.stacked
    ? Math.max(0, ...f.labels.map((_, i) => f.series.reduce((a, x) => a + (Number(x.values[i]) || 0), 0)))
    : Math.max(0, ...f.series.flatMap((x) => x.values.map((v) => Number(v) || 0)));
  const { top, step } = niceScale(max, o.fractional);
  const { g, y } = axes(f, top, step);
  const bars = s('g', { class: 'bars' });
  for (let i = 0; i < n; i++) {
    const { x, w } = slot(f, i);
    const pad = Math.min(8, w * 0.15);
    let base = 0;
    f.series.forEach((ser, k) => {
      const v = Number(ser.values[i]) || 0;
      let bx;
      let bw;
      let y0;
      let y1;
      if (o.stacked) {
        bx = x + pad;
        bw = w - 2 * pad;
        y0 = y(base + v);
        y1 = y(base);
        base += v;
      } else {
        bw = (w - 2 * pad) / f.series.length;
        const kk = f.rtl ? f.series.length - 1 - k : k;
        bx = x + pad + kk * bw;
        y0 = y(v);
        y1 = y(0);
      }
      if (v > 0) {
        bars.appendChild(s('rect', { x: bx, y: y0, width: Math.max(bw - 1, 1), height: Math.max(y1 - y0, 0.5), fill: ser.color },
          s('title', null, `${f.labels[i]} — ${ser.name}: ${f.fmt(v)}`)));
      }
    });
  }
  return figure(f, o, [g, bars, xLabels(f)]);
}

// lineChart: one line per series over the labels, with a dot per point.
export function lineChart(o) {
  const f = frame(o, 'line');
  const max = Math.max(0, ...f.series.flatMap((x) => x.values.map((v) => Number(v) || 0)));
  const { top, step } = niceScale(max, o.fractional);
  const { g, y } = axes(f, top, step);
  const lines = s('g', { class: 'lines' });
  for (const ser of f.series) {
    const pts = ser.values.map((v, i) => { const { x, w } = slot(f, i); return [x + w / 2, y(Number(v) || 0)]; });
    if (pts.length > 1) lines.appendChild(s('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: ser.color, 'stroke-width': 2 }));
    pts.forEach((p, i) => lines.appendChild(s('circle', { cx: p[0], cy: p[1], r: 3, fill: ser.color },
      s('title', null, `${f.labels[i]} — ${ser.name}: ${f.fmt(Number(ser.values[i]) || 0)}`))));
  }
  return figure(f, o, [g, lines, xLabels(f)]);
}
