// courante.js — the main courante (the unit's daily log): every event of
// the day in order, the lines the system wrote (a custody's start and end)
// and those written by hand; a past day closed and sealed by an OPJ, its
// seal verified on every read; the day printed.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { allowed } from '../caps.js';
import { form, field } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, needs, table, badge } from '../ui.js';
import { PROC, at } from './register.js';

function today() {
  const d = new Date();
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit' });
  return p.format(d);
}

export async function render(ctx) {
  const unit = ctx.user.unit && ctx.user.unit.code;
  const missing = needs('GET', PROC.courante);
  if (missing || !unit) return page('courante.title', ctx, missing);
  const day = ctx.query.get('date') || today();
  const url = at(PROC.courante, 'code', unit);
  const d = await api('GET', `${url}?date=${encodeURIComponent(day)}`);
  const kids = [];
  kids.push(form({ submit: 'act.filter', label: 'proc.courante-day', onSubmit: async (v) => ctx.go(`/courante?date=${encodeURIComponent(v.date)}`) },
    field({ name: 'date', label: 'proc.courante-day', type: 'date', value: day })));
  kids.push(h('p', null,
    d.status === 'sealed' ? badge(d.verified ? 'courante_status.sealed' : 'courante.seal_broken', d.verified ? 'ok' : 'danger') : badge('courante_status.open', ''),
    ' ', h('a', { href: `${at(PROC.courantePrint, 'code', unit)}?date=${encodeURIComponent(day)}`, target: '_blank', rel: 'noopener', class: 'button print-link', text: t('proc.courante-print') })));
  kids.push(h('section', { class: 'card' }, table([
    ['proc_line.seq', (l) => h('span', { class: 'num', text: String(l.seq) })],
    ['proc_line.at', (l) => fmtDateTime(l.at)],
    ['proc_line.kind', (l) => t(`courante_kind.${l.kind}`)],
    ['proc_line.text', (l) => h('bdi', { text: l.text })],
    ['proc_line.origin', (l) => t(`courante_origin.${l.origin}`)],
    ['proc_line.recorded_by', (l) => h('bdi', { text: l.recorded_by || '' })],
  ], d.lines, { caption: 'courante.title', empty: 'proc.courante-empty' })));
  if (d.status === 'open' && day === today() && allowed('POST', PROC.courante, ctx.user.role)) {
    const sf = schemaForm('POST', PROC.courante, ['at', 'kind', 'text'], { text: { dir: 'auto', wide: true } });
    kids.push(h('section', { class: 'card' }, h('h2', { text: t('proc.courante-add') }),
      form({ submit: 'proc.courante-add', check: sf.check, onSubmit: async (v) => { await api('POST', url, sf.body(v)); ctx.toast(t('msg.saved')); ctx.rerender(); } }, sf.fields)));
  }
  const sealUrl = at(PROC.couranteSeal, 'code', unit);
  if (d.status === 'open' && day < today() && allowed('POST', PROC.couranteSeal, ctx.user.role)) {
    kids.push(form({ submit: 'proc.courante-seal', onSubmit: async () => { await api('POST', sealUrl, { day }); ctx.toast(t('msg.saved')); ctx.rerender(); } }));
  }
  return page('courante.title', ctx, kids);
}
