// case.js — one case: its facts, persons, offences, PVs, custody, seizures,
// history and referral to the prosecutor, each with its form.
import { h } from '../dom.js';
import { t, tOr, fmtDateTime, fmtDate, getLang } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, pick, listOf, personName, badge, link } from '../ui.js';
import { personFields, personFrom, without } from '../person.js';
import { offenceField, offenceLabel } from '../offences.js';
import { custodyClock } from '../clock.js';
import { ruleCell } from './custody.js';

const PROLES = ['suspect', 'victim', 'witness', 'complainant', 'arrested'];
const REGIMES = ['ordinary', 'terrorism', 'state_security', 'minor'];
const PV_TYPES = ['hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission'];
// case_events.kind (src/cases/*.c) → message key
const EVENTS = {
  created: 'event.created', updated: 'event.updated', status: 'event.status', assigned: 'event.assigned',
  'offence.added': 'event.offence', 'person.added': 'event.person',
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
  const parts = [];
  if (e.kind === 'status' && d.to) parts.push(d.from ? t('event.status-change', { from: t(`cstatus.${d.from}`), to: t(`cstatus.${d.to}`) }) : t(`cstatus.${d.to}`));
  if (e.kind === 'person.added' && d.role) parts.push(t(`prole.${d.role}`));
  if (e.kind === 'custody.opened' && d.regime) parts.push(t(`regime.${d.regime}`));
  if (e.kind === 'custody.closed' && d.end) parts.push(t(`custody.end.${d.end}`));
  if (e.kind === 'referral.outcome' && d.outcome) parts.push(t(`outcome.${d.outcome}`));
  if (e.kind === 'assigned' && d.opj) parts.push(h('bdi', { dir: 'ltr', text: d.opj }));
  const num = d.number || d.receipt_no || d.transmission_no || d.seal_no;
  if (num && e.kind !== 'created') parts.push(h('bdi', { dir: 'ltr', class: 'num', text: num }));
  if (d.reason) parts.push(h('bdi', { text: d.reason }));
  return parts.length ? [' — ', parts.map((x, i) => (i ? [' · ', x] : x))] : null;
}

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

function section(id, titleKey, ...kids) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, text: t(titleKey) }), kids);
}

function sub(method, tpl, c, make) {
  const miss = needs(method, tpl);
  return h('details', { class: 'add' }, h('summary', { text: t('act.add') }), miss, make());
}

function personOptions(c) {
  return [['', 'msg.choose'], ...listOf(c.persons, 'persons').map((p) => [pick(p, 'person_id', 'id'), `${personName(pick(p, 'person') || p)} — ${t(`prole.${p.role}`)}`, true])];
}

