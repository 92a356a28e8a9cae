// mobile.js — the mobile CNIE unit on its kit (issue 14): the tours, the
// operator's enrolment screen (every field from the server's description of
// an application, the documents by number), an application with its sign-off
// and receipt, the supervisor's end-of-day review, the hand-over (the 1:1
// check goes through the device interface; without it, the supervisor's
// override with a reason) and a tour's figures.
import { h } from '../dom.js';
import { t, getLang, fmtDateTime } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { form, field } from '../forms.js';
import { page, needs, table, link, badge } from '../ui.js';
import { recordForm } from '../schema.js';

const M = {
  tours: '/api/v1/mobile/tours',
  tour: '/api/v1/mobile/tours/{id}',
  enrolments: '/api/v1/mobile/enrolments',
  enrolment: '/api/v1/mobile/enrolments/{id}',
  communes: '/api/v1/desk/communes',
};
const at = (tpl, id) => tpl.replace('{id}', encodeURIComponent(id));
const printLink = (href, key) => h('a', { href, target: '_blank', rel: 'noopener', class: 'button print-link', text: t(key) });

async function tours(ctx) {
  const missing = needs('GET', M.tours);
  if (missing) return page('mob.title', ctx, missing);
  const d = await api('GET', M.tours);
  return page('mob.title', ctx, h('section', { class: 'card' }, h('h2', { text: t('mobile.tours') }),
    table([
      ['mob_tour.code', (r) => link(`/mobile/tours/${encodeURIComponent(r.id)}`, r.code, 'num')],
      ['mob_tour.kit', (r) => h('bdi', { text: r.kit })],
      ['mob_tour.starts_on', (r) => r.starts_on],
      ['mob_tour.ends_on', (r) => r.ends_on],
      ['mob_tour.status', (r) => badge(`mob_tour_status.${r.status}`, r.status === 'provisioned' ? 'ok' : '')],
      ['mob_tour.enrolled', (r) => String(r.enrolled)],
    ], d.items, { empty: 'mobile.none', caption: 'mobile.tours' })));
}

// The CNIE application's order, as the officer reads it off the citizen's
// papers: the request, the names (Latin then Arabic), sex, birth, the birth
// act, the parents, the address and commune, then what only some requests
// need (the old card, the declaration of loss, the guardian) and the fee.
const ENROL_ORDER = ['request_type', 'last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'sex',
  'birth_date', 'birth_place', 'birth_act_no', 'father_name', 'mother_name', 'address', 'commune', 'prior_cin',
  'declaration_no', 'guardian_name', 'guardian_cin', 'fee_ref'];
// the hand-over's own fields; the 1:1 check's finger goes after the old card
const HANDOVER_ORDER = ['pin_envelope', 'old_card_collected', 'override_reason'];
// the SBI positions of the ten fingers and their labels
const FINGER_KEYS = {
  'Right Thumb': 'right_thumb', 'Right IndexFinger': 'right_index', 'Right MiddleFinger': 'right_middle',
  'Right RingFinger': 'right_ring', 'Right LittleFinger': 'right_little', 'Left Thumb': 'left_thumb',
  'Left IndexFinger': 'left_index', 'Left MiddleFinger': 'left_middle', 'Left RingFinger': 'left_ring',
  'Left LittleFinger': 'left_little',
};
const GENESIS = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';   // SHA-256("")

