// deskdeclaration.js — one declaration: its receipt (print, reprint), the
// things and their registers, a finding, and a theft turned into a
// complaint and a case in one step.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { page, needs, table, personName, badge, link } from '../ui.js';
import { offenceField } from '../offences.js';
import { recordForm } from '../schema.js';
import { confirmAct } from '../confirm.js';
import { DESK, at, printLink } from './desk.js';

function what(it) {
  return it.doc_number || it.imei || it.plate || it.vin || (it.card_last4 ? `•••• ${it.card_last4}` : '') || it.description || '';
}

async function toComplaint(ctx, d) {
  const sf = recordForm('declaration_complaint.create', null, { opj: { dir: 'ltr' } });
  return form({
    submit: 'desk.to_complaint', label: 'desk.to_complaint', check: sf.check,
    onSubmit: async (v) => {
      await api('POST', at(DESK.complaint, d.id), sf.body(v, { offences: [{ code: v.offence }] }));
      ctx.rerender();
    },
  },
  ...sf.fields,
  await offenceField('offence', true));
}

// cancel: a declaration made in error is cancelled with its reason, never
// deleted; the server says who may (the chief, or its officer the same day).
function cancel(ctx, d) {
  const sf = recordForm('desk_cancel.create', null, { reason: { wide: true } });
  return form({
    submit: 'desk.cancel', label: 'desk.cancel', check: sf.check,
    onSubmit: async (v) => {
      if (!(await confirmAct('desk.cancel', t('desk.cancel.confirm'), { yes: 'desk.cancel' }))) return;
      await api('POST', at(DESK.cancel, d.id), sf.body(v));
      ctx.rerender();
    },
  }, ...sf.fields);
}

export async function render(ctx) {
  const missing = needs('GET', DESK.declaration);
  if (missing) return page('desk.receipt.section', ctx, missing);
  const d = await api('GET', at(DESK.declaration, ctx.params.id));
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  return page(d.kind === 'theft' ? 'desk.receipt.theft' : 'desk.receipt.loss', ctx,
    h('p', { class: 'back' }, link('/desk', t('desk.title'))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('declaration.receipt_no') }), h('dd', { dir: 'ltr', class: 'num', id: 'receipt-no', text: d.receipt_no }),
        h('dt', { text: t('declaration.kind') }), h('dd', null, badge(`declaration_kind.${d.kind}`)),
        h('dt', { text: t('declaration.declarant') }), h('dd', { text: personName(d.declarant) }),
        h('dt', { text: t('declaration.occurred_at') }), h('dd', { text: fmtDateTime(d.occurred_at) }),
        h('dt', { text: t('declaration.place') }), h('dd', null, h('bdi', { text: d.place })),
        h('dt', { text: t('declaration.verify_no') }), h('dd', { dir: 'ltr', class: 'num', text: `${d.verify_no} · ${d.verify_code}` }),
        d.cancelled_at ? [h('dt', { text: t('declaration.cancelled_at') }), h('dd', { id: 'cancelled', class: 'alert' }, badge('desk.receipt.cancelled', 'bad'), ` ${fmtDateTime(d.cancelled_at)}`),
          h('dt', { text: t('declaration.cancel_reason') }), h('dd', null, h('bdi', { text: d.cancel_reason }))] : null),
      h('p', null, printLink(at(DESK.receipt, d.id), 'desk.print_receipt')),
      d.case_id ? h('p', null, link(`/cases/${encodeURIComponent(d.case_id)}`, t('complaint.see-case'))) : null),
    h('section', { class: 'card' }, h('h2', { text: t('declaration.items') }),
      table([
        ['declaration_item.seq', (it) => String(it.seq)],
        ['declaration_item.item_type', (it) => t(`item_type.${it.item_type}`)],
        ['declaration_item.description', (it) => h('bdi', { dir: 'ltr', text: what(it) })],
        ['declaration_item.register', (it) => (it.register ? t(`register.${it.register}`) : '—')],
        ['declaration_item.found_at', (it) => (it.found_at ? `${fmtDateTime(it.found_at)} · ${it.found_unit || ''}` : '—')],
      ], d.items)),
    writer && d.kind === 'theft' && !d.complaint_id && !d.cancelled_at
      ? h('section', { class: 'card' }, h('h2', { text: t('desk.to_complaint') }), await toComplaint(ctx, d)) : null,
    writer && !d.complaint_id && !d.cancelled_at && !needs('POST', DESK.cancel)
      ? h('section', { class: 'card', id: 'cancel-card' }, h('h2', { text: t('desk.cancel') }), await cancel(ctx, d)) : null);
}
