// cnie.js — the public status of a CNIE application enrolled by a mobile unit,
// outside the login: the number and the code printed on the receipt (the QR
// code brings both); the answer says only where the application stands, its
// unit and the date — never a name, a CIN or an address.
import { h, mount } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { field, form } from '../forms.js';
import { ApiError } from '../api.js';

async function check(number, code) {
  const res = await fetch(`/api/v1/mobile/status/${encodeURIComponent(number)}?c=${encodeURIComponent(code)}`, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

const STATUS = ['capturing', 'signed', 'approved', 'rejected', 'sealed', 'validated', 'adjudication', 'in_production', 'ready', 'dispatched', 'handed', 'refused'];

function answer(r) {
  if (!r.found) return h('p', { class: 'alert', role: 'status', id: 'cnie-result', 'data-found': 'false', text: t('desk.verify.unknown') });
  return h('div', { id: 'cnie-result', 'data-found': 'true', role: 'status' },
    h('dl', { class: 'facts' },
      h('dt', { text: t('mob_public_status.status') }), h('dd', { text: STATUS.includes(r.status) ? t(`mob_public.${r.status}`) : r.status }),
      h('dt', { text: t('mob_public_status.unit') }), h('dd', { dir: 'ltr', class: 'num', text: r.unit }),
      h('dt', { text: t('mob_public_status.updated_on') }), h('dd', { dir: 'ltr', text: r.updated_on })));
}

export async function render(ctx) {
  ctx.setTitle('mobile.status_title');
  const out = h('div', { class: 'verify-out', 'aria-live': 'polite' });
  const run = async (number, code) => { mount(out, answer(await check(number, code))); };
  const f = form({
    submit: 'desk.verify.submit', label: 'mobile.status_title',
    onSubmit: async (v) => run(v.number, v.code),
  },
  field({ name: 'number', label: 'mob_enrolment.application_no', required: true, dir: 'ltr', value: ctx.params.number ? decodeURIComponent(ctx.params.number) : '' }),
  field({ name: 'code', label: 'mob_enrolment.verify_code', required: true, dir: 'ltr', value: ctx.query.get('c') || '' }));
  const node = h('section', { class: 'page' }, h('h1', { text: t('mobile.status_title') }), h('section', { class: 'card' }, f, out));
  if (ctx.params.number && ctx.query.get('c')) {
    run(decodeURIComponent(ctx.params.number), ctx.query.get('c')).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: e.problem && e.problem.message ? e.problem.message[getLang()] || '' : t('msg.error') })));
  }
  return node;
}
