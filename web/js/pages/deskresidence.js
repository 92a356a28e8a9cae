// deskresidence.js — residence certificates (شهادة السكنى): the request, the
// check (a visit or a verification), the decision, the print and the
// hand-over; every form from the server's record descriptions.
import { h } from '../dom.js';
import { t, getLang, fmtDateTime, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { page, needs, personName, badge, link } from '../ui.js';
import { personFields, personFrom } from '../person.js';
import { schemaFields, bodyFrom } from '../schemaform.js';
import { DESK, at, printLink } from './desk.js';

async function request(ctx) {
  const communes = (await api('GET', DESK.communes)).communes || [];
  const ar = getLang() === 'ar';
  const options = [['', 'msg.choose'], ...communes.map((c) => [c.code, ar ? c.name_ar : c.name_fr, true])];
  return form({
    submit: 'desk.save', label: 'desk.new_residence', draft: `${ctx.user.badge}.residence.new`,
    onSubmit: async (v) => {
      const body = { applicant: personFrom(v, 'applicant'), ...(await bodyFrom('residence_certificate.create', v)) };
      const r = await api('POST', DESK.residences, body);
      ctx.go(`/desk/residence/${encodeURIComponent(r.id)}`);
    },
  },
  h('fieldset', { class: 'wide' }, h('legend', { text: t('residence_certificate.applicant') }), h('div', { class: 'grid' }, personFields('applicant', { short: true }))),
  ...(await schemaFields('residence_certificate.create', { extra: { commune: { type: 'select', options }, address: { wide: true } } })));
}

async function step(ctx, c, schema, path, submit) {
  return form({
    submit, label: submit,
    onSubmit: async (v) => { await api('POST', `${at(DESK.residence, c.id)}/${path}`, await bodyFrom(schema, v)); ctx.rerender(); },
  }, ...(await schemaFields(schema)));
}

export async function render(ctx) {
  if (ctx.params.id === 'new') {
    const missing = needs('POST', DESK.residences);
    return page('desk.new_residence', ctx, missing || h('section', { class: 'card' }, await request(ctx)));
  }
  const c = await api('GET', at(DESK.residence, ctx.params.id));
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  const ar = getLang() === 'ar';
  return page('desk.certificate.title', ctx,
    h('p', { class: 'back' }, link('/desk', t('desk.title'))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('residence_certificate.status') }), h('dd', { id: 'res-status' }, badge(`residence_status.${c.status}`, c.status === 'issued' ? 'ok' : '')),
        h('dt', { text: t('residence_certificate.applicant') }), h('dd', { text: personName(c.applicant) }),
        h('dt', { text: t('residence_certificate.address') }), h('dd', null, h('bdi', { text: c.address })),
        h('dt', { text: t('residence_certificate.commune') }), h('dd', { text: (ar ? c.commune_name_ar : c.commune_name_fr) || c.commune }),
        h('dt', { text: t('residence_certificate.purpose') }), h('dd', { text: t(`residence_purpose.${c.purpose}`) }),
        h('dt', { text: t('residence_certificate.requested_at') }), h('dd', { text: fmtDateTime(c.requested_at) }),
        c.check_kind ? [h('dt', { text: t('residence_certificate.check_kind') }), h('dd', { text: `${t(`residence_check_kind.${c.check_kind}`)} · ${c.check_on} · ${t(`residence_check_result.${c.check_result}`)} · ${c.checked_by_badge || ''}` })] : null,
        c.serial_no ? [h('dt', { text: t('residence_certificate.serial_no') }), h('dd', { dir: 'ltr', class: 'num', id: 'serial-no', text: c.serial_no }),
          h('dt', { text: t('residence_certificate.valid_until') }), h('dd', { text: fmtDate(c.valid_until) })] : null,
        c.refusal_reason ? [h('dt', { text: t('residence_certificate.refusal_reason') }), h('dd', { text: c.refusal_reason })] : null),
      c.status === 'issued' ? h('p', null, printLink(`${at(DESK.residence, c.id)}/print`, 'desk.print_certificate')) : null),
    writer && c.status === 'requested' ? h('section', { class: 'card' }, h('h2', { text: t('desk.check') }), await step(ctx, c, 'residence_check.create', 'check', 'desk.check')) : null,
    writer && c.status === 'checked' ? h('section', { class: 'card' }, h('h2', { text: t('desk.decide') }), await step(ctx, c, 'residence_decision.create', 'decision', 'desk.decide')) : null,
    writer && c.status === 'issued' && !c.handed_at ? h('section', { class: 'card' }, form({
      submit: 'desk.hand_over', label: 'desk.hand_over',
      onSubmit: async () => { await api('POST', `${at(DESK.residence, c.id)}/handover`); ctx.rerender(); },
    })) : null);
}
