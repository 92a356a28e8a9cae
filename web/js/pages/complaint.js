// complaint.js — complaint intake (the complainant, the facts), the receipt,
// and what follows: open a case from it, or record another disposition.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, needs, pick, personName, badge } from '../ui.js';
import { personFields, personFrom } from '../person.js';
import { offenceField } from '../offences.js';

const FRAMES = ['flagrant', 'preliminary', 'rogatory'];

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

function intake(ctx) {
  const f = form({
    submit: 'complaint.register', label: 'complaint.new', draft: `${ctx.user.badge}.complaint.new`,
    onSubmit: async (v) => {
      const body = { complainant: personFrom(v, 'complainant'), facts: v.facts, place: v.place, occurred_at: ms(v.occurred_at) };
      const r = await api('POST', EP.complaints, body);
      ctx.toast(t('complaint.registered', { n: r.receipt_no || '' }));
      ctx.go(`/complaints/${encodeURIComponent(r.id)}`);
    },
  },
  h('fieldset', { class: 'wide' }, h('legend', { text: t('complaint.complainant') }), h('div', { class: 'grid' }, personFields('complainant'))),
  h('fieldset', { class: 'wide' }, h('legend', { text: t('complaint.facts') }), h('div', { class: 'grid' },
    field({ name: 'occurred_at', label: 'complaint.occurred', type: 'datetime-local' }),
    field({ name: 'place', label: 'complaint.place', dir: 'auto' }),
    field({ name: 'facts', label: 'complaint.facts-text', type: 'textarea', required: true, wide: true, rows: 8, dir: 'auto' }))));
  return f;
}

async function openCase(ctx, c) {
  return form({
    submit: 'complaint.open-case', label: 'complaint.open-case', draft: `${ctx.user.badge}.case.from.${c.id}`,
    onSubmit: async (v) => {
      const body = {
        frame: v.frame, summary: v.summary, complaint_id: c.id,
        offences: [{ code: v.offence, attempted: !!v.attempted }],
        commune: v.commune, address: v.address, occurred_from: c.occurred_at || undefined,
      };
      const r = await api('POST', EP.cases, body);
      ctx.toast(t('case.opened', { n: r.number || '' }));
      ctx.go(`/cases/${encodeURIComponent(r.id)}`);
    },
  },
  field({ name: 'frame', label: 'case.frame', type: 'select', required: true, options: FRAMES.map((x) => [x, `frame.${x}`]) }),
  await offenceField('offence', true),
  field({ name: 'attempted', label: 'case.attempted', type: 'checkbox' }),
  field({ name: 'commune', label: 'case.commune', dir: 'auto' }),
  field({ name: 'address', label: 'case.address', dir: 'auto' }),
  field({ name: 'summary', label: 'case.summary', type: 'textarea', required: true, wide: true, value: c.facts, dir: 'auto' }));
}

function dispose(ctx, c) {
  return form({
    submit: 'act.save', label: 'complaint.dispose',
    onSubmit: async (v) => {
      await api('POST', fill(EP.complaintDispose, { id: c.id }), v);
      ctx.toast(t('msg.saved'));
      ctx.rerender();
    },
  },
  field({ name: 'disposition', label: 'complaint.disposition', type: 'select', required: true, options: ['no_offence', 'referred_elsewhere', 'attached'].map((x) => [x, `disp.${x}`]) }),
  field({ name: 'referred_to', label: 'complaint.referred-to', dir: 'auto' }),
  field({ name: 'case_id', label: 'complaint.attach-to', dir: 'ltr' }),
  field({ name: 'reason', label: 'field.reason', type: 'textarea', required: true, wide: true }));
}

export async function render(ctx) {
  if (!ctx.params.id) {
    return page('complaint.new', ctx, needs('POST', EP.complaints), h('section', { class: 'card' }, intake(ctx)));
  }
  const missing = needs('GET', EP.complaint);
  if (missing) return page('complaint.title', ctx, missing);
  const c = await api('GET', fill(EP.complaint, { id: ctx.params.id }));
  const comp = pick(c, 'complainant') || {};
  const pending = (c.disposition || 'pending') === 'pending';
  return page('complaint.title', ctx,
    h('p', { class: 'back' }, h('a', { href: '/complaints', 'data-link': true, text: t('complaints.back') })),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('complaint.receipt') }), h('dd', { dir: 'ltr', class: 'num', text: c.receipt_no }),
        h('dt', { text: t('complaint.received') }), h('dd', { text: fmtDateTime(c.received_at) }),
        h('dt', { text: t('complaint.complainant') }), h('dd', { text: personName(comp) }),
        h('dt', { text: t('complaint.disposition') }), h('dd', null, badge(`disp.${c.disposition || 'pending'}`, pending ? 'warn' : ''), c.disposition_reason || c.reason ? h('bdi', { text: ` — ${c.disposition_reason || c.reason}` }) : null),
        h('dt', { text: t('complaint.facts-text') }), h('dd', { class: 'prose', text: c.facts })),
      c.case_id ? h('p', null, h('a', { href: `/cases/${encodeURIComponent(c.case_id)}`, 'data-link': true, text: t('complaint.see-case') })) : null),
    pending && ['chief', 'opj', 'officer'].includes(ctx.user.role) ? [
      h('section', { class: 'card' }, h('h2', { text: t('complaint.open-case') }), needs('POST', EP.cases), await openCase(ctx, c)),
      h('section', { class: 'card' }, h('h2', { text: t('complaint.dispose') }), needs('POST', EP.complaintDispose), dispose(ctx, c)),
    ] : null);
}
