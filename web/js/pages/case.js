// case.js — one case: its facts and OPJ, persons (one line per person with
// all their roles; removed with a reason when added by mistake), offences,
// PVs, custody as the law sees it, seizures, the referral to the competent
// prosecutor (shown and confirmed before sending) and the history in words.
// Every form is built from its route's schema (schema.js) and offered only
// when the route table lets this role call it (caps.allowed).
import { h, mount } from '../dom.js';
import { t, tOr, fmtDateTime, fmtDate, fmtList, getLang, problemText } from '../i18n.js';
import { api, viaQs } from '../api.js';
import { allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, table, needs, listOf, personName, badge, link, own } from '../ui.js';
import { personUi, PERSON_ORDER } from '../person.js';
import { offenceField, offenceLabel } from '../offences.js';
import { lawyerLine, familyLine, timeLeft, ruleLine } from '../custodyview.js';
import { confirmAct, dialog } from '../confirm.js';
import { remember } from '../recent.js';
import { procedureSection } from '../procedure.js';

// case_events.kind (src/cases/*.c) → message key
const EVENTS = {
  created: 'event.created', updated: 'event.updated', status: 'event.status', assigned: 'event.assigned',
  'offence.added': 'event.offence', 'person.added': 'event.person', 'person.removed': 'event.person-removed', 'person.protected': 'event.person-protected',
  'complaint.opened': 'event.complaint-opened', 'complaint.attached': 'event.complaint-attached',
  'pv.drafted': 'event.pv-created', 'pv.edited': 'event.pv-edited', 'pv.sealed': 'event.pv-sealed',
  'custody.opened': 'event.custody-opened', 'custody.extended': 'event.custody-extended',
  'custody.updated': 'event.custody-updated', 'custody.closed': 'event.custody-closed',
  'seizure.recorded': 'event.seizure', 'seizure.transferred': 'event.seizure-transferred',
  referred: 'event.referral', 'referral.outcome': 'event.referral-outcome',
};

// eventDetail(e): a short, translated line about what changed (numbers stay as typed).
function eventDetail(e) {
  const d = e.detail || {};
  const v = (k) => (k in d ? d[k] : null);
  const parts = [];
  if (e.kind === 'status' && v('to')) parts.push(v('from') ? t('event.status-change', { from: t(`cstatus.${d.from}`), to: t(`cstatus.${d.to}`) }) : t(`cstatus.${d.to}`));
  if ((e.kind === 'person.added' || e.kind === 'person.removed') && v('role')) parts.push(t(`prole.${d.role}`));
  if (e.kind === 'custody.opened' && v('regime')) parts.push(t(`regime.${d.regime}`));
  if (e.kind === 'custody.closed' && v('end')) parts.push(t(`custody.end.${d.end}`));
  if (e.kind === 'referral.outcome' && v('outcome')) parts.push(t(`outcome.${d.outcome}`));
  if (e.kind === 'assigned' && v('opj')) parts.push(h('bdi', { dir: 'ltr', text: d.opj }));
  if (e.kind === 'person.protected' && v('n')) parts.push(`${t('person.protected')} ${d.n}`);
  const num = v('number') || v('receipt_no') || v('transmission_no') || v('seal_no');
  if (num && e.kind !== 'created') parts.push(h('bdi', { dir: 'ltr', class: 'num', text: num }));
  if (v('reason')) parts.push(h('bdi', { text: d.reason }));
  return parts.length ? [' — ', parts.map((x, i) => (i ? [' · ', x] : x))] : null;
}

function section(id, titleKey, ...kids) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, text: t(titleKey) }), kids);
}

function adder(summaryKey, make) {
  return h('details', { class: 'add' }, h('summary', { text: t(summaryKey || 'act.add') }), make());
}

