// commsbilan.js — the communication bilan of a year, for my unit (and
// below) or national: activities by kind and month, information activities,
// truth statements and the median time to rebuttal, filmed reports by media
// partner, the items with the most engagement, the crises and the major
// events. Printable on A4 in the UI language (css/comms.css); switch the
// language and print again for the other one.
import { h } from '../dom.js';
import { t, getLang, locale, fmtNum, fmtDate, fmtDateTime, fmtDuration } from '../i18n.js';
import { api, qs } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, link } from '../ui.js';
import { barChart } from '../charts.js';
import { CEP, KINDS, title } from './comms.js';

function monthNames() {
  const f = new Intl.DateTimeFormat(locale(), { month: 'short', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, m) => f.format(new Date(Date.UTC(2023, m, 15))));
}

function kpi(key, value, cls) {
  return h('li', { class: `kpi ${cls || ''}`, 'data-kpi': key }, h('strong', { class: 'num', text: value }), h('span', { text: t(`comms.bilan.${key}`) }));
}

function unitLabel(b) {
  if (!b.unit) return t('comms.bilan.national');
  return getLang() === 'ar' ? b.unit.name_ar : b.unit.name_fr;
}

// the figures' tables are printed with their charts
let printHooked = false;
function hookPrint() {
  if (printHooked) return;
  printHooked = true;
  window.addEventListener('beforeprint', () => {
    for (const d of document.querySelectorAll('.bilan details.chart-data:not([open])')) { d.open = true; d.dataset.printOpened = '1'; }
  });
  window.addEventListener('afterprint', () => {
    for (const d of document.querySelectorAll('.bilan details[data-print-opened]')) { d.open = false; delete d.dataset.printOpened; }
  });
}

