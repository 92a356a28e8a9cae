// persons.js — person search across Arabic and Latin spellings. A look-up
// outside the officer's own unit (national) asks for its purpose first: the
// purpose is written to the audit log with the look-up.
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtNum, fmtList, getLang } from '../i18n.js';
import { alertLine } from './registers.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, link } from '../ui.js';

// father(p): the father's name as the search answers it (one member per
// script), the page's script first.
function father(p) {
  const [a, b] = getLang() === 'ar' ? ['father_name_ar', 'father_name_lat'] : ['father_name_lat', 'father_name_ar'];
  return (a in p && p[a]) || (b in p && p[b]) || '—';
}

export function render(ctx) {
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'act.search', label: 'persons.search', class: 'filters', draft: `${ctx.user.badge}.persons.q`,
    onSubmit: async (v) => {
      const d = await api('GET', `${EP.persons}${qs({ q: v.q, birth_date: v.birth_date, sex: v.sex, father: v.father, purpose: v.purpose })}`);
      const rows = listOf(d, 'results');
      const alerts = listOf(d, 'alerts');
      mount(out,
        alerts.length ? h('div', { class: 'alert', role: 'alert' }, h('strong', { text: t('reg.hits', { n: alerts.length }) }),
          h('ul', null, alerts.map((a) => h('li', null, t(`alert.${a.register}`), ' — ', alertLine(a))))) : null,
        table([
          ['person.name', (p) => (p.id ? link(`/persons/${encodeURIComponent(p.id)}`, personName(p)) : personName(p))],
          ['person.cin', (p) => h('bdi', { dir: 'ltr', text: p.cin || '—' })],
          ['person.birth_date', (p) => (p.birth_date ? fmtDate(p.birth_date) : '—')],
          ['person.father', (p) => h('bdi', { text: father(p) })],
          ['person.match', (p) => ('matched' in p && p.matched && p.matched.length ? fmtList(p.matched.map((m) => t(`match.${m}`))) : '—')],
          ['person.score', (p) => ('score' in p ? `${fmtNum(Math.round(p.score * 100))} %` : '—')],
        ], rows, { caption: 'persons.results', empty: 'persons.none' }));
    },
  },
  field({ name: 'q', label: 'persons.q', required: true, dir: 'auto', hint: 'persons.q-hint', wide: true, value: ctx.query.get('q') || undefined }),
  field({ name: 'father', label: 'person.father', dir: 'auto' }),
  field({ name: 'birth_date', label: 'person.birth_date', type: 'date' }),
  field({ name: 'sex', label: 'person.sex', type: 'select', options: [['', 'msg.choose'], ['M', 'sex.M'], ['F', 'sex.F']] }),
  field({ name: 'purpose', label: 'persons.purpose', required: true, wide: true, hint: 'persons.purpose-hint', dir: 'auto' }));
  return page('nav.persons', ctx, needs('GET', EP.persons), h('section', { class: 'card' }, f), out);
}