// byPerson(rows): one entry per person with every role they hold (and the
// note each role was added with).
export function byPerson(rows) {
  const m = new Map();
  for (const p of rows) {
    // a protected identity (loi 37-10) has no id: its pseudonym's number
    const key = ('person_id' in p && p.person_id) || `protected-${p.protected_n}`;
    if (!m.has(key)) m.set(key, { ...p, roles: [], notes: [] });
    m.get(key).roles.push(p.role);
    if ('note' in p && p.note) m.get(key).notes.push(p.note);
  }
  return [...m.values()];
}

// protectedName(p): "protected witness n° N", the only name a protected identity has on the case.
function protectedName(p) {
  return `${t('person.protected')} ${p.protected_n}`;
}

function personOptions(people) {
  return [['', 'msg.choose'], ...people.filter((p) => p.person_id).map((p) => [p.person_id, `${personName(p)} — ${fmtList(p.roles.map((r) => t(`prole.${r}`)))}`, true])];
}

// lookupAnswer(got, then): another unit's person was linked (issue 10 item
// 8): what came back (what a person search shows), whether it was counted
// as a national look-up, and what was typed but not written into the other
// unit's record — to be kept in this unit's own PV.
const SHOWN = [['person.cin', 'cin'], ['person.last_lat', 'last_name_lat'], ['person.first_lat', 'first_name_lat'],
  ['person.last_ar', 'last_name_ar'], ['person.first_ar', 'first_name_ar'], ['person.father', 'father_name'],
  ['person.birth_date', 'birth_date'], ['person.sex', 'sex']];
function lookupAnswer(got, then) {
  dialog('case.lookup-title', (close) => {
    const shut = () => { close(); then(); };
    const rows = SHOWN.filter(([, k]) => own(got, k) && got[k]).map(([label, k]) => h('tr', null, h('th', { scope: 'row', text: t(label) }),
      h('td', null, h('bdi', { text: k === 'birth_date' ? fmtDate(got[k]) : k === 'sex' ? t(`sex.${got[k]}`) : got[k] }))));
    const skipped = own(got, 'not_applied') ? listOf(got.not_applied) : [];
    return [
      h('p', { class: 'lookup-owner' }, t('case.lookup-owner'), ' ', h('bdi', { dir: 'ltr', text: got.owner_unit })),
      own(got, 'national_lookup') && got.national_lookup ? h('p', { class: 'lookup-national', text: t('case.lookup-national') }) : null,
      h('table', { class: 'fields' }, h('tbody', null, ...rows)),
      skipped.length ? h('p', { class: 'lookup-not-applied', text: `${t('case.lookup-not-applied')} ${fmtList(skipped.map((k) => tOr(`person.${k}`, 'case_person.person')))}` }) : null,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: shut, text: t('case.lookup-ok') })),
    ];
  });
}

function removePerson(ctx, id, p, done) {
  const url = fill(EP.casePersonRemove, { id, pid: p.person_id });
  dialog('case.remove-person', (close) => {
    const sf = schemaForm('POST', url, ['role', 'reason'], {
      role: { only: p.roles, hint: 'case.remove-role-hint' }, reason: { dir: 'auto', wide: true },
    });
    return [h('p', null, t('case.remove-intro'), ' ', h('bdi', { text: personName(p) })),
      form({
        submit: 'case.remove-person', check: sf.check, extra: h('button', { type: 'button', onclick: close, text: t('act.cancel') }),
        onSubmit: async (v) => { await api('POST', url, sf.body(v)); close(); done('case.person-removed'); },
      }, sf.fields)];
  });
}