// deviceCapture: the 1:1 check's finger, asked by this page of the kit's
// capture device (SBI on loopback, config device_url): one capture of
// position pos for the transaction "handover:<id>", chained from the genesis.
async function deviceCapture(e, pos) {
  let j;
  try {
    const res = await fetch(`${e.device_url}/capture`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ transactionId: `handover:${e.id}`, previousHash: GENESIS, bio: [{ type: 'Finger', bioSubType: [pos] }] }),
    });
    j = await res.json();
  } catch (err) {
    throw new ApiError(0, { code: 'device-unreachable' });
  }
  const b = ((j && j.biometrics) || [])[0];
  if (!b || !b.data) throw new ApiError(0, { code: 'device-no-capture' });
  return { data: b.data, hash: b.hash };
}
async function enrolForm(ctx, tour) {
  const communes = (await api('GET', M.communes)).communes || [];
  const ar = getLang() === 'ar';
  const options = [['', 'msg.choose'], ...communes.map((c) => [c.code, ar ? c.name_ar : c.name_fr, true])];
  const sf = recordForm('mob_enrolment.create', ENROL_ORDER, {
    commune: { type: 'select', options }, address: { wide: true }, request_type: { wide: true },
    last_name_lat: { dir: 'ltr' }, first_name_lat: { dir: 'ltr' }, last_name_ar: { dir: 'rtl' }, first_name_ar: { dir: 'rtl' },
    prior_cin: { dir: 'ltr' }, guardian_cin: { dir: 'ltr' }, birth_act_no: { dir: 'ltr' }, declaration_no: { dir: 'ltr' }, fee_ref: { dir: 'ltr' },
  });
  return form({
    submit: 'mobile.enrol', label: 'mobile.new_application', draft: `${ctx.user.badge}.mobile.new`, check: sf.check,
    onSubmit: async (v) => {
      const body = sf.body(v, { tour_id: tour.id, docs: [] });
      for (const k of ['birth_extract', 'residence_certificate', 'old_card', 'loss_declaration', 'guardian_card']) {
        if (v[`doc.${k}`]) body.docs.push({ kind: k, number: v[`doc.${k}`] });
      }
      const r = await api('POST', M.enrolments, body);
      ctx.go(`/mobile/enrolments/${encodeURIComponent(r.id)}`);
    },
  },
  ...sf.fields,
  // the documents by number; the server's error on "docs" is shown under the first
  h('fieldset', { class: 'wide', 'data-field': 'docs' }, h('legend', { text: t('mob_enrolment.docs') }), h('div', { class: 'grid' },
    ['birth_extract', 'residence_certificate', 'old_card', 'loss_declaration', 'guardian_card'].map((k) =>
      field({ name: `doc.${k}`, label: `mob_document_kind.${k}`, dir: 'ltr', maxlength: 100 })))));
}

async function review(ctx, tour) {
  const d = await api('GET', `${at(M.tour, tour.id)}/review`);
  const decide = (r, decision) => form({
    submit: `mob_decision.${decision}`, label: `mob_decision.${decision}`,
    onSubmit: async (v) => { await api('POST', `${at(M.enrolment, r.id)}/review`, { decision, ...(v.reason ? { reason: v.reason } : {}) }); ctx.rerender(); },
  }, decision === 'rejected' ? field({ name: 'reason', label: 'mob_review.reason', maxlength: 500 }) : null);
  return h('section', { class: 'card', id: 'mobile-review' }, h('h2', { text: t('mobile.review') }),
    table([
      ['mob_enrolment.application_no', (r) => link(`/mobile/enrolments/${encodeURIComponent(r.id)}`, r.application_no, 'num')],
      ['mob_enrolment.last_name_lat', (r) => h('bdi', { text: `${r.last_name_lat} ${r.first_name_lat} · ${r.last_name_ar} ${r.first_name_ar}` })],
      ['mob_enrolment.alerts', (r) => ((r.alerts || []).length ? badge('mobile.has_alerts', 'warn') : '—')],
      ['mob_decision.approved', (r) => decide(r, 'approved')],
      ['mob_decision.rejected', (r) => decide(r, 'rejected')],
    ], d.items, { empty: 'mobile.none', caption: 'mobile.review' }));
}

