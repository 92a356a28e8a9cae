// audit.js — for auditors: who did what to which record, in words (who by
// name, what, which record, why), and the chain check. "Who looked at this
// person?" arrives here from the person page with the person's id in the
// URL (/audit?object_type=person&object_id=…) and runs at once.
import { h, mount } from '../dom.js';
import { t, tOr, fmtDateTime, fmtNum, problemText, legalDayStart } from '../i18n.js';
import { api, qs } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, block, needs, link, listOf, personName } from '../ui.js';
import { has } from '../caps.js';
import { EP } from '../endpoints.js';

const LIMIT = 50;
const DAY = 86400000;
const PAGES = { case: '/cases/', person: '/persons/', complaint: '/complaints/', pv: '/pvs/', seizure: '/seizures/', referral: '/referrals/' };
// the records an auditor opens through the entry that names them (?via=):
// the route table lets an auditor read a case, a PV or a person that way only
const VIA = new Set(['case', 'person', 'pv']);

function who(e) {
  if (e.actor_name) return [h('bdi', { text: e.actor_name }), ' ', h('span', { class: 'muted', dir: 'ltr', text: `(${e.badge})` })];
  if (/^cli:/.test(e.badge || '')) return t('audit.system');
  return h('bdi', { dir: 'ltr', text: e.badge || '—' });
}

function what(e) {
  const type = e.object_type ? tOr(`audit.object.${e.object_type}`, 'audit.object.other') : '';
  if (!e.object_id) return type || '—';
  const short = e.object_id.length > 12 ? `${e.object_id.slice(0, 8)}…` : e.object_id;
  const href = PAGES[e.object_type];
  const via = VIA.has(e.object_type) ? `?via=${encodeURIComponent(e.seq)}` : '';
  return [type, ' ', href && via ? link(`${href}${encodeURIComponent(e.object_id)}${via}`, short, 'num') : h('bdi', { dir: 'ltr', class: 'num', text: short })];
}

// why(e): the stated purpose and, for a look-up, the terms searched for
// (the server keeps them in the entry's detail: q).
function why(e) {
  const d = 'detail' in e && e.detail && typeof e.detail === 'object' ? e.detail : null;
  const terms = d && 'q' in d && typeof d.q === 'string' && d.q ? d.q : null;
  if (!e.purpose && !terms) return '—';
  return [e.purpose ? h('bdi', { text: e.purpose }) : null,
    terms ? h('span', { class: 'terms' }, e.purpose ? ' — ' : '', t('audit.terms'), ' ', h('bdi', { class: 'num', text: terms })) : null];
}

// auditRows(rows, compact): the entries as sentences' parts, in the page's language.
export function auditRows(rows, compact) {
  return table([
    compact ? null : ['audit.seq', (e) => fmtNum(e.seq)],
    ['audit.at', (e) => fmtDateTime(e.at)],
    ['audit.who', (e) => who(e)],
    compact ? null : ['audit.role', (e) => tOr(`role.${e.role}`, 'audit.system')],
    ['audit.action', (e) => tOr(`audit.action.${e.action}`, 'audit.action.other')],
    ['audit.object', (e) => what(e)],
    ['audit.purpose', (e) => why(e)],
    compact ? null : ['audit.outcome', (e) => h('span', { class: `badge ${e.outcome === 'ok' ? 'ok' : 'warn'}`, text: tOr(`audit.outcome.${e.outcome}`, 'audit.outcome.other') })],
  ].filter(Boolean), rows, { caption: 'audit.entries' });
}