export async function render(ctx) {
  const miss = needs('GET', EP.case);
  if (miss) return page('case.title', ctx, miss);
  const id = ctx.params.id;
  const c = await api('GET', fill(EP.case, { id }));
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  const opj = ['chief', 'opj'].includes(ctx.user.role);
  const open = ['registered', 'under_investigation'].includes(c.status);
  const done = (key) => { ctx.toast(t(key)); ctx.rerender(); };
  const ek = `${ctx.user.badge}.case.${id}`;

  const persons = listOf(c.persons, 'persons');
  const offences = listOf(c.offences, 'offences');
  const pvs = listOf(c.pvs, 'pvs');
  const custodies = listOf(c.custodies, 'custodies');
  const seizures = listOf(c.seizures, 'seizures');
  const referrals = listOf(c.referrals, 'referrals');
  let history = listOf(c.history, 'history', 'events');

  const head = h('section', { class: 'card case-head' },
    h('dl', { class: 'facts' },
      h('dt', { text: t('case.number') }), h('dd', { dir: 'ltr', class: 'num', text: c.number }),
      h('dt', { text: t('case.status') }), h('dd', null, badge(`cstatus.${c.status}`, c.status)),
      h('dt', { text: t('case.class') }), h('dd', { text: c.class ? t(`class.${c.class}`) : '—' }),
      h('dt', { text: t('case.frame') }), h('dd', { text: c.frame ? t(`frame.${c.frame}`) : '—' }),
      h('dt', { text: t('case.unit') }), h('dd', { text: pick(c, getLang() === 'ar' ? 'unit_name_ar' : 'unit_name_fr', 'unit_code') || '—' }),
      h('dt', { text: t('case.opj') }), h('dd', { text: pick(c, 'opj_name', 'opj_badge') || '—' }),
      h('dt', { text: t('case.occurred') }), h('dd', { text: fmtDateTime(c.occurred_from) }),
      h('dt', { text: t('case.place') }), h('dd', { text: [c.commune, c.address].filter(Boolean).join(' — ') || '—' }),
      h('dt', { text: t('case.summary') }), h('dd', { class: 'prose', text: c.summary || '—' })));

  const STATUS_TO = { registered: ['under_investigation', 'cancelled'], under_investigation: ['cancelled'], referred: ['closed'] };
  const targets = STATUS_TO[c.status] || [];
  const statusBox = writer && targets.length ? h('details', { class: 'add' }, h('summary', { text: t('case.change-status') }), needs('POST', EP.caseStatus),
    form({
      submit: 'act.save', label: 'case.change-status',
      onSubmit: async (v) => { await api('POST', fill(EP.caseStatus, { id }), { status: v.status, reason: v.reason }); done('msg.saved'); },
    },
    field({ name: 'status', label: 'case.status', type: 'select', required: true, options: targets.map((x) => [x, `cstatus.${x}`]) }),
    field({ name: 'reason', label: 'field.reason', wide: true, dir: 'auto', hint: 'case.status-hint' }))) : null;
  head.appendChild(statusBox || document.createTextNode(''));

  const toc = h('nav', { class: 'toc', 'aria-label': t('case.sections') }, h('ul', null,
    [['s-persons', 'case.persons'], ['s-offences', 'case.offences'], ['s-pvs', 'case.pvs'], ['s-custody', 'case.custody'],
      ['s-seizures', 'case.seizures'], ['s-referral', 'case.referral'], ['s-history', 'case.history']]
      .map(([a, k]) => h('li', null, h('a', { href: `#${a}`, text: t(k) })))));

  const personsSec = section('s-persons', 'case.persons',
    table([
      ['person.name', (p) => personName(pick(p, 'person') || p)],
      ['person.role', (p) => t(`prole.${p.role}`)],
      ['person.cin', (p) => h('span', { dir: 'ltr', text: pick(pick(p, 'person') || p, 'cin') || '—' })],
      ['person.birth_date', (p) => { const b = pick(pick(p, 'person') || p, 'birth_date'); return b ? fmtDate(b) : '—'; }],
    ], persons, { caption: 'case.persons' }),
    writer && open ? sub('POST', EP.casePersons, c, () => form({
      submit: 'case.add-person', label: 'case.add-person', draft: `${ek}.person`,
      onSubmit: async (v) => {
        await api('POST', fill(EP.casePersons, { id }), { role: v.role, note: v.note, person: personFrom(v, 'person') });
        done('msg.saved');
      },
    },
    field({ name: 'role', label: 'person.role', type: 'select', required: true, options: PROLES.map((r) => [r, `prole.${r}`]) }),
    personFields('person'),
    field({ name: 'note', label: 'field.note', wide: true, dir: 'auto' }))) : null);

  const offSec = section('s-offences', 'case.offences',
    table([
      ['case.offence', (o) => offenceLabel(o)],
      ['ref.article', (o) => o.article || '—'],
      ['case.class', (o) => t(`class.${o.class}`)],
      ['case.attempted', (o) => (o.attempted ? t('msg.yes') : t('msg.no'))],
    ], offences, { caption: 'case.offences' }),
    writer && open ? sub('POST', EP.caseOffences, c, () => {
      const holder = h('div');
      offenceField('code', true).then((fld) => holder.appendChild(form({
        submit: 'act.add', onSubmit: async (v) => { await api('POST', fill(EP.caseOffences, { id }), { code: v.code, attempted: !!v.attempted }); done('msg.saved'); },
      }, fld, field({ name: 'attempted', label: 'case.attempted', type: 'checkbox' }))));
      return holder;
    }) : null);

  const pvSec = section('s-pvs', 'case.pvs',
    table([
      ['pv.number', (p) => link(`/pvs/${encodeURIComponent(p.id)}`, p.number || '…', 'num')],
      ['pv.type', (p) => t(`pvtype.${p.type}`)],
      ['pv.status', (p) => badge(`pvstatus.${p.status}`, p.status === 'sealed' ? 'ok' : '')],
      ['pv.act_at', (p) => fmtDateTime(p.act_at)],
      ['pv.print', (p) => link(`/pvs/${encodeURIComponent(p.id)}/print`, t('pv.print'))],
    ], pvs, { caption: 'case.pvs' }),
    writer && open ? sub('POST', EP.casePvs, c, () => form({
      submit: 'pv.create', draft: `${ek}.pv`,
      onSubmit: async (v) => {
        const r = await api('POST', fill(EP.casePvs, { id }), {
          type: v.type, person_id: v.person_id, act_at: ms(v.act_at) || undefined, place: v.place, frame: c.frame,
        });
        ctx.go(`/pvs/${encodeURIComponent(r.id)}`);
      },
    },
    field({ name: 'type', label: 'pv.type', type: 'select', required: true, options: PV_TYPES.map((x) => [x, `pvtype.${x}`]) }),
    field({ name: 'person_id', label: 'pv.person', type: 'select', options: personOptions(c) }),
    field({ name: 'act_at', label: 'pv.act_at', type: 'datetime-local' }),
    field({ name: 'place', label: 'pv.place', dir: 'auto' }))) : null);

  const custSec = section('s-custody', 'case.custody',
    table([
      ['custody.person', (k) => personName(pick(k, 'person') || k)],
      ['custody.regime', (k) => t(`regime.${k.regime}`)],
      ['custody.rule', (k) => ruleCell(k)],
      ['custody.started', (k) => fmtDateTime(k.started_at)],
      ['custody.deadline', (k) => fmtDateTime(k.deadline_at)],
      ['custody.left', (k) => (k.status === 'open' ? custodyClock(k.deadline_at) : t(`custody.end.${k.end_kind || 'closed'}`))],
      ['admin.actions', (k) => link(`/custody?status=${k.status === 'open' ? 'open' : 'all'}`, t('custody.manage'))],
    ], custodies, { caption: 'case.custody', empty: 'custody.none' }),
    opj && open ? sub('POST', EP.caseCustodies, c, () => form({
      submit: 'custody.open', draft: `${ek}.custody`,
      onSubmit: async (v) => {
        await api('POST', fill(EP.caseCustodies, { id }), {
          person_id: v.person_id, regime: v.regime, ground: v.ground, started_at: ms(v.started_at) || undefined, place: v.place,
        });
        done('custody.opened');
      },
    },
    field({ name: 'person_id', label: 'custody.person', type: 'select', required: true, options: personOptions(c) }),
    field({ name: 'regime', label: 'custody.regime', type: 'select', required: true, options: (c.allowed_regimes || REGIMES).map((x) => [x, `regime.${x}`]) }),
    field({ name: 'started_at', label: 'custody.started', type: 'datetime-local', hint: 'custody.started-hint' }),
    field({ name: 'place', label: 'custody.place', dir: 'auto' }),
    field({ name: 'ground', label: 'custody.ground', type: 'textarea', required: true, wide: true, hint: 'custody.ground-hint', dir: 'auto' }))) : null);

  const seizSec = section('s-seizures', 'case.seizures',
    table([
      ['seizure.seal', (s) => link(`/seizures/${encodeURIComponent(s.id)}`, s.seal_no)],
      ['seizure.description', (s) => s.description],
      ['seizure.quantity', (s) => s.quantity],
      ['seizure.storage', (s) => s.storage_place],
      ['seizure.holder', (s) => s.holder],
      ['seizure.at', (s) => fmtDateTime(s.seized_at)],
    ], seizures, { caption: 'case.seizures' }),
    writer && open ? sub('POST', EP.caseSeizures, c, () => form({
      submit: 'act.add', draft: `${ek}.seizure`,
      onSubmit: async (v) => { await api('POST', fill(EP.caseSeizures, { id }), { ...v, seized_at: ms(v.seized_at) || undefined }); done('msg.saved'); },
    },
    field({ name: 'seal_no', label: 'seizure.seal', required: true, dir: 'ltr' }),
    field({ name: 'quantity', label: 'seizure.quantity', required: true }),
    field({ name: 'storage_place', label: 'seizure.storage', required: true, dir: 'auto' }),
    field({ name: 'holder', label: 'seizure.holder', required: true, dir: 'auto' }),
    field({ name: 'seized_at', label: 'seizure.at', type: 'datetime-local' }),
    field({ name: 'description', label: 'seizure.description', type: 'textarea', required: true, wide: true, dir: 'auto' }))) : null);

  const refSec = section('s-referral', 'case.referral',
    table([
      ['referral.number', (r) => link(`/referrals/${encodeURIComponent(r.id)}`, r.transmission_no, 'num')],
      ['referral.office', (r) => [t(`office.${r.office_kind}`), ' ', h('bdi', { dir: 'ltr', class: 'num', text: r.office_code })]],
      ['referral.sent', (r) => fmtDateTime(r.sent_at)],
      ['referral.outcome', (r) => (r.outcome ? t(`outcome.${r.outcome}`) : t('referral.no-outcome'))],
    ], referrals, { caption: 'case.referral', empty: 'referral.none' }),
    opj && open ? sub('POST', EP.caseReferrals, c, () => form({
      submit: 'referral.send',
      onSubmit: async (v) => { const r = await api('POST', fill(EP.caseReferrals, { id }), v); ctx.toast(t('referral.sent-ok')); ctx.go(`/referrals/${encodeURIComponent(r.id)}`); },
    },
    field({ name: 'office', label: 'referral.office-override', dir: 'ltr', hint: 'referral.office-hint' }),
    field({ name: 'override_reason', label: 'field.reason', wide: true, hint: 'referral.reason-hint' }))) : null);

  if (!history.length && c.history === undefined && needs('GET', EP.caseHistory) === null) {
    try { history = listOf(await api('GET', fill(EP.caseHistory, { id })), 'history', 'events'); } catch (e) { history = []; }
  }
  const histSec = section('s-history', 'case.history',
    h('ol', { class: 'history' }, history.map((e) => h('li', null,
      h('time', { text: fmtDateTime(e.at) }), ' — ', h('bdi', { dir: 'ltr', text: e.badge || '' }), ' — ',
      h('strong', { text: EVENTS[e.kind] ? t(EVENTS[e.kind]) : tOr(`event.${String(e.kind).replace(/\./g, '-')}`, 'event.other') }), eventDetail(e)))));

  return page('case.title', ctx, head, toc, personsSec, offSec, pvSec, custSec, seizSec, refSec, histSec);
}