// figures: the tour's figures (enrolments, rejections by reason, duplicates,
// times to ready and to hand-over).
async function figures(tour) {
  const f = await api('GET', `${at(M.tour, tour.id)}/figures`);
  const ar = getLang() === 'ar';
  const names = new Map(((await api('GET', M.communes)).communes || []).map((c) => [c.code, ar ? c.name_ar : c.name_fr]));
  const hours = (p) => (p && p.n ? `${p.median.toFixed(1)} · ${p.p90.toFixed(1)} (${p.n})` : '—');
  return h('section', { class: 'card', id: 'mobile-figures' }, h('h2', { text: t('mobile.figures') }),
    h('dl', { class: 'facts' },
      h('dt', { text: t('mob_figures.enrolments') }), h('dd', { class: 'num', text: String(f.enrolments) }),
      h('dt', { text: t('mob_figures.duplicates') }), h('dd', { class: 'num', text: String(f.duplicates) }),
      h('dt', { text: t('mob_figures.to_ready_h') }), h('dd', { class: 'num', text: hours(f.to_ready_h) }),
      h('dt', { text: t('mob_figures.to_handed_h') }), h('dd', { class: 'num', text: hours(f.to_handed_h) })),
    table([
      ['mob_stop.day', (r) => r.day],
      ['mob_stop.commune', (r) => h('bdi', { text: names.get(r.commune) || r.commune })],
      ['mob_enrolment.request_type', (r) => t(`mob_request_type.${r.request_type}`)],
      ['mob_figures.enrolments', (r) => String(r.count)],
    ], f.per_day, { empty: 'mobile.none', caption: 'mob_figures.per_day' }),
    table([
      ['mob_review.reason', (r) => (r.reason === 'supervisor' ? t('mobile.rejected_by_supervisor') : t(`mob_reason.${r.reason}`))],
      ['mob_figures.rejections', (r) => String(r.count)],
    ], f.rejections, { empty: 'mobile.none', caption: 'mob_figures.rejections' }));
}

async function tourPage(ctx) {
  const tour = await api('GET', at(M.tour, ctx.params.id));
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  const sup = (tour.team || []).some((m) => m.role === 'supervisor' && m.badge === ctx.user.badge);
  return page('mob.title', ctx,
    h('p', { class: 'back' }, link('/mobile', t('mobile.tours'))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('mob_tour.code') }), h('dd', { class: 'num', dir: 'ltr', id: 'tour-code', text: tour.code }),
        h('dt', { text: t('mob_tour.vehicle') }), h('dd', null, h('bdi', { text: tour.vehicle })),
        h('dt', { text: t('mob_tour.status') }), h('dd', null, badge(`mob_tour_status.${tour.status}`, ''))),
      h('p', null, printLink(`${at(M.tour, tour.id)}/schedule`, 'mobile.print_schedule'))),
    writer && !sup ? h('section', { class: 'card', id: 'mobile-enrol' }, await enrolForm(ctx, tour)) : null,
    sup ? await review(ctx, tour) : null,
    await figures(tour));
}

// kitStatus: what became of the application as the kit knows it — its own
// status until the packet left, then sent (central acknowledged the packet),
// then what central's status feed said (received and being checked, in
// production, ready, dispatched, or refused with its reason), and handed over.
function kitStatus(e) {
  if (e.handed_at) return { code: 'handed', key: 'mob_public.handed', tone: 'ok' };
  if (e.central_status === 'refused') return { code: 'refused', key: 'mob_public.refused', tone: 'warn', reason: e.central_reason };
  if (e.central_status) return { code: e.central_status, key: `mob_public.${e.central_status}`, tone: ['ready', 'dispatched'].includes(e.central_status) ? 'ok' : '' };
  if (e.status === 'sealed' && e.sent) return { code: 'sent', key: 'mob_public.sealed', tone: '' };
  return { code: e.status, key: `mob_enrolment_status.${e.status}`, tone: e.status === 'rejected' ? 'warn' : '' };
}