export async function render(ctx) {
  hookPrint();
  const miss = needs('GET', CEP.bilan);
  if (miss) return page('comms.bilan.title', ctx, miss);
  const q = ctx.query;
  const thisYear = new Date().getFullYear();
  const year = /^\d{4}$/.test(q.get('year') || '') ? Number(q.get('year')) : thisYear;
  const unit = /^[A-Z0-9-]{1,64}$/.test(q.get('unit') || '') ? q.get('unit') : '';
  const b = await api('GET', `${CEP.bilan}${qs({ year, unit })}`);
  const tot = b.totals || {};
  const truth = b.truth || {};
  const months = monthNames();
  const kinds = KINDS.filter((k) => (b.by_kind || {})[k] > 0);
  const chooser = form({
    submit: 'comms.bilan.show', label: 'comms.bilan.show', class: 'filters no-print',
    onSubmit: async (v) => { ctx.go(`/comms/bilan${qs({ year: v.year, unit: v.unit })}`); },
  },
  field({ name: 'year', label: 'comms.year', type: 'number', min: 2000, max: 2100, value: year, required: true }),
  field({ name: 'unit', label: 'comms.bilan.unit', dir: 'ltr', value: unit, hint: 'comms.bilan.unit-hint' }));
  const byMonth = barChart({
    title: t('comms.bilan.by-month'), labels: months, stacked: true, tableLabel: t('comms.chart-data'), categoryLabel: t('comms.bilan.month'),
    series: kinds.map((k) => ({ name: t(`comms_kind.${k}`), values: (b.by_month || []).map((m) => m.counts[k] || 0) })),
  });
  const byKind = barChart({
    title: t('comms.bilan.by-kind'), labels: KINDS.map((k) => t(`comms_kind.${k}`)), tableLabel: t('comms.chart-data'), horizontal: true,
    categoryLabel: t('comms_activity.kind'), series: [{ name: t('comms.bilan.activities'), values: KINDS.map((k) => (b.by_kind || {})[k] || 0) }],
  });
  const partners = listOf(b, 'filmed_by_partner');
  const byPartner = partners.length ? barChart({
    title: t('comms.bilan.by-partner'), labels: partners.map((p) => p.partner || t('comms.bilan.no-partner')), tableLabel: t('comms.chart-data'), horizontal: true,
    categoryLabel: t('comms_activity.media_partner'), series: [{ name: t('comms_kind.filmed_report'), values: partners.map((p) => p.n) }],
  }) : h('p', { class: 'empty', text: t('msg.empty') });
  const num = (n) => h('span', { class: 'num', text: fmtNum(n || 0) });
  return page('comms.bilan.title', ctx,
    chooser,
    h('article', { class: 'bilan', lang: getLang() },
      h('header', { class: 'bilan-head' },
        h('p', { class: 'doc-org', text: t('comms.bilan.org') }),
        h('h2', { text: t('comms.bilan.heading', { y: String(year) }) }),
        h('p', { class: 'bilan-unit' }, h('bdi', { text: unitLabel(b) })),
        h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'primary', id: 'print-bilan', onclick: () => window.print(), text: t('comms.bilan.print') }))),
      h('section', { class: 'card' }, h('h3', { text: t('comms.bilan.summary') }),
        h('ul', { class: 'kpis' },
          kpi('activities', fmtNum(tot.activities || 0)),
          kpi('information', fmtNum(tot.information || 0)),
          kpi('truth_statements', fmtNum(tot.truth_statements || 0)),
          kpi('filmed_reports', fmtNum(tot.filmed_reports || 0)),
          kpi('other', fmtNum(tot.other || 0)),
          kpi('corrections', fmtNum(tot.corrections || 0)),
          kpi('median_rebuttal', truth.measured ? fmtDuration(truth.median_rebuttal_ms) : '—'))),
      h('section', { class: 'card chart-card' }, byMonth),
      h('section', { class: 'card chart-card' }, byKind),
      h('section', { class: 'card' }, h('h3', { text: t('comms.bilan.truth') }),
        h('p', { text: t('comms.bilan.truth-line', { n: truth.count || 0, m: truth.measured || 0, d: truth.measured ? fmtDuration(truth.median_rebuttal_ms) : '—' }) }),
        table([
          ['comms_activity.number', (x) => link(`/comms/activities/${encodeURIComponent(x.id)}`, x.number, 'num')],
          ['comms_activity.date', (x) => fmtDate(x.date)],
          ['comms.title', (x) => title(x)],
          ['comms.claim-number', (x) => h('span', { dir: 'ltr', class: 'num', text: x.claim || '—' })],
          ['comms.rebuttal', (x) => (x.rebuttal_ms !== undefined ? fmtDuration(x.rebuttal_ms) : '—')],
        ], listOf(truth, 'items'), { caption: 'comms.bilan.truth', empty: 'msg.empty' })),
      h('section', { class: 'card chart-card' }, h('h3', { text: t('comms.bilan.filmed') }), byPartner),
      h('section', { class: 'card', id: 'bilan-top' }, h('h3', { text: t('comms.bilan.top') }), table([
        ['comms_activity.number', (x) => link(`/comms/activities/${encodeURIComponent(x.id)}`, x.number, 'num')],
        ['comms_activity.kind', (x) => t(`comms_kind.${x.kind}`)],
        ['comms.title', (x) => title(x)],
        ['comms_engagement.views', (x) => num(x.views)],
        ['comms_engagement.likes', (x) => num(x.likes)],
        ['comms_engagement.shares', (x) => num(x.shares)],
        ['comms_engagement.comments', (x) => num(x.comments)],
      ], listOf(b, 'top_items'), { caption: 'comms.bilan.top', empty: 'comms.no-engagement' })),
      h('section', { class: 'card' }, h('h3', { text: t('comms.bilan.crises') }), table([
        ['comms.name', (x) => h('bdi', { text: getLang() === 'ar' ? x.name_ar : x.name_fr })],
        ['comms_crisis.started_on', (x) => fmtDate(x.started_on)],
        ['comms.board.reports', (x) => num(x.summary.reports)],
        ['comms.board.claims', (x) => num(x.summary.claims)],
        ['comms.board.duplicates', (x) => num(x.summary.duplicates)],
        ['comms_claim_status.false', (x) => num(x.summary.by_status.false)],
        ['comms_claim_status.misleading', (x) => num(x.summary.by_status.misleading)],
        ['comms.board.answered', (x) => num(x.summary.answered)],
        ['comms.board.median', (x) => (x.summary.answered ? fmtDuration(x.summary.median_rebuttal_ms) : '—')],
        ['comms.board.max_reach', (x) => num(x.summary.max_reach)],
      ], listOf(b, 'crises'), { caption: 'comms.bilan.crises', empty: 'comms.no-crises' })),
      h('section', { class: 'card' }, h('h3', { text: t('comms.bilan.events') }), table([
        ['comms.name', (x) => h('bdi', { text: getLang() === 'ar' ? (x.name_ar || x.name_fr) : (x.name_fr || x.name_ar) })],
        ['comms.dates', (x) => `${fmtDate(x.starts_on)} — ${fmtDate(x.ends_on)}`],
        ['comms.coverage', (x) => num(x.coverage)],
        ['comms_event.visitors', (x) => (x.visitors === null ? '—' : num(x.visitors))],
        ['comms_event.online_viewers', (x) => (x.online_viewers === null ? '—' : num(x.online_viewers))],
      ], listOf(b, 'events'), { caption: 'comms.bilan.events', empty: 'comms.no-events' })),
      h('footer', { class: 'bilan-foot muted', text: t('comms.bilan.generated', { t: fmtDateTime(b.generated_at) }) })));
}
