// deskresidence.js — residence certificates (شهادة السكنى): the request, the
// check (a visit or a verification), the decision, the print and the
// hand-over; every form from the server's record descriptions.
import { h } from '../dom.js';
import { t, getLang, fmtDateTime, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { form } from '../forms.js';
import { page, needs, personName, badge, link } from '../ui.js';
import { personUi, PERSON_SHORT } from '../person.js';
import { schemaForm, recordForm } from '../schema.js';
import { confirmAct } from '../confirm.js';
import { DESK, at, printLink } from './desk.js';

// request: a new request, or (?replaces=<id>) the corrected certificate of
// a revoked one, its fields filled from the old one to be put right.
async function request(ctx) {
  const communes = (await api('GET', DESK.communes)).communes || [];
  const rid = ctx.query && ctx.query.get('replaces');
  const old = rid ? await api('GET', at(DESK.residence, rid)) : null;
  const ar = getLang() === 'ar';
  const options = [['', 'msg.choose'], ...communes.map((c) => [c.code, ar ? c.name_ar : c.name_fr, true])];
  const sf = schemaForm('POST', DESK.residences, ['applicant', 'commune', 'address', 'purpose'], {
    ...personUi('applicant', { order: PERSON_SHORT }),
    commune: { type: 'select', options, value: old ? old.commune : undefined },
    address: { wide: true, dir: 'auto', value: old ? old.address : undefined },
    purpose: { dir: 'auto', value: old ? old.purpose : undefined },
  });
  const f = form({
    submit: 'desk.save', label: 'desk.new_residence', draft: old ? undefined : `${ctx.user.badge}.residence.new`, check: sf.check,
    onSubmit: async (v) => {
      const r = await api('POST', DESK.residences, sf.body(v, old ? { replaces_id: old.id } : {}));
      ctx.go(`/desk/residence/${encodeURIComponent(r.id)}`);
    },
  },
  old ? h('p', { class: 'note wide', id: 'replaces-note' }, `${t('residence_certificate.replaces_serial')} `, h('bdi', { dir: 'ltr', text: old.serial_no })) : null,
  h('fieldset', { class: 'wide' }, h('legend', { text: t('residence_certificate.applicant') }), h('div', { class: 'grid' }, sf.under('applicant.'))),
  ...sf.under());
  // the applicant as the revoked certificate had them, to be put right
  for (const [k, v] of Object.entries((old && old.applicant) || {})) {
    const c = f.querySelector(`[name="applicant.${k}"]`);
    if (c && typeof v === 'string') c.value = v;
  }
  return f;
}

function revoke(ctx, c) {
  const sf = recordForm('desk_cancel.create', null, { reason: { wide: true } });
  return form({
    submit: 'desk.revoke', label: 'desk.revoke', check: sf.check,
    onSubmit: async (v) => {
      if (!(await confirmAct('desk.revoke', t('desk.revoke.confirm'), { yes: 'desk.revoke' }))) return;
      await api('POST', at(DESK.revoke, c.id), sf.body(v));
      ctx.rerender();
    },
  }, ...sf.fields);
}

function step(ctx, c, schema, path, submit) {
  const sf = recordForm(schema);
  return form({
    submit, label: submit, check: sf.check,
    onSubmit: async (v) => { await api('POST', `${at(DESK.residence, c.id)}/${path}`, sf.body(v)); ctx.rerender(); },
  }, ...sf.fields);
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
        h('dt', { text: t('residence_certificate.status') }), h('dd', { id: 'res-status' }, badge(`residence_status.${c.status}`, c.status === 'issued' ? 'ok' : c.status === 'revoked' ? 'bad' : '')),
        h('dt', { text: t('residence_certificate.applicant') }), h('dd', { text: personName(c.applicant) }),
        h('dt', { text: t('residence_certificate.address') }), h('dd', null, h('bdi', { text: c.address })),
        h('dt', { text: t('residence_certificate.commune') }), h('dd', { text: (ar ? c.commune_name_ar : c.commune_name_fr) || c.commune }),
        h('dt', { text: t('residence_certificate.purpose') }), h('dd', { text: t(`residence_purpose.${c.purpose}`) }),
        h('dt', { text: t('residence_certificate.requested_at') }), h('dd', { text: fmtDateTime(c.requested_at) }),
        c.check_kind ? [h('dt', { text: t('residence_certificate.check_kind') }), h('dd', { text: `${t(`residence_check_kind.${c.check_kind}`)} · ${c.check_on} · ${t(`residence_check_result.${c.check_result}`)} · ${c.checked_by_badge || ''}` })] : null,
        c.serial_no ? [h('dt', { text: t('residence_certificate.serial_no') }), h('dd', { dir: 'ltr', class: 'num', id: 'serial-no', text: c.serial_no }),
          h('dt', { text: t('residence_certificate.valid_until') }), h('dd', { text: fmtDate(c.valid_until) })] : null,
        c.refusal_reason ? [h('dt', { text: t('residence_certificate.refusal_reason') }), h('dd', { text: c.refusal_reason })] : null,
        c.revoked_at ? [h('dt', { text: t('residence_certificate.revoked_at') }), h('dd', { id: 'revoked', text: fmtDateTime(c.revoked_at) }),
          h('dt', { text: t('residence_certificate.revoke_reason') }), h('dd', null, h('bdi', { text: c.revoke_reason }))] : null,
        c.replaces_id ? [h('dt', { text: t('residence_certificate.replaces_serial') }), h('dd', null, link(`/desk/residence/${encodeURIComponent(c.replaces_id)}`, c.replaces_serial || c.replaces_id))] : null,
        c.replaced_by ? [h('dt', { text: t('residence_certificate.replaced_by') }), h('dd', null, link(`/desk/residence/${encodeURIComponent(c.replaced_by)}`, t('residence_certificate.replaced_by')))] : null),
      c.status === 'issued' ? h('p', null, printLink(`${at(DESK.residence, c.id)}/print`, 'desk.print_certificate')) : null),
    writer && c.status === 'requested' ? h('section', { class: 'card' }, h('h2', { text: t('desk.check') }), await step(ctx, c, 'residence_check.create', 'check', 'desk.check')) : null,
    writer && c.status === 'checked' ? h('section', { class: 'card' }, h('h2', { text: t('desk.decide') }), await step(ctx, c, 'residence_decision.create', 'decision', 'desk.decide')) : null,
    writer && c.status === 'issued' && !c.handed_at ? h('section', { class: 'card' }, form({
      submit: 'desk.hand_over', label: 'desk.hand_over',
      onSubmit: async () => { await api('POST', `${at(DESK.residence, c.id)}/handover`); ctx.rerender(); },
    })) : null,
    writer && c.status === 'issued' && !needs('POST', DESK.revoke) ? h('section', { class: 'card', id: 'revoke-card' }, h('h2', { text: t('desk.revoke') }), await revoke(ctx, c)) : null,
    writer && c.status === 'revoked' && !c.replaced_by
      ? h('p', null, link(`/desk/residence/new?replaces=${encodeURIComponent(c.id)}`, t('desk.correct'), 'button')) : null);
}
