// persons.js — person search across Arabic and Latin spellings. A look-up
// outside the officer's own unit (national) asks for its purpose first: the
// purpose is written to the audit log with the look-up.
//
// Each result says why it is there, in words (its "reasons": same name in
// Arabic, father's name matches, born 1992...), and a query that names too
// many persons to tell apart gets "be more precise" and what to add, not ten
// arbitrary namesakes (docs/internals/search.md).
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtNum, fmtList } from '../i18n.js';
import { alertLine } from './registers.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, link } from '../ui.js';

export function render(ctx) {
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'act.search', label: 'persons.search', class: 'filters', draft: `${ctx.user.badge}.persons.q`,
    onSubmit: async (v) => {
      const d = await api('GET', `${EP.persons}${qs({
        q: v.q, birth_date: v.birth_date, birth_year: v.birth_date ? undefined : v.birth_year,
        sex: v.sex, father: v.father, purpose: v.purpose,
      })}`);
      const rows = listOf(d, 'persons', 'results');
      const alerts = listOf(d, 'alerts');
      mount(out,
        alerts.length ? h('div', { class: 'alert', role: 'alert' }, h('strong', { text: t('reg.hits', { n: alerts.length }) }),
          h('ul', null, alerts.map((a) => h('li', null, t(`alert.${a.register}`), ' — ', alertLine(a))))) : null,
        understood(d && d.understood),
        d && d.too_broad ? tooBroad(d.too_broad) : table([
          ['person.name', (p) => (p.id ? link(`/persons/${encodeURIComponent(p.id)}`, personName(p)) : personName(p))],
          ['person.cin', (p) => h('bdi', { dir: 'ltr', text: p.cin || '—' })],
          ['person.birth_date', (p) => (p.birth_date ? fmtDate(p.birth_date) : '—')],
          ['person.father', (p) => [pick(p, 'father_name_ar'), pick(p, 'father_name_lat'), pick(p, 'father_name')].filter(Boolean).join(' / ') || '—'],
          ['persons.why', reasons],
          ['person.score', (p) => (p.score !== undefined ? `${fmtNum(Math.round(p.score * 100))} %` : '—')],
        ], rows, { caption: 'persons.results', empty: 'persons.none' }));
    },
  },
  field({ name: 'q', label: 'persons.q', required: true, dir: 'auto', hint: 'persons.q-hint', wide: true, value: ctx.query.get('q') || undefined }),
  field({ name: 'father', label: 'person.father', dir: 'auto' }),
  field({ name: 'birth_date', label: 'person.birth_date', type: 'date' }),
  field({ name: 'birth_year', label: 'persons.birth_year', type: 'number', min: 1900, max: 2100, inputmode: 'numeric', hint: 'persons.birth_year-hint' }),
  field({ name: 'sex', label: 'person.sex', type: 'select', options: [['', 'msg.choose'], ['M', 'sex.M'], ['F', 'sex.F']] }),
  field({ name: 'purpose', label: 'persons.purpose', required: true, wide: true, hint: 'persons.purpose-hint', dir: 'auto' }));
  return page('nav.persons', ctx, needs('GET', EP.persons), h('section', { class: 'card' }, f), out);
}