// revealPerson: the case's OPJ or chief reads a protected identity, with a
// purpose (counted as a look-up and audited with its subject).
function revealPerson(id, p) {
  const url = fill(EP.caseReveal, { id, n: p.protected_n });
  dialog('case.reveal', (close) => {
    const out = h('div', { class: 'revealed', 'aria-live': 'polite' });
    const sf = schemaForm('POST', url, ['purpose'], { purpose: { dir: 'auto', wide: true } });
    return [h('p', null, h('bdi', { text: protectedName(p) })),
      form({
        submit: 'case.reveal', check: sf.check, extra: h('button', { type: 'button', onclick: close, text: t('act.cancel') }),
        onSubmit: async (v) => {
          const got = await api('POST', url, sf.body(v));
          const who = got.person || {};
          mount(out, h('table', { class: 'fields' }, h('tbody', null,
            ...SHOWN.filter(([, k]) => who[k]).map(([label, k]) => h('tr', null, h('th', { scope: 'row', text: t(label) }),
              h('td', null, h('bdi', { text: k === 'birth_date' ? fmtDate(who[k]) : k === 'sex' ? t(`sex.${who[k]}`) : who[k] })))))));
        },
      }, sf.fields), out];
  });
}

// protectBox: the OPJ records the protection of a witness's or a victim's
// identity, authorised by the prosecutor (the offices from the reference data).
function protectBox(id, people, done) {
  const url = fill(EP.caseProtections, { id });
  const who = people.filter((p) => p.person_id && p.roles.some((r) => r === 'witness' || r === 'victim' || r === 'complainant'));
  const sf = schemaForm('POST', url, ['person_id', 'ground', 'decided_at', 'authority_code', 'authorisation_reference'], {
    person_id: { type: 'select', options: personOptions(who), required: true },
    ground: { dir: 'auto', wide: true },
    authority_code: { type: 'select', options: [['', 'msg.choose']], required: true },
    authorisation_reference: { dir: 'ltr' },
  });
  const f = form({
    submit: 'case.protect', label: 'case.protect', check: sf.check,
    onSubmit: async (v) => { await api('POST', url, sf.body(v)); done('msg.saved'); },
  }, sf.fields);
  const office = f.querySelector('select[name=authority_code]');
  api('GET', '/api/v1/prosecution-offices').then((d) => {
    for (const o of (d.offices || [])) office.appendChild(h('option', { value: o.code, text: getLang() === 'ar' ? o.name_ar : o.name_fr }));
  }).catch(() => {});
  return who.length ? adder('case.protect', () => f) : null;
}

function assignBox(ctx, c, done) {
  const url = fill(EP.caseAssignee, { id: c.id });
  const holder = h('div');
  const sf = schemaForm('PUT', url, ['opj', 'reason'], { opj: { type: 'select', options: [['', 'msg.choose']] }, reason: { dir: 'auto' } });
  const f = form({
    submit: 'case.assign', label: 'case.assign', check: sf.check,
    onSubmit: async (v) => { await api('PUT', url, sf.body(v)); done('msg.saved'); },
  }, sf.fields);
  mount(holder, f);
  // the OPJs of my unit, by name and rank (users list: chiefs and admins)
  if (allowed('GET', EP.users, ctx.user.role)) {
    api('GET', EP.users).then((d) => {
      const sel = f.querySelector('select[name=opj]');
      for (const x of d.users.filter((u) => u.role === 'opj' && u.status === 'active')) {
        sel.appendChild(h('option', { value: x.badge, text: `${x.name} (${x.badge})` }));
      }
    }).catch((e) => ctx.toast(problemText(e)));
  }
  return h('details', { class: 'add' }, h('summary', { text: t(c.opj_badge ? 'case.reassign' : 'case.assign') }), holder);
}

