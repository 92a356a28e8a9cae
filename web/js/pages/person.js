// person.js (page) — one person of the index: identity in both scripts, the
// cases in my scope with the role held ("known to police" only for suspect or
// arrested), and, for a chief or an administrator, possible duplicates and
// the merge (reversible: nothing moves, the merged record points to the survivor).
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtDateTime, fmtNum, problemText, fmtList } from '../i18n.js';
import { api, viaQs } from '../api.js';
import { allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, link, personName, badge } from '../ui.js';
import { remember } from '../recent.js';
import { reasonText } from './persons.js';

export async function render(ctx) {
  const miss = needs('GET', EP.person);
  if (miss) return page('person.title', ctx, miss);
  const id = ctx.params.id;
  const p = await api('GET', `${fill(EP.person, { id })}${viaQs(ctx)}`);
  remember('person', id, personName(p), p.cin || '');
  const dd = (v, dir) => h('dd', null, h('bdi', { dir: dir || 'auto', text: v || '—' }));
  const head = h('section', { class: 'card case-head' }, h('dl', { class: 'facts' },
    h('dt', { text: t('person.name') }), h('dd', null, h('bdi', { text: personName(p) })),
    h('dt', { text: t('person.cin') }), dd(p.cin, 'ltr'),
    h('dt', { text: t('person.birth_date') }), h('dd', { text: p.birth_date ? fmtDate(p.birth_date) : '—' }),
    h('dt', { text: t('person.birth_place') }), dd(p.birth_place),
    h('dt', { text: t('person.sex') }), h('dd', { text: p.sex ? t(`sex.${p.sex}`) : '—' }),
    h('dt', { text: t('person.father') }), dd(p.father_name),
    h('dt', { text: t('person.mother') }), dd(p.mother_name),
    h('dt', { text: t('person.address') }), dd(p.address),
    h('dt', { text: t('persons.known') }), h('dd', null, p.known_to_police ? badge('persons.known-yes', 'urgent') : t('msg.no'))),
  allowed('GET', EP.audit, ctx.user.role)
    ? h('p', { class: 'quick' }, link(`/audit?object_type=person&object_id=${encodeURIComponent(id)}`, t('person.who-looked'), 'button')) : null);
  const cases = h('section', { class: 'card' }, h('h2', { text: t('persons.cases') }),
    table([
      // read through an audit entry (an auditor): a case opens through an entry
      // naming it too, so its number leads to the entries about that case
      ['case.number', (c) => link(viaQs(ctx)
        ? `/audit?object_type=case&object_id=${encodeURIComponent(c.case_id)}`
        : `/cases/${encodeURIComponent(c.case_id)}`, c.number, 'num')],
      ['person.role', (c) => t(`prole.${c.role}`)],
      ['case.status', (c) => badge(`cstatus.${c.status}`, c.status)],
      ['case.class', (c) => (c.class ? t(`class.${c.class}`) : '—')],
    ], p.cases, { caption: 'persons.cases' }));
  let dups = null;
  if (allowed('GET', EP.duplicates, ctx.user.role)) {
    const out = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted', text: t('msg.loading') }));
    dups = h('section', { class: 'card', id: 's-duplicates' }, h('h2', { text: t('person.duplicates') }), h('p', { class: 'muted', text: t('person.duplicates-intro') }), out);
    api('GET', fill(EP.duplicates, { id })).then((d) => {
      const cands = d.candidates;
      const canMerge = allowed('POST', EP.merges, ctx.user.role);
      mount(out, table([
        ['person.name', (x) => link(`/persons/${encodeURIComponent(x.id)}`, personName(x))],
        ['person.cin', (x) => h('bdi', { dir: 'ltr', text: x.cin || '—' })],
        ['person.birth_date', (x) => (x.birth_date ? fmtDate(x.birth_date) : '—')],
        ['persons.why', (x) => (x.reasons && x.reasons.length ? fmtList(x.reasons.map(reasonText))
          : fmtList((x.matched || []).map((m) => t(`match.${m}`))))],
        ['person.score', (x) => fmtNum(Math.round((x.score || 0) * 100)) + ' %'],
        canMerge ? ['admin.actions', (x) => h('details', { class: 'add inline' }, h('summary', { text: t('person.merge') }),
          form({
            submit: 'person.merge', label: 'person.merge',
            onSubmit: async (v) => {
              const r = await api('POST', EP.merges, { survivor_id: id, merged_id: x.id, reason: v.reason });
              ctx.toast(t('person.merged', { id: r.id }));
              ctx.rerender();
            },
          }, h('p', { class: 'muted', text: t('person.merge-intro') }), field({ name: 'reason', label: 'field.reason', required: true, wide: true, dir: 'auto' })))] : null,
      ].filter(Boolean), cands, { caption: 'person.duplicates', empty: 'person.no-duplicates' }));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  // when each part of the record goes (loi 09-08 art 3, the retention rules; issue 17)
  let keep = null;
  const RET = '/api/v1/persons/{id}/retention';
  if (!viaQs(ctx) && allowed('GET', RET, ctx.user.role)) {
    const out = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted', text: t('msg.loading') }));
    keep = h('section', { class: 'card', id: 's-retention' }, h('h2', { text: t('retention.title') }), out);
    api('GET', fill(RET, { id })).then((d) => {
      mount(out, table([
        ['proc_retention_part.kind', (x) => t(`retention.${x.kind}`)],
        ['proc_retention_part.case_number', (x) => h('bdi', { dir: 'ltr', class: 'num', text: x.case_number })],
        ['proc_retention_part.ended_at', (x) => (x.ended_at ? fmtDateTime(x.ended_at) : '—')],
        ['proc_retention_part.goes_at', (x) => (x.purged_at ? [badge('proc_retention_part.purged_at', 'ok'), ' ', fmtDateTime(x.purged_at)]
          : x.goes_at ? fmtDate(x.goes_at) : x.keep_days ? t('retention.when-ended', { n: fmtNum(x.keep_days) }) : '—')],
        ['proc_retention_part.rule_code', (x) => [h('bdi', { dir: 'ltr', text: x.rule_code || '—' }), x.uncertain ? [' ', badge('proc_retention_part.uncertain', 'warn')] : null]],
      ], d.parts, { caption: 'proc_person_retention.parts', empty: 'retention.none' }),
      h('p', { class: 'muted' }, t('proc_person_retention.kept'), ' : ', fmtList((d.kept || []).map((k) => t(`retention.kept.${k}`)))));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  return page('person.title', ctx, head, cases, dups, keep);
}
