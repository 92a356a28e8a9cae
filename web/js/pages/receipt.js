// receipt.js — the receipt handed to the complainant (وصل): A4, in the UI
// language, with the receipt number, the date and hour in words (legal time),
// who received it, the complainant and the facts as recorded, and room for
// the officer's signature and the unit's stamp. Printed by the browser.
import { h } from '../dom.js';
import { t, getLang, locale, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { personName } from '../ui.js';

// inWords(ms): "الثلاثاء 1 دجنبر 2026 على الساعة 23:20" in legal time.
export function inWords(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  const day = new Intl.DateTimeFormat(locale(), { timeZone: 'Africa/Casablanca', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
  const hour = new Intl.DateTimeFormat(locale(), { timeZone: 'Africa/Casablanca', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return t('print.at-hour', { d: day, h: hour });
}

export async function render(ctx) {
  const c = await api('GET', fill(EP.complaint, { id: ctx.params.id }));
  const p = c.complainant;
  document.body.classList.add('printing');
  ctx.setTitle('receipt.title');
  const row = (k, v, ltr) => [h('dt', { text: t(k) }), h('dd', null, h('bdi', { dir: ltr ? 'ltr' : 'auto', text: v || '—' }))];
  return h('article', { class: 'print-doc receipt', lang: getLang(), dir: getLang() === 'ar' ? 'rtl' : 'ltr' },
    h('p', { class: 'no-print quick' },
      h('button', { type: 'button', class: 'primary', onclick: () => window.print(), text: t('pv.print-now') }),
      h('a', { href: `/complaints/${encodeURIComponent(c.id)}`, 'data-link': true, class: 'button', onclick: () => document.body.classList.remove('printing'), text: t('act.back') })),
    h('header', { class: 'doc-head' },
      h('p', { text: t('print.kingdom') }), h('p', { text: t('print.dgsn') }), h('p', null, h('bdi', { text: ctx.user.unit ? (getLang() === 'ar' ? ctx.user.unit.name_ar : ctx.user.unit.name_fr) : c.unit }))),
    h('h1', { text: t('receipt.title') }),
    h('p', { class: 'doc-no' }, t('complaint.receipt'), ' : ', h('bdi', { dir: 'ltr', class: 'num', text: c.receipt_no })),
    h('p', { class: 'doc-lead', text: t('receipt.lead', { d: inWords(c.received_at) }) }),
    h('dl', { class: 'facts' },
      row('complaint.complainant', personName(p)),
      row('person.cin', p.cin, true),
      row('person.birth_date', p.birth_date ? fmtDate(p.birth_date) : ''),
      row('person.address', p.address),
      row('complaint.occurred', c.occurred_at ? inWords(c.occurred_at) : ''),
      row('complaint.place', c.place),
      row('receipt.received-by', c.received_by_badge, true)),
    h('h2', { text: t('complaint.facts-text') }),
    h('div', { class: 'statements', dir: 'auto', text: c.facts }),
    h('p', { class: 'receipt-note', text: t('receipt.note') }),
    h('div', { class: 'signatures' },
      h('div', null, h('p', { text: t('receipt.sig-officer') }), h('p', { class: 'sig-line' })),
      h('div', null, h('p', { text: t('receipt.stamp') }), h('p', { class: 'sig-line' }))));
}