function kitBadge(e) {
  const s = kitStatus(e);
  return h('span', null, badge(s.key, s.tone),
    s.reason ? h('span', { class: 'reason', id: 'central-reason', text: ` ${t(`mob_reason.${s.reason}`)}` }) : null);
}

async function enrolmentPage(ctx) {
  const e = await api('GET', at(M.enrolment, ctx.params.id));
  const ready = ['ready', 'dispatched'].includes(e.central_status) && !e.handed_at;
  const hf = recordForm('mob_handover.create', HANDOVER_ORDER, { override_reason: { wide: true } });
  return page('mob.receipt.title', ctx,
    h('p', { class: 'back' }, link(`/mobile/tours/${encodeURIComponent(e.tour_id)}`, e.tour_code, 'num')),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', { text: t('mob_enrolment.application_no') }), h('dd', { class: 'num', dir: 'ltr', id: 'application-no', text: e.application_no }),
        h('dt', { text: t('mob_enrolment.status') }), h('dd', { id: 'enrolment-status', 'data-status': kitStatus(e).code }, kitBadge(e)),
        h('dt', { text: t('mob_enrolment.request_type') }), h('dd', { text: t(`mob_request_type.${e.request_type}`) }),
        h('dt', { text: t('mob_enrolment.last_name_lat') }), h('dd', null, h('bdi', { text: `${e.last_name_lat} ${e.first_name_lat}` })),
        h('dt', { text: t('mob_enrolment.last_name_ar') }), h('dd', null, h('bdi', { text: `${e.last_name_ar} ${e.first_name_ar}` })),
        h('dt', { text: t('mob_enrolment.created_at') }), h('dd', { text: fmtDateTime(e.created_at) }),
        h('dt', { text: t('mob_enrolment.captures') }), h('dd', { text: String((e.captures || []).length) }),
        e.central_status ? [h('dt', { text: t('mob_enrolment.central_status') }),
          h('dd', { id: 'central-status', 'data-status': e.central_status, text: t(`mob_public.${e.central_status}`) })] : null),
      h('p', null, printLink(`${at(M.enrolment, e.id)}/receipt`, 'mobile.print_receipt'))),
    e.status === 'capturing' ? h('section', { class: 'card' }, form({
      submit: 'mobile.signoff', label: 'mobile.signoff',
      onSubmit: async () => { await api('POST', `${at(M.enrolment, e.id)}/signoff`); ctx.rerender(); },
    })) : null,
    ready ? h('section', { class: 'card', id: 'mobile-handover' }, h('h2', { text: t('mobile.handover') }), form({
      submit: 'mobile.handover', label: 'mobile.handover',
      check: hf.check,
      onSubmit: async (v) => {
        const body = hf.body(v);
        if (v.check_finger) body.biometrics = [await deviceCapture(e, v.check_finger)];
        await api('POST', `${at(M.enrolment, e.id)}/handover`, body);
        ctx.rerender();
      },
    }, ...hf.under().slice(0, 2),
      ...(e.device_url ? [field({
        name: 'check_finger', type: 'select', label: 'mob_handover.check_finger',
        options: [['', 'mob_handover.no_check'], ...(e.captures || [])
          .filter((c) => c.modality === 'finger' && c.accepted && FINGER_KEYS[c.position])
          .map((c) => [c.position, `mob_finger.${FINGER_KEYS[c.position]}`])],
      })] : []), ...hf.under().slice(2))) : null,
    e.handed_at ? h('p', { id: 'handed', 'data-check': e.handover_check,
      text: `${t('mob_enrolment.handed_at')} ${fmtDateTime(e.handed_at)} · ${t(`mob_handover_check.${e.handover_check}`)}` }) : null);
}

export async function render(ctx) {
  if (ctx.params.enrolment) return enrolmentPage({ ...ctx, params: { id: ctx.params.enrolment } });
  if (ctx.params.id) return tourPage(ctx);
  return tours(ctx);
}
