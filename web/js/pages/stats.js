// stats.js — statistics (issue 16): the chief's page (his unit and below;
// national roles any unit), the figures of a period beside the previous
// one, counted by the counting rules the page names; every number is a
// link to the list of records it counts (/stats/records, audited as any
// list), and the data-quality to-do list. The printed annual report and
// the CSV exports are the server's (the same figures, small cells hidden).
import { h } from '../dom.js';
import { t, hasKey, getLang, fmtNum, fmtDateTime } from '../i18n.js';
import { api, qs } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, link } from '../ui.js';
import { barChart } from '../charts.js';
import { allowed } from '../caps.js';

const EP = {
  figures: '/api/v1/stats',
  records: '/api/v1/stats/records',
  report: '/api/v1/stats/report.html',
  export: '/api/v1/stats/export',
  quality: '/api/v1/stats/quality',
  publish: '/api/v1/stats/publications',
  publication: '/api/v1/stats/publications/{id}',
};
const PERIODS = ['year', 'month', 'day', 'range'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// the query of a period (and unit) as the page and the API take it
function periodOf(q) {
  const period = PERIODS.includes(q.get('period')) ? q.get('period') : 'year';
  const p = { period };
  if (period === 'range') {
    p.from = DAY.test(q.get('from') || '') ? q.get('from') : `${today().slice(0, 4)}-01-01`;
    p.to = DAY.test(q.get('to') || '') ? q.get('to') : today();
  } else {
    p.date = DAY.test(q.get('date') || '') ? q.get('date') : today();
  }
  const unit = q.get('unit');
  if (/^[A-Za-z0-9-]{1,64}$/.test(unit || '')) p.unit = unit;
  return p;
}

// drill(p, figure, key, n): a number that links to the records it counts
function drill(p, figure, key, n, cls) {
  const v = n === null || n === undefined ? '—' : fmtNum(n);
  const a = link(`/stats/records${qs({ ...p, figure, key })}`, v, `num drill ${cls || ''}`);
  a.dataset.figure = figure;
  if (key) a.dataset.key = key;
  return a;
}

function unitName(u) {
  if (!u) return '';
  return getLang() === 'ar' ? u.name_ar : u.name_fr;
}

function rate(pm) { return pm < 0 ? '—' : `${fmtNum(pm / 10)} %`; }

function kpi(label, value, prev) {
  const text = hasKey(`stats.${label}`) ? t(`stats.${label}`) : hasKey(label) ? t(label) : label.split('.').pop();
  return h('li', { class: 'kpi' }, h('strong', null, value), h('span', { text }),
    prev !== undefined ? h('small', { class: 'muted' }, `${t('stats.previous')} : `, prev) : null);
}

function label(prefix, key) {
  const k = `${prefix}.${key}`;
  return prefix && hasKey(k) ? t(k) : key;
}

// rows(p, fig, table, prefix, keyName): a table of {key, n, cleared, prev}
function rows(p, fig, name, prefix, keyName, nameOf) {
  return table([
    ['stats.col.key', (x) => h('bdi', { text: nameOf ? nameOf(x) : label(prefix, x.key) })],
    ['stats.col.n', (x) => drill(p, 'cases', `${keyName}:${x.key}`, x.n)],
    ['stats.col.cleared', (x) => drill(p, 'cleared', `${keyName}:${x.key}`, x.cleared)],
    ['stats.col.prev', (x) => h('span', { class: 'num', text: fmtNum(x.prev) })],
  ], listOf(fig, name), { caption: `stats.${name}`, empty: 'msg.empty' });
}

async function figures(ctx) {
  const p = periodOf(ctx.query);
  const fig = await api('GET', `${EP.figures}${qs(p)}`);
  const tot = fig.totals || {};
  const prev = fig.totals_previous || {};
  const chooser = form({
    submit: 'stats.show', label: 'stats.show', class: 'filters no-print',
    onSubmit: async (v) => { ctx.go(`/stats${qs({ period: v.period, date: v.date, from: v.from, to: v.to, unit: v.unit })}`); },
  },
  field({ name: 'period', label: 'stats_publish.period', type: 'select', value: p.period, options: PERIODS.map((k) => [k, `stats.period.${k}`]) }),
  field({ name: 'date', label: 'stats.date', type: 'date', value: p.date || '' }),
  field({ name: 'from', label: 'stats_publish.from', type: 'date', value: p.from || '' }),
  field({ name: 'to', label: 'stats_publish.to', type: 'date', value: p.to || '' }),
  field({ name: 'unit', label: 'stats.unit', dir: 'ltr', value: p.unit || '' }));
  const months = listOf(fig, 'by_month');
  const trend = barChart({
    title: t('stats.trend'), labels: months.map((m) => `${m.key.slice(4)}/${m.key.slice(0, 4)}`), tableLabel: t('stats.col.n'),
    categoryLabel: t('stats.period.month'), series: [{ name: t('stats.cases'), values: months.map((m) => m.n) }],
  });
  const cats = listOf(fig, 'by_category');
  const byCat = barChart({
    title: t('stats.by_category'), labels: cats.map((c) => label('stats.category', c.key)), horizontal: true, tableLabel: t('stats.col.n'),
    categoryLabel: t('stats.col.key'), series: [{ name: t('stats.cases'), values: cats.map((c) => c.n) }],
  });
  const k = fig.custody || {};
  const rf = fig.referrals || {};
  const cp = fig.complaints || {};
  const reg = fig.registers || {};
  const sz = fig.seizures || {};
  const rules = listOf(fig, 'rules').map((r) => `${r.code} (v${r.version})`).join(', ');
  const exportLink = (tb) => h('a', { href: `${EP.export}${qs({ ...p, table: tb })}`, class: 'export', download: `${tb}.csv`, text: `${t('stats.export')} — ${t(`stats_figures.${tb === 'summary' ? 'totals' : tb}`)}` });
  return page('stats.title', ctx,
    chooser,
    h('article', { class: 'statistics', lang: getLang() },
      h('header', { class: 'stats-head' },
        h('h2', null, h('bdi', { text: unitName(fig.unit) }), ' — ', h('bdi', { dir: 'ltr', text: `${fig.period.from} … ${fig.period.to}` })),
        h('p', { class: 'muted rules' }, `${t('stats.rules')} : `, h('bdi', { dir: 'ltr', text: rules })),
        h('p', { class: 'no-print actions' },
          h('a', { href: `${EP.report}${qs({ ...p, lang: getLang() })}`, class: 'button primary', id: 'stats-print', target: '_blank', text: t('stats.print') }),
          ' ', exportLink('summary'),
          allowed('POST', EP.publish, ctx.user.role) ? h('button', {
            type: 'button', id: 'stats-publish', text: t('stats.publish'),
            onclick: async () => {
              const body = { period: p.period, date: p.date, from: p.from, to: p.to, unit: p.unit || (fig.unit && fig.unit.code) };
              const r = await api('POST', EP.publish, body);
              ctx.go(`/stats/publications/${encodeURIComponent(r.id)}`);
            },
          }) : null)),
      h('section', { class: 'card' }, h('ul', { class: 'kpis' },
        kpi('stats.cases', drill(p, 'cases', null, tot.cases), fmtNum(prev.cases || 0)),
        kpi('stats.cleared', drill(p, 'cleared', null, tot.cleared), fmtNum(prev.cleared || 0)),
        kpi('stats.clearance', h('span', { class: 'num', text: rate(tot.clearance_permille) }), rate(prev.clearance_permille)),
        kpi('stats.arrested', drill(p, 'arrested', null, tot.arrested), fmtNum(prev.arrested || 0)),
        kpi('stats.minors', drill(p, 'minors', null, tot.minors)),
        kpi('stats.foreigners', drill(p, 'foreigners', null, tot.foreigners)),
        kpi('stats.victims', drill(p, 'victims', null, tot.victims)),
        kpi('stats.reclassified', drill(p, 'reclassified', null, tot.reclassified)),
        kpi('stats.cancelled_excluded', drill(p, 'cancelled', null, tot.cancelled_excluded)))),
      h('section', { class: 'card chart-card', id: 'chart-trend' }, trend),
      h('section', { class: 'card chart-card', id: 'chart-category' }, byCat, rows(p, fig, 'by_category', 'stats.category', 'category'), exportLink('by_category')),
      h('section', { class: 'card' }, h('h3', { text: t('stats.by_class') }), rows(p, fig, 'by_class', 'class', 'class'), exportLink('by_class')),
      h('section', { class: 'card', id: 'by-unit' }, h('h3', { text: t('stats.by_unit') }),
        rows(p, fig, 'by_unit', null, 'unit', (x) => unitName(x) || x.key), exportLink('by_unit')),
      h('section', { class: 'card' }, h('h3', { text: t('stats.by_offence') }), rows(p, fig, 'by_offence', null, 'offence', (x) => unitName(x) || x.key), exportLink('by_offence')),
      h('section', { class: 'card' }, h('h3', { text: t('stats.custody') }), h('ul', { class: 'kpis' },
        kpi('stats.custody.count', drill(p, 'custody', null, k.count)),
        kpi('stats.custody.mean_minutes', h('span', { class: 'num', text: fmtNum(k.mean_minutes || 0) })),
        kpi('stats.custody.longest_minutes', h('span', { class: 'num', text: fmtNum(k.longest_minutes || 0) })),
        kpi('stats.custody.extensions', h('span', { class: 'num', text: fmtNum(k.extensions || 0) })),
        kpi('stats.custody.overdue', h('span', { class: 'num', text: fmtNum(k.overdue || 0) })),
        kpi('stats.custody.lawyer_in_time', h('span', { class: 'num', text: `${fmtNum(k.lawyer_in_time || 0)} / ${fmtNum(k.lawyer_recorded || 0)}` })))),
      h('section', { class: 'card' }, h('h3', { text: t('stats.referrals') }),
        h('ul', { class: 'kpis' }, kpi('stats.referrals', drill(p, 'referrals', null, rf.count)),
          ...Object.entries(rf.by_outcome || {}).map(([o, n]) => kpi(`outcome.${o}`, drill(p, 'referrals', `outcome:${o}`, n))),
          ...Object.entries(rf.by_office || {}).map(([o, n]) => h('li', { class: 'kpi' }, h('strong', null, drill(p, 'referrals', `office:${o}`, n)), h('bdi', { dir: 'ltr', text: o }))))),
      h('section', { class: 'card' }, h('h3', { text: t('stats.complaints') }),
        h('ul', { class: 'kpis' }, kpi('stats.complaints', drill(p, 'complaints', null, cp.count)),
          ...Object.entries(cp.by_disposition || {}).map(([o, n]) => kpi(`disposition.${o}`, drill(p, 'complaints', `disposition:${o}`, n))),
          kpi('stats.complaints.mean_hours', h('span', { class: 'num', text: fmtNum(cp.mean_hours_to_disposition || 0) })))),
      h('section', { class: 'card' }, h('h3', { text: t('stats_figures.registers') }), h('ul', { class: 'kpis' },
        kpi('stats.registers.wanted_arrested', h('span', { class: 'num', text: fmtNum(reg.wanted_arrested || 0) })),
        kpi('stats.registers.hits', h('span', { class: 'num', text: fmtNum(Object.values(reg.hits || {}).reduce((a, b) => a + b, 0)) })))),
      h('section', { class: 'card', id: 'seizures' }, h('h3', { text: t('stats.seizures') }),
        h('ul', { class: 'kpis' }, kpi('stats.seizures.count', drill(p, 'seizures', null, sz.count)),
          ...Object.entries(sz.by_kind || {}).map(([o, n]) => kpi(`seizure_category.${o}`, drill(p, 'seizures', `kind:${o}`, n))),
          ...Object.entries(sz.drugs || {}).map(([o, d]) => h('li', { class: 'kpi' }, h('strong', null, drill(p, 'seizures', `substance:${o}`, d.count)),
            h('span', null, `${t('seizure_category.drugs')} — `, h('bdi', { text: o === 'none' ? t('stats.none') : o })),
            h('small', { class: 'muted' }, `${t('stats.seizures.grams')} : `, h('bdi', { dir: 'ltr', text: fmtNum(d.grams || 0) })))))),
      fig.mobile ? h('section', { class: 'card', id: 'mobile' }, h('h3', { text: t('stats.mobile') }), h('ul', { class: 'kpis' },
        ...['tours', 'enrolments', 'validated', 'rejected', 'in_adjudication', 'handed_over'].map((m) => kpi(`stats.mobile.${m}`, h('span', { class: 'num', text: fmtNum(fig.mobile[m] || 0) }))))) : null,
      h('section', { class: 'card', id: 'quality' }, h('h3', { text: t('stats.quality.title') }),
        h('p', null, `${t('stats.report.quality')} `, h('span', { class: 'num', text: `${fmtNum(fig.quality.with_issues)} / ${fmtNum(fig.quality.cases)}` }), ' — ',
          link(`/stats/quality${qs({ unit: p.unit })}`, t('stats.quality.title')))),
      h('footer', { class: 'muted', text: `${t('stats.report.as_at')} ${fmtDateTime(fig.as_at)}` })));
}

async function records(ctx) {
  const q = ctx.query;
  const p = periodOf(q);
  const figure = q.get('figure') || 'cases';
  const key = q.get('key') || undefined;
  const r = await api('GET', `${EP.records}${qs({ ...p, figure, key })}`);
  const isComplaint = figure === 'complaints';
  return page('stats.records.title', ctx,
    h('p', null, link(`/stats${qs(p)}`, t('stats.title'))),
    h('p', { class: 'muted' }, `${t('stats_records.figure')} : `, h('bdi', { dir: 'ltr', text: figure + (key ? ` — ${key}` : '') }),
      ` · ${t('stats_records.total')} : `, h('span', { class: 'num', id: 'records-total', text: fmtNum(r.total) }),
      // a figure that counts something else than the records (victims, by their cases)
      r.counted !== r.total ? [` · ${t(`stats_records.counted-${figure}`)} : `, h('span', { class: 'num', id: 'records-counted', text: fmtNum(r.counted) })] : null),
    table([
      ['stats_records.records', (x) => link(isComplaint ? `/complaints/${encodeURIComponent(x.id)}` : `/cases/${encodeURIComponent(x.id)}`, x.number, 'num')],
    ], listOf(r, 'records'), { caption: 'stats.records.title', empty: 'msg.empty' }));
}

async function quality(ctx) {
  const unit = ctx.query.get('unit');
  const r = await api('GET', `${EP.quality}${qs({ unit: /^[A-Za-z0-9-]{1,64}$/.test(unit || '') ? unit : undefined })}`);
  return page('stats.quality.title', ctx,
    h('p', null, link('/stats', t('stats.title'))),
    h('p', null, h('bdi', { text: unitName(r.unit) }), ' — ', `${t('stats_quality.with_issues')} : `,
      h('span', { class: 'num', text: `${fmtNum(r.with_issues)} / ${fmtNum(r.total_cases)}` })),
    table([
      ['stats.col.key', (x) => h('span', null, h('code', { dir: 'ltr', text: x.code }), ' ', t(`stats.q.${x.code}`))],
      ['stats.col.n', (x) => h('span', { class: 'num', text: fmtNum(x.n) })],
      ['stats_records.records', (x) => h('span', null, listOf(x, 'records').slice(0, 10).map((c) => [link(`/cases/${encodeURIComponent(c.id)}`, c.number, 'num'), ' ']))],
    ], listOf(r, 'edits'), { caption: 'stats.quality.title', empty: 'msg.empty' }));
}

// a published report: as published, recomputed as at its date, and the
// cases changed since
async function publication(ctx) {
  const r = await api('GET', EP.publication.replace('{id}', encodeURIComponent(ctx.params.id)));
  const f = r.figures || {};
  const tot = f.totals || {};
  const re = (r.recomputed || {}).totals || {};
  return page('stats.publication.title', ctx,
    h('p', null, link('/stats', t('stats.title'))),
    h('dl', { class: 'facts' },
      h('dt', { text: t('stats.unit') }), h('dd', null, h('bdi', { text: unitName(f.unit) })),
      h('dt', { text: t('stats_figures.period') }), h('dd', null, h('bdi', { dir: 'ltr', text: `${(f.period || {}).from} … ${(f.period || {}).to}` })),
      h('dt', { text: t('stats.report.as_at') }), h('dd', { text: fmtDateTime(r.as_at_ms) }),
      h('dt', { text: t('stats.rules') }), h('dd', null, h('bdi', { dir: 'ltr', text: listOf(f, 'rules').map((x) => `${x.code} (v${x.version})`).join(', ') })),
      h('dt', { text: t('stats.cases') }), h('dd', { class: 'num', text: `${fmtNum(tot.cases || 0)} / ${fmtNum(re.cases || 0)}` }),
      h('dt', { text: t('stats.cleared') }), h('dd', { class: 'num', text: `${fmtNum(tot.cleared || 0)} / ${fmtNum(re.cleared || 0)}` }),
      h('dt', { text: t('stats_publication.identical') }), h('dd', { id: 'publication-identical', text: t(r.identical ? 'stats.yes' : 'stats.no') }),
      h('dt', { text: t('stats_publication.changed_since') }), h('dd', { class: 'num', id: 'publication-changed', text: fmtNum(r.changed_since) })));
}

export async function render(ctx) {
  const miss = needs('GET', EP.figures);
  if (miss) return page('stats.title', ctx, miss);
  if (location.pathname === '/stats/records') return records(ctx);
  if (location.pathname === '/stats/quality') return quality(ctx);
  if (ctx.params.id) return publication(ctx);
  return figures(ctx);
}
