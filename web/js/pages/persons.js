// persons.js — person search across Arabic and Latin spellings. A look-up
// outside the officer's own unit (national) asks for its purpose first: the
// purpose is written to the audit log with the look-up.
import { h, mount } from '../dom.js';
import { t, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, pick, link } from '../ui.js';

export function render(ctx) {
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'act.search', label: 'persons.search', class: 'filters', draft: `${ctx.user.badge}.persons.q`,
    onSubmit: async (v) => {
      const d = await api('GET', `${EP.persons}${qs({ q: v.q, birth_date: v.birth_date, sex: v.sex, father: v.father, purpose: v.purpose })}`);
      const rows = listOf(d, 'persons', 'results');
      mount(out, table([
        ['person.name', (p) => (p.id ? link(`/persons?id=${encodeURIComponent(p.id)}`, personName(pick(p, 'person') || p)) : personName(p))],
        ['person.cin', (p) => h('span', { dir: 'ltr', text: pick(p, 'cin') || '—' })],
        ['person.birth_date', (p) => pick(p, 'birth_date') || '—'],
        ['person.father', (p) => pick(p, 'father_name') || '—'],
        ['persons.known', (p) => (p.known ? t('persons.known-yes') : '—')],
        ['persons.cases', (p) => listOf(p.cases, 'cases').map((c) => link(`/cases/${encodeURIComponent(c.id || c.case_id)}`, c.number || '…', 'chip'))],
      ], rows, { caption: 'persons.results', empty: 'persons.none' }));
    },
  },
  field({ name: 'q', label: 'persons.q', required: true, dir: 'auto', hint: 'persons.q-hint', wide: true }),
  field({ name: 'father', label: 'person.father', dir: 'auto' }),
  field({ name: 'birth_date', label: 'person.birth_date', type: 'date' }),
  field({ name: 'sex', label: 'person.sex', type: 'select', options: [['', 'msg.choose'], ['M', 'sex.M'], ['F', 'sex.F']] }),
  field({ name: 'purpose', label: 'persons.purpose', required: true, wide: true, hint: 'persons.purpose-hint', dir: 'auto' }));
  return page('nav.persons', ctx, needs('GET', EP.persons), h('section', { class: 'card' }, f), out);
}
