// desk.js — the front desk's day (الاستقبال): today's declarations with the
// reprint of their receipts, the residence certificates to check and those
// ready to hand over; the three things a citizen comes for.
import { h } from '../dom.js';
import { t, fmtDateTime, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { page, needs, table, link, badge } from '../ui.js';

export const DESK = {
  today: '/api/v1/desk/today',
  declarations: '/api/v1/declarations',
  declaration: '/api/v1/declarations/{id}',
  receipt: '/api/v1/declarations/{id}/receipt',
  found: '/api/v1/declarations/found',
  complaint: '/api/v1/declarations/{id}/complaint',
  cancel: '/api/v1/declarations/{id}/cancel',
  residences: '/api/v1/residence-certificates',
  residence: '/api/v1/residence-certificates/{id}',
  revoke: '/api/v1/residence-certificates/{id}/revoke',
  communes: '/api/v1/desk/communes',
};
export const at = (tpl, id) => tpl.replace('{id}', encodeURIComponent(id));

// printLink: the printable document in a new tab (its own print CSS).
export function printLink(href, key) {
  return h('a', { href, target: '_blank', rel: 'noopener', class: 'button print-link', text: t(key) });
}

export async function render(ctx) {
  const missing = needs('GET', DESK.today);
  if (missing) return page('desk.title', ctx, missing);
  const d = await api('GET', DESK.today);
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  return page('desk.title', ctx,
    writer ? h('p', { class: 'desk-actions' },
      link('/desk/declare/loss', t('desk.new_loss'), 'button primary'), ' ',
      link('/desk/declare/theft', t('desk.new_theft'), 'button primary'), ' ',
      link('/desk/residence/new', t('desk.new_residence'), 'button primary')) : null,
    h('section', { class: 'card' }, h('h2', { text: t('desk_day.declarations') }),
      table([
        ['declaration.receipt_no', (r) => link(`/desk/declarations/${encodeURIComponent(r.id)}`, r.receipt_no, 'num')],
        ['declaration.kind', (r) => badge(`declaration_kind.${r.kind}`, r.kind === 'theft' ? 'warn' : '')],
        ['declaration.declared_at', (r) => fmtDateTime(r.declared_at)],
        ['declaration.place', (r) => h('bdi', { text: r.place || '' })],
        ['desk.reprint', (r) => printLink(at(DESK.receipt, r.id), 'desk.reprint')],
      ], d.declarations, { empty: 'desk.none', caption: 'desk_day.declarations' })),
    h('section', { class: 'card' }, h('h2', { text: t('desk_day.to_check') }),
      table([
        ['residence_certificate.requested_at', (r) => link(`/desk/residence/${encodeURIComponent(r.id)}`, fmtDateTime(r.requested_at))],
        ['residence_certificate.purpose', (r) => t(`residence_purpose.${r.purpose}`)],
        ['residence_certificate.commune', (r) => h('bdi', { text: r.commune })],
      ], d.to_check, { empty: 'desk.none', caption: 'desk_day.to_check' })),
    h('section', { class: 'card' }, h('h2', { text: t('desk_day.to_hand_over') }),
      table([
        ['residence_certificate.serial_no', (r) => link(`/desk/residence/${encodeURIComponent(r.id)}`, r.serial_no, 'num')],
        ['residence_certificate.valid_until', (r) => fmtDate(r.valid_until)],
        ['desk.print_certificate', (r) => printLink(`${at(DESK.residence, r.id)}/print`, 'desk.print_certificate')],
      ], d.to_hand_over, { empty: 'desk.none', caption: 'desk_day.to_hand_over' })));
}
