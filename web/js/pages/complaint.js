// complaint.js — complaint intake (the complainant, the facts), the receipt,
// and what follows: open a case from it, or record another disposition
// (attaching it to a case is done by the case's number, not an internal id).
// Every form is built from its route's schema (schema.js).
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, qs, ApiError } from '../api.js';
import { allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, needs, personName, badge, link } from '../ui.js';
import { personUi } from '../person.js';
import { offenceField } from '../offences.js';
import { remember } from '../recent.js';

// What the officer types first (names, CIN, phone, then the facts); the rest
// of the identity waits behind "more about the complainant" (one key press).
const FIRST = ['last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'cin', 'phone'];
const pickFields = (sf, names) => names.map((n) => sf.fields[sf.names.indexOf(n)]).filter(Boolean);

function intake(ctx) {
  const sf = schemaForm('POST', EP.complaints, ['complainant', 'facts', 'occurred_at', 'place'], {
    ...personUi('complainant'),
    place: { dir: 'auto' },
    facts: { rows: 8, dir: 'auto' },
  });
  return form({
    submit: 'complaint.register', label: 'complaint.new', draft: `${ctx.user.badge}.complaint.new`, check: sf.check,
    onSubmit: async (v) => {
      const r = await api('POST', EP.complaints, sf.body(v));
      ctx.toast(t('complaint.registered', { n: r.receipt_no }));
      ctx.go(`/complaints/${encodeURIComponent(r.id)}`);
    },
  },
  h('fieldset', { class: 'wide' }, h('legend', { text: t('complaint.complainant') }),
    h('div', { class: 'grid' }, pickFields(sf, FIRST.map((n) => `complainant.${n}`))),
    h('details', { class: 'more' }, h('summary', { text: t('complaint.more-about') }),
      h('div', { class: 'grid' }, sf.under('complainant.').filter((el) => !FIRST.includes(el.dataset.field.slice('complainant.'.length)))))),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('complaint.facts') }), h('div', { class: 'grid' }, pickFields(sf, ['facts', 'occurred_at', 'place']))));
}

async function openCase(ctx, c) {
  const sf = schemaForm('POST', EP.cases, ['frame', 'commune', 'address', 'summary'], {
    commune: { dir: 'auto' }, address: { dir: 'auto' }, summary: { value: c.facts, dir: 'auto' },
  });
  return form({
    submit: 'complaint.open-case', label: 'complaint.open-case', draft: `${ctx.user.badge}.case.from.${c.id}`, check: sf.check,
    onSubmit: async (v) => {
      const body = sf.body(v, {
        complaint_id: c.id, offences: [{ code: v.offence, attempted: !!v.attempted }],
        ...(c.occurred_at ? { occurred_from: c.occurred_at } : {}),
      });
      const r = await api('POST', EP.cases, body);
      ctx.toast(t('case.opened', { n: r.number }));
      ctx.go(`/cases/${encodeURIComponent(r.id)}`);
    },
  },
  sf.fields[0],
  await offenceField('offence', true),
  field({ name: 'attempted', label: 'case.attempted', type: 'checkbox' }),
  sf.fields.slice(1));
}

// caseByNumber(number): the id of the case with exactly that number in my
// scope, or a field error the officer can act on.
async function caseByNumber(number) {
  const d = await api('GET', `${EP.cases}${qs({ q: number.trim(), limit: 5 })}`);
  const hit = d.cases.find((x) => x.number.toLowerCase() === number.trim().toLowerCase());
  if (!hit) throw new ApiError(400, { code: 'validation', errors: [{ field: 'case_number', code: 'case-number' }] });
  return hit.id;
}

function dispose(ctx, c) {
  const sf = schemaForm('POST', fill(EP.complaintDispose, { id: c.id }), ['disposition', 'referred_to', 'reason'], {
    referred_to: { dir: 'auto' }, reason: { dir: 'auto' },
  });
  return form({
    submit: 'act.save', label: 'complaint.dispose', check: sf.check,
    onSubmit: async (v) => {
      const extra = v.disposition === 'attached' && v.case_number ? { case_id: await caseByNumber(v.case_number) } : {};
      await api('POST', fill(EP.complaintDispose, { id: c.id }), sf.body(v, extra));
      ctx.toast(t('msg.saved'));
      ctx.rerender();
    },
  },
  sf.fields[0],
  field({ name: 'case_number', label: 'complaint.attach-to', dir: 'ltr', hint: 'complaint.attach-hint', placeholder: 'AR-CASA-ANFA/2026/000001' }),
  sf.fields.slice(1));
}

export async function render(ctx) {
  if (!ctx.params.id) {
    return page('complaint.new', ctx, needs('POST', EP.complaints), h('section', { class: 'card' }, intake(ctx)));
  }
  const missing = needs('GET', EP.complaint);
  if (missing) return page('complaint.title', ctx, missing);
  const c = await api('GET', fill(EP.complaint, { id: ctx.params.id }));
  const comp = c.complainant;
  const pending = c.disposition === 'pending';
  remember('complaint', c.id, c.receipt_no, personName(comp));
  const role = ctx.user.role;
  return page('complaint.title', ctx,
    h('p', { class: 'back' }, link('/complaints', t('complaints.back'))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('complaint.receipt') }), h('dd', null, h('bdi', { dir: 'ltr', class: 'num', text: c.receipt_no })),
        h('dt', { text: t('complaint.received') }), h('dd', { text: fmtDateTime(c.received_at) }),
        h('dt', { text: t('complaint.complainant') }), h('dd', null, h('bdi', { text: personName(comp) })),
        h('dt', { text: t('complaint.disposition') }), h('dd', null, badge(`disp.${c.disposition}`, pending ? 'warn' : ''),
          // the reason an officer typed; "case_opened" carries the system's own words, not shown
          c.disposition_reason && c.disposition !== 'case_opened' ? [' — ', h('bdi', { text: c.disposition_reason })] : null),
        h('dt', { text: t('complaint.facts-text') }), h('dd', { class: 'prose', dir: 'auto', text: c.facts })),
      h('p', { class: 'quick' },
        link(`/complaints/${encodeURIComponent(c.id)}/receipt`, t('complaint.print-receipt'), 'button'),
        c.case_id ? link(`/cases/${encodeURIComponent(c.case_id)}`, t('complaint.see-case'), 'button') : null)),
    pending && allowed('POST', EP.cases, role)
      ? h('section', { class: 'card' }, h('h2', { text: t('complaint.open-case') }), await openCase(ctx, c)) : null,
    pending && allowed('POST', EP.complaintDispose, role)
      ? h('section', { class: 'card' }, h('h2', { text: t('complaint.dispose') }), dispose(ctx, c)) : null);
}