function referralBox(ctx, c) {
  const url = fill(EP.caseReferrals, { id: c.id });
  const office = h('div', { class: 'competent', 'aria-live': 'polite' }, h('p', { class: 'muted', text: t('msg.loading') }));
  let competent = null;
  api('GET', fill(EP.caseReferralCompetent, { id: c.id })).then((d) => {
    competent = d.office;
    mount(office, d.office
      ? h('p', { class: 'notice' }, t('referral.competent'), ' ', h('strong', null, h('bdi', { text: getLang() === 'ar' ? d.office.name_ar : d.office.name_fr })),
        ' (', t(`office.${d.office.kind}`), ')')
      : h('p', { class: 'alert', text: t('referral.no-competent') }));
  }).catch((e) => mount(office, h('p', { class: 'alert', text: problemText(e) })));
  const sf = schemaForm('POST', url, ['office', 'override_reason', 'drafts_reason'], {
    office: { dir: 'ltr', hint: 'referral.office-hint' }, override_reason: { hint: 'referral.reason-hint', dir: 'auto' },
    drafts_reason: { hint: 'referral.drafts-hint', dir: 'auto' },
  });
  return h('div', null, office, form({
    submit: 'referral.send', check: sf.check,
    onSubmit: async (v) => {
      const to = v.office || (competent && competent.code) || '';
      const name = competent && (!v.office || v.office === competent.code) ? (getLang() === 'ar' ? competent.name_ar : competent.name_fr) : to;
      if (!(await confirmAct('referral.confirm-title', t('referral.confirm', { office: name, n: c.number })))) return;
      const r = await api('POST', url, sf.body(v));
      ctx.toast(t('referral.sent-ok'));
      ctx.go(`/referrals/${encodeURIComponent(r.id)}`);
    },
  }, sf.fields));
}

