// persons.js — person search across Arabic and Latin spellings. A look-up
// outside the officer's own unit (national) asks for its purpose first: the
// purpose is written to the audit log with the look-up.
//
// Each result says why it is there, in words (its "reasons": same name in
// Arabic, father's name matches, born 1992...), and a query that names too
// many persons to tell apart gets "be more precise" and what to add, not ten
// arbitrary namesakes (docs/internals/search.md).
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtDateTime, fmtNum, fmtList } from '../i18n.js';
import { alertLine } from './registers.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, link, own } from '../ui.js';

// reasonText(r): one structured reason of a result in the UI language.
export function reasonText(r) {
  const part = t(`why.part.${r.part || 'none'}`);
  switch (r.code) {
    case 'name':
      if (r.match === 'script') return t(`why.name.script.${r.script === 'ar' ? 'ar' : 'lat'}`, { part });
      return t(`why.name.${r.match}`, { part });
    case 'birth':
      return t(`why.birth.${r.match}`, { y: r.year ? String(r.year) : '—' });
    case 'father': case 'sex': case 'place': case 'cin':
      return t(`why.${r.code}.${r.match}`);
    default:
      return r.code;
  }
}

function reasons(p) {
  if (p.reasons && p.reasons.length) return fmtList(p.reasons.map(reasonText));
  return p.matched && p.matched.length ? fmtList(p.matched.map((m) => t(`match.${m}`))) : '—';
}

// understood(u): what the engine read in the query besides the names.
function understood(u) {
  if (!u) return null;
  const bits = [];
  if (own(u, 'cin')) bits.push(t('persons.understood.cin', { c: u.cin }));
  if (own(u, 'birth_date')) {
    bits.push(t('persons.understood.birth_date', { d: fmtDate(u.birth_date) }));
    if (own(u, 'birth_date_swapped')) bits.push(t('persons.understood.swapped', { d: fmtDate(u.birth_date_swapped) }));
  } else if (own(u, 'birth_year')) {
    bits.push(t('persons.understood.birth_year', { y: String(u.birth_year) }));
  }
  if (u.father_in_name) bits.push(t('persons.understood.father'));
  return bits.length ? h('p', { class: 'muted', text: t('persons.understood', { what: fmtList(bits) }) }) : null;
}

// tooBroad(tb): the "be more precise" answer, with what would narrow it.
function tooBroad(tb) {
  const ask = (tb.ask || []).map((a) => t(`persons.ask.${a}`));
  return h('div', { class: 'notice', role: 'status', 'data-too-broad': '' },
    h('strong', { text: t('persons.too-broad', { n: tb.at_least }) }),
    ask.length ? h('p', { text: t('persons.too-broad-ask', { what: fmtList(ask) }) }) : null);
}

// answeredBy(d): on a node, who answered a national look-up — central,
// online, or the node's copy (central unreachable), and how old that is.
function answeredBy(d) {
  // present only on a node (own: the answer of a station without central lacks them)
  if (!d || !own(d, 'source') || !d.source) return null;
  if (d.source === 'central') return h('p', { class: 'muted source', text: t('persons.answered-central') });
  const s = Math.max(0, (own(d, 'copy_age_s') && d.copy_age_s) || 0);
  const age = s < 3600 ? t('alert.age-min', { n: Math.floor(s / 60) })
    : s < 172800 ? t('alert.age-h', { n: Math.floor(s / 3600) }) : t('alert.age-d', { n: Math.floor(s / 86400) });
  return h('p', { class: 'alert warn source', role: 'status', text: t('persons.answered-node', { at: own(d, 'copy_as_of') && d.copy_as_of ? fmtDateTime(d.copy_as_of) : '—', age }) });
}

export function render(ctx) {
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'act.search', label: 'persons.search', class: 'filters', draft: `${ctx.user.badge}.persons.q`,
    onSubmit: async (v) => {
      const d = await api('GET', `${EP.persons}${qs({
        q: v.q, birth_date: v.birth_date, birth_year: v.birth_date ? undefined : v.birth_year,
        sex: v.sex, father: v.father, purpose: v.purpose,
      })}`);
      const rows = listOf(d, 'results');
      const alerts = listOf(d, 'alerts');
      mount(out,
        answeredBy(d),
        alerts.length ? h('div', { class: 'alert', role: 'alert' }, h('strong', { text: t('reg.hits', { n: alerts.length }) }),
          h('ul', null, alerts.map((a) => h('li', null, t(`alert.${a.register}`), ' — ', alertLine(a))))) : null,
        understood(d && d.understood),
        d && own(d, 'too_broad') ? tooBroad(d.too_broad) : table([
          ['person.name', (p) => (p.id ? link(`/persons/${encodeURIComponent(p.id)}`, personName(p)) : personName(p))],
          ['person.cin', (p) => h('bdi', { dir: 'ltr', text: p.cin || '—' })],
          ['person.birth_date', (p) => (p.birth_date ? fmtDate(p.birth_date) : '—')],
          ['person.father', (p) => [p.father_name_ar, p.father_name_lat].filter(Boolean).join(' / ') || '—'],
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
