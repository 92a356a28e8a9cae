// registers.js — the registers officers check: wanted persons (مذكرات البحث),
// vehicles (stolen or sought; plates in either script) and documents (lost or
// stolen CIN, passports).
import { h, mount } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, pick } from '../ui.js';

const KINDS = {
  wanted: { ep: EP.wanted, q: 'reg.q-wanted', cols: [
    ['person.name', (r) => personName(pick(r, 'person') || r)],
    ['person.cin', (r) => h('span', { dir: 'ltr', text: pick(r, 'cin') || '—' })],
    ['reg.notice', (r) => h('span', { dir: 'ltr', text: pick(r, 'notice_no', 'number') || '—' })],
    ['reg.issued', (r) => fmtDateTime(pick(r, 'issued_at'))],
    ['reg.status', (r) => pick(r, 'status') || '—'],
  ] },
  vehicles: { ep: EP.vehicles, q: 'reg.q-vehicles', cols: [
    ['reg.plate', (r) => h('span', { dir: 'ltr', text: pick(r, 'plate') || '—' })],
    ['reg.vehicle', (r) => [pick(r, 'make'), pick(r, 'model'), pick(r, 'colour', 'color')].filter(Boolean).join(' ') || '—'],
    ['reg.reason', (r) => pick(r, 'reason') || '—'],
    ['reg.issued', (r) => fmtDateTime(pick(r, 'reported_at', 'issued_at'))],
  ] },
  documents: { ep: EP.documents, q: 'reg.q-documents', cols: [
    ['reg.doc-kind', (r) => pick(r, 'kind') || '—'],
    ['reg.doc-number', (r) => h('span', { dir: 'ltr', text: pick(r, 'number') || '—' })],
    ['person.name', (r) => personName(pick(r, 'holder', 'person') || r)],
    ['reg.reason', (r) => pick(r, 'reason') || '—'],
    ['reg.issued', (r) => fmtDateTime(pick(r, 'reported_at'))],
  ] },
};

export function render(ctx) {
  const kind = ctx.params.kind;
  const k = KINDS[kind];
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'act.search', label: `reg.${kind}`, class: 'filters',
    onSubmit: async (v) => {
      const d = await api('GET', `${k.ep}${qs({ q: v.q })}`);
      mount(out, table(k.cols, listOf(d, kind, 'entries'), { caption: `reg.${kind}` }));
    },
  }, field({ name: 'q', label: k.q, required: true, dir: 'auto', wide: true }));
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('nav.registers') }, h('ul', null,
    Object.keys(KINDS).map((x) => h('li', null, h('a', { href: `/registers/${x}`, 'data-link': true, 'aria-current': x === kind ? 'page' : null, text: t(`reg.${x}`) })))));
  return page('nav.registers', ctx, tabs, needs('GET', k.ep), h('section', { class: 'card' }, h('h2', { text: t(`reg.${kind}`) }), f), out);
}