export async function render(ctx) {
  const miss = needs('GET', EP.case);
  if (miss) return page('case.title', ctx, miss);
  const id = ctx.params.id;
  const c = await api('GET', `${fill(EP.case, { id })}${viaQs(ctx)}`);
  const role = ctx.user.role;
  const can = (m, tpl) => allowed(m, tpl, role);
  const open = c.status === 'registered' || c.status === 'under_investigation';
  const done = (key) => { ctx.toast(t(key)); ctx.rerender(); };
  const ek = `${ctx.user.badge}.case.${id}`;
  remember('case', c.id, c.number, c.summary ? c.summary.slice(0, 60) : '');

  const people = byPerson(listOf(c.persons));
  const head = h('section', { class: 'card case-head' },
    h('dl', { class: 'facts' },
      h('dt', { text: t('case.number') }), h('dd', null, h('bdi', { dir: 'ltr', class: 'num', text: c.number })),
      h('dt', { text: t('case.status') }), h('dd', null, badge(`cstatus.${c.status}`, c.status)),
      h('dt', { text: t('case.class') }), h('dd', { text: c.class ? t(`class.${c.class}`) : '—' }),
      h('dt', { text: t('case.frame') }), h('dd', { text: c.frame ? t(`frame.${c.frame}`) : '—' }),
      h('dt', { text: t('case.unit') }), h('dd', null, h('bdi', { text: getLang() === 'ar' ? c.unit_name_ar : c.unit_name_fr })),
      h('dt', { text: t('case.opj') }), h('dd', { class: 'opj' }, c.opj_name ? [h('bdi', { text: c.opj_name }), ' ', h('span', { class: 'muted', dir: 'ltr', text: `(${c.opj_badge})` })] : t('case.no-opj')),
      h('dt', { text: t('case.occurred') }), h('dd', { text: fmtDateTime(c.occurred_from) }),
      h('dt', { text: t('case.place') }), h('dd', null, h('bdi', { text: [c.commune, c.address].filter(Boolean).join(' — ') || '—' })),
      h('dt', { text: t('case.summary') }), h('dd', { class: 'prose', dir: 'auto', text: c.summary || '—' })),
    open && can('PUT', EP.caseAssignee) ? assignBox(ctx, c, done) : null);

  const STATUS_TO = { registered: ['under_investigation', 'cancelled'], under_investigation: ['cancelled'], referred: ['closed'] };
  const targets = STATUS_TO[c.status] || [];
  if (can('POST', EP.caseStatus) && targets.length) {
    const url = fill(EP.caseStatus, { id });
    const sf = schemaForm('POST', url, ['status', 'reason'], { status: { only: targets }, reason: { dir: 'auto', wide: true, hint: 'case.status-hint' } });
    head.appendChild(adder('case.change-status', () => form({
      submit: 'act.save', label: 'case.change-status', check: sf.check,
      onSubmit: async (v) => {
        if (v.status === 'cancelled' && !(await confirmAct('case.cancel-title', t('case.cancel-confirm', { n: c.number })))) return;
        await api('POST', url, sf.body(v));
        done('msg.saved');
      },
    }, sf.fields)));
  }

  const toc = h('nav', { class: 'toc', 'aria-label': t('case.sections') }, h('ul', null,
    [['s-persons', 'case.persons'], ['s-offences', 'case.offences'], ['s-pvs', 'case.pvs'], ['s-custody', 'case.custody'],
      ['s-seizures', 'case.seizures'], ['s-referral', 'case.referral'], ['s-history', 'case.history']]
      .map(([a, k]) => h('li', null, h('a', { href: `#${a}`, text: t(k) })))));

  const canRemove = open && can('POST', EP.casePersonRemove);
  const addUrl = fill(EP.casePersons, { id });
  const personsSec = section('s-persons', 'case.persons',
    table([
      ['person.name', (p) => ('protected_n' in p && p.protected_n
        ? h('span', { class: 'protected' }, h('bdi', { text: protectedName(p) }), ' ',
          can('POST', EP.caseReveal) ? h('button', { type: 'button', class: 'small', onclick: () => revealPerson(id, p), text: t('case.reveal') }) : null)
        : h('bdi', null, link(`/persons/${encodeURIComponent(p.person_id)}`, personName(p))))],
      ['person.roles', (p) => fmtList(p.roles.map((r) => t(`prole.${r}`)))],
      ['person.cin', (p) => h('bdi', { dir: 'ltr', text: p.cin || '—' })],
      ['person.birth_date', (p) => (p.birth_date ? fmtDate(p.birth_date) : '—')],
      ['case_person.note', (p) => (p.notes.length ? h('bdi', { text: p.notes.join(' · ') }) : '—')],
      canRemove ? ['admin.actions', (p) => ('person_id' in p && p.person_id ? h('button', { type: 'button', class: 'small', onclick: () => removePerson(ctx, id, p, done), text: t('case.remove-person') }) : '—')] : null,
    ].filter(Boolean), people, { caption: 'case.persons' }),
    open && can('POST', EP.casePersons) ? adder('case.add-person', () => {
      const sf = schemaForm('POST', addUrl, ['role', 'note', 'purpose', 'person'], { ...personUi('person', { order: [...PERSON_ORDER, 'unknown', 'description'] }), note: { dir: 'auto', wide: true }, purpose: { dir: 'auto', wide: true, hint: 'case_person.purpose-hint' } });
      return form({
        submit: 'case.add-person', label: 'case.add-person', draft: `${ek}.person`, check: sf.check,
        onSubmit: async (v) => { const got = await api('POST', addUrl, sf.body(v)); if (own(got, 'owner_unit')) lookupAnswer(got, () => done('msg.saved')); else done('msg.saved'); },
      }, sf.fields);
    }) : null,
    open && can('POST', EP.caseProtections) ? protectBox(id, people, done) : null,
    open && people.length && can('POST', EP.casePersons) ? adder('case.add-role', () => {
      const sf = schemaForm('POST', addUrl, ['role', 'person_id'], { person_id: { type: 'select', options: personOptions(people), required: true } });
      return form({
        submit: 'case.add-role', label: 'case.add-role', check: sf.check,
        onSubmit: async (v) => { await api('POST', addUrl, sf.body(v)); done('msg.saved'); },
      }, sf.fields);
    }) : null);

  const offSec = section('s-offences', 'case.offences',
    table([
      ['case.offence', (o) => offenceLabel(o)],
      ['ref.article', (o) => o.article || '—'],
      ['case.class', (o) => t(`class.${o.class}`)],
      ['case.attempted', (o) => (o.attempted ? t('msg.yes') : t('msg.no'))],
    ], listOf(c.offences), { caption: 'case.offences' }),
    open && can('POST', EP.caseOffences) ? adder('case.add-offence', () => {
      const holder = h('div');
      const url = fill(EP.caseOffences, { id });
      const sf = schemaForm('POST', url, ['attempted'], {});
      offenceField('code', true).then((fld) => holder.appendChild(form({
        submit: 'act.add', onSubmit: async (v) => { await api('POST', url, sf.body(v, { code: v.code })); done('msg.saved'); },
      }, fld, sf.fields)));
      return holder;
    }) : null);

  const pvUrl = fill(EP.casePvs, { id });
  const pvSec = section('s-pvs', 'case.pvs',
    table([
      ['pv.number', (p) => link(`/pvs/${encodeURIComponent(p.id)}`, p.number, 'num')],
      ['pv.type', (p) => t(`pvtype.${p.type}`)],
      ['pv.status', (p) => badge(`pvstatus.${p.status}`, p.status === 'sealed' ? 'ok' : '')],
      ['pv.act_at', (p) => fmtDateTime(p.act_at)],
      ['pv.print', (p) => link(`/pvs/${encodeURIComponent(p.id)}/print`, t('pv.print'))],
    ], listOf(c.pvs), { caption: 'case.pvs' }),
    open && can('POST', EP.casePvs) ? adder('pv.create', () => {
      const sf = schemaForm('POST', pvUrl, ['type', 'person_id', 'act_at', 'place'], {
        person_id: { type: 'select', options: personOptions(people) }, place: { dir: 'auto' },
      });
      return form({
        submit: 'pv.create', draft: `${ek}.pv`, check: sf.check,
        onSubmit: async (v) => {
          const r = await api('POST', pvUrl, sf.body(v, c.frame ? { frame: c.frame } : {}));
          ctx.go(`/pvs/${encodeURIComponent(r.id)}`);
        },
      }, sf.fields);
    }) : null);

  const custUrl = fill(EP.caseCustodies, { id });
  const custSec = section('s-custody', 'case.custody',
    table([
      ['custody.person', (k) => h('bdi', { text: personName(k) })],
      ['custody.rule', (k) => ruleLine(k)],
      ['custody.started', (k) => fmtDateTime(k.started_at)],
      ['custody.deadline', (k) => fmtDateTime(k.deadline_at)],
      ['custody.left', (k) => timeLeft(k)],
      ['custody.lawyer', (k) => lawyerLine(k)],
      ['custody.family', (k) => familyLine(k)],
      ['admin.actions', (k) => link(`/custody?status=${k.status === 'open' ? 'open' : 'all'}`, t('custody.manage'))],
    ], listOf(c.custodies), { caption: 'case.custody', empty: 'custody.none' }),
    open && can('POST', EP.caseCustodies) ? adder('custody.open', () => {
      const suspects = people.filter((p) => p.roles.includes('suspect') || p.roles.includes('arrested'));
      // the condition on entry (register, CPP 66); a minor's retention (CPP 460):
      // the prosecutor's agreement and a place reserved for minors (issue 17)
      const sf = schemaForm('POST', custUrl, ['person_id', 'regime', 'started_at', 'place', 'ground_code', 'ground', 'condition_on_entry',
        'prosecutor_agreement_ref', 'prosecutor_agreement_at', 'place_for_minors'], {
        person_id: { type: 'select', options: personOptions(suspects), hint: 'custody.person-hint' },
        regime: { only: c.allowed_regimes }, started_at: { hint: 'custody.started-hint' }, place: { dir: 'auto' }, ground: { hint: 'custody.ground-hint', dir: 'auto' },
        ground_code: { type: 'select', options: [['', 'msg.choose']], required: true },
        condition_on_entry: { dir: 'auto', wide: true, hint: 'custody.condition-hint' },
        prosecutor_agreement_ref: { dir: 'ltr', hint: 'custody.minor-hint' },
      });
      const f = form({
        submit: 'custody.open', draft: `${ek}.custody`, check: sf.check,
        onSubmit: async (v) => { await api('POST', custUrl, sf.body(v)); done('custody.opened'); },
      }, sf.fields);
      // the grounds of art 66-1 (reference data, issue 17)
      api('GET', '/api/v1/custody-grounds').then((d) => {
        const sel = f.querySelector('select[name=ground_code]');
        for (const g of (d.grounds || [])) sel.appendChild(h('option', { value: g.code, text: getLang() === 'ar' ? g.label_ar : g.label_fr }));
      }).catch(() => {});
      return f;
    }) : null);

  const seizUrl = fill(EP.caseSeizures, { id });
  const seizSec = section('s-seizures', 'case.seizures',
    table([
      ['seizure.seal', (s) => link(`/seizures/${encodeURIComponent(s.id)}`, s.seal_no, 'num')],
      ['seizure.description', (s) => h('bdi', { text: s.description })],
      ['seizure.quantity', (s) => h('bdi', { text: s.quantity })],
      ['seizure.storage', (s) => h('bdi', { text: s.storage_place })],
      ['seizure.holder', (s) => h('bdi', { text: s.holder })],
      ['seizure.at', (s) => fmtDateTime(s.seized_at)],
    ], listOf(c.seizures), { caption: 'case.seizures' }),
    open && can('POST', EP.caseSeizures) ? adder('case.add-seizure', () => {
      // a seizure is recorded by its PV: a search, seizure or arrest and custody PV of the case (issue 17)
      const seizurePvs = listOf(c.pvs).filter((p) => ['search', 'seizure', 'arrest_custody'].includes(p.type))
        .map((p) => [p.id, `${p.number} — ${t(`pvtype.${p.type}`)}`, true]);
      const sf = schemaForm('POST', seizUrl, ['pv_id', 'seal_no', 'quantity', 'storage_place', 'holder', 'seized_at', 'description'], {
        pv_id: { type: 'select', options: [['', 'msg.choose'], ...seizurePvs], required: true, hint: 'seizure.pv-hint' },
        seal_no: { dir: 'ltr' }, storage_place: { dir: 'auto' }, holder: { dir: 'auto' }, description: { dir: 'auto' },
      });
      return form({
        submit: 'act.add', draft: `${ek}.seizure`, check: sf.check,
        onSubmit: async (v) => { await api('POST', seizUrl, sf.body(v)); done('msg.saved'); },
      }, sf.fields);
    }) : null);

  const refSec = section('s-referral', 'case.referral',
    table([
      ['referral.number', (r) => link(`/referrals/${encodeURIComponent(r.id)}`, r.transmission_no, 'num')],
      ['referral.office', (r) => [t(`office.${r.office_kind}`), ' ', h('bdi', { dir: 'ltr', class: 'num', text: r.office_code })]],
      ['referral.sent', (r) => fmtDateTime(r.sent_at)],
      ['referral.outcome', (r) => (r.outcome ? t(`outcome.${r.outcome}`) : t('referral.no-outcome'))],
    ], listOf(c.referrals), { caption: 'case.referral', empty: 'referral.none' }),
    c.status === 'under_investigation' && can('POST', EP.caseReferrals) ? adder('referral.send', () => referralBox(ctx, c)) : null);

  let history = [];
  try { history = (await api('GET', `${fill(EP.caseHistory, { id })}${viaQs(ctx)}`)).events; } catch (e) { history = []; }
  const histSec = section('s-history', 'case.history',
    h('ol', { class: 'history', reversed: true }, [...history].reverse().map((e) => h('li', null,
      h('time', { text: fmtDateTime(e.at) }), ' — ', h('bdi', { text: e.who_name || e.badge || '' }), ' — ',
      h('strong', { text: EVENTS[e.kind] ? t(EVENTS[e.kind]) : tOr(`event.${String(e.kind).replace(/\./g, '-')}`, 'event.other') }), eventDetail(e)))));

  const procSec = procedureSection(ctx, c, section, done);
  return page('case.title', ctx, head, toc, personsSec, offSec, pvSec, custSec, procSec, seizSec, refSec, histSec);
}