export function render(ctx) {
  const q = ctx.query;
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const stack = [];
  let filters = { badge: q.get('badge') || undefined, object_type: q.get('object_type') || undefined, object_id: q.get('object_id') || undefined };
  const load = async (after) => {
    const d = await api('GET', `${EP.audit}${qs({ ...filters, limit: LIMIT, after_seq: after || undefined })}`);
    const rows = d.entries;
    mount(results,
      auditRows(rows),
      h('nav', { class: 'pager', 'aria-label': t('msg.paging') },
        h('button', { type: 'button', disabled: stack.length === 0, text: t('act.prev'), onclick: () => load(stack.pop()) }),
        h('button', {
          type: 'button', disabled: rows.length < LIMIT, text: t('act.next'),
          onclick: () => { stack.push(after || 0); load(rows[rows.length - 1].seq); },
        })));
  };
  const about = h('div');
  const aboutId = (type, id) => mount(about, h('p', { class: 'notice' }, t('audit.about', { type: tOr(`audit.object.${type}`, 'audit.object.other') }), ' ',
    h('bdi', { dir: 'ltr', class: 'num', text: id })));
  const aboutPerson = (p) => mount(about, h('p', { class: 'notice', text: t('audit.about-person', { name: personName(p) }) }));
  const f = form({
    submit: 'act.search', label: 'audit.query', class: 'filters',
    onSubmit: async (v) => {
      const from = legalDayStart(v.from);
      const to = legalDayStart(v.to);
      filters = {
        badge: v.badge, action: v.action, object_type: v.object_type, object_id: v.object_id,
        from: Number.isNaN(from) ? undefined : from, to: Number.isNaN(to) ? undefined : to + DAY - 1,
      };
      stack.length = 0;
      mount(about);
      if (v.person) {
        // "who looked at this person?" by name or CIN: the national search
        // (itself audited) finds the person; the auditor picks one if several
        const d = await api('GET', `${EP.persons}${qs({ q: v.person, purpose: t('audit.person-purpose') })}`);
        const found = listOf(d, 'results').filter((p) => p.id);
        const pick = async (p) => {
          filters = { ...filters, object_type: 'person', object_id: p.id };
          aboutPerson(p);
          await load(0);
        };
        if (found.length === 1) { await pick(found[0]); return; }
        mount(results, found.length ? [h('p', { text: t('audit.person-pick') }),
          h('ul', { class: 'person-pick' }, found.map((p) => h('li', null, h('button', {
            type: 'button', class: 'link', onclick: () => pick(p).catch((e) => mount(results, h('p', { class: 'alert', role: 'alert', text: problemText(e) }))),
          }, h('bdi', { text: personName(p) }), ' ', h('bdi', { dir: 'ltr', class: 'muted', text: p.cin || '' })))))]
          : h('p', { class: 'empty', text: t('audit.person-none') }));
        return;
      }
      if (filters.object_id) aboutId(filters.object_type, filters.object_id);
      await load(0);
    },
  },
  field({ name: 'person', label: 'audit.person', dir: 'auto', wide: true, hint: 'audit.person-hint' }),
  field({ name: 'badge', label: 'audit.badge', dir: 'ltr', value: filters.badge }),
  field({ name: 'action', label: 'audit.action-code', dir: 'ltr', placeholder: 'person.read' }),
  field({ name: 'object_type', label: 'audit.object-type', dir: 'ltr', value: filters.object_type }),
  field({ name: 'object_id', label: 'audit.object-id', dir: 'ltr', value: filters.object_id }),
  field({ name: 'from', label: 'field.from', type: 'date' }),
  field({ name: 'to', label: 'field.to', type: 'date' }));

  const verifyOut = h('div', { 'aria-live': 'polite' });
  const verifyBtn = h('button', {
    type: 'button', id: 'verify', text: t('audit.verify'),
    onclick: async () => {
      verifyBtn.disabled = true;
      mount(verifyOut, h('p', { role: 'status' }, h('progress', { 'aria-label': t('msg.working') }), ' ', t('audit.verifying')));
      try {
        const r = await api('GET', EP.auditVerify);
        mount(verifyOut, h('p', { class: r.ok ? 'success' : 'alert', role: 'status' },
          r.ok ? t('audit.chain-ok', { n: r.entries, c: r.checkpoints }) : t('audit.chain-bad', { seq: r.first_bad_seq })));
      } catch (e) {
        mount(verifyOut, h('p', { class: 'alert', role: 'alert', text: problemText(e) }));
      } finally { verifyBtn.disabled = false; }
    },
  });
  load(0).catch((e) => mount(results, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  const flags = block('audit.flags', async () => {
    if (!has('GET', EP.auditFlags)) return needs('GET', EP.auditFlags);
    const d = await api('GET', EP.auditFlags);
    return [h('p', { class: 'muted', text: t('audit.flags-intro', { n: d.threshold, h: Math.round(d.window_ms / 3600000) }) }),
      table([
        ['audit.badge', (x) => h('bdi', { dir: 'ltr', text: x.badge })],
        ['reg.owner', (x) => h('bdi', { dir: 'ltr', text: x.unit })],
        ['audit.lookups', (x) => fmtNum(x.lookups)],
        ['audit.flag-reason', (x) => tOr(`flag.${x.reason}`, 'flag.other')],
      ], d.flags, { caption: 'audit.flags', empty: 'audit.no-flags' })];
  });
  if (filters.object_id) aboutId(filters.object_type, filters.object_id);
  return page('nav.audit', ctx,
    h('section', { class: 'card' }, h('h2', { text: t('audit.query') }), about, f, results),
    flags,
    h('section', { class: 'card' }, h('h2', { text: t('audit.chain') }), h('p', { class: 'muted', text: t('audit.chain-intro') }), verifyBtn, verifyOut));
}
