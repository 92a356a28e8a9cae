// verify.js — the public verification of a receipt or a certificate, outside
// the login: the number and the code printed on the paper (the QR code
// brings both); the answer says only whether it exists, its kind, its unit,
// its date and whether it is still valid.
import { h, mount } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { field, form } from '../forms.js';
import { ApiError } from '../api.js';

async function check(number, code) {
  const res = await fetch(`/api/v1/verify/${encodeURIComponent(number)}?c=${encodeURIComponent(code)}`, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function answer(r) {
  if (!r.found) return h('p', { class: 'alert', role: 'status', id: 'verify-result', 'data-found': 'false', text: t('desk.verify.unknown') });
  const ar = getLang() === 'ar';
  return h('div', { id: 'verify-result', 'data-found': 'true', 'data-valid': String(!!r.valid), role: 'status' },
    h('p', { class: r.valid ? 'ok' : 'alert', 'data-cancelled': String(!!r.cancelled), text: `${t('desk.verify.ok')} ${t(r.cancelled ? 'desk.verify.cancelled' : r.valid ? 'desk.verify.valid' : 'desk.verify.expired')}` }),
    h('dl', { class: 'facts' },
      h('dt', { text: t('verification.kind') }), h('dd', { text: t(`desk_document_kind.${r.kind}`) }),
      h('dt', { text: t('verification.unit') }), h('dd', { text: ar ? r.unit_name_ar : r.unit_name_fr }),
      h('dt', { text: t('verification.issued_on') }), h('dd', { dir: 'ltr', text: r.issued_on }),
      r.valid_until ? [h('dt', { text: t('verification.valid_until') }), h('dd', { dir: 'ltr', text: r.valid_until })] : null));
}

export async function render(ctx) {
  ctx.setTitle('desk.verify.title');
  const out = h('div', { class: 'verify-out', 'aria-live': 'polite' });
  const run = async (number, code) => { mount(out, answer(await check(number, code))); };
  const f = form({
    submit: 'desk.verify.submit', label: 'desk.verify.title',
    onSubmit: async (v) => run(v.number, v.code),
  },
  field({ name: 'number', label: 'desk.verify.number', required: true, dir: 'ltr', value: ctx.params.number ? decodeURIComponent(ctx.params.number) : '' }),
  field({ name: 'code', label: 'desk.verify.code', required: true, dir: 'ltr', value: ctx.query.get('c') || '' }));
  const node = h('section', { class: 'page' }, h('h1', { text: t('desk.verify.title') }), h('section', { class: 'card' }, f, out));
  if (ctx.params.number && ctx.query.get('c')) {
    run(decodeURIComponent(ctx.params.number), ctx.query.get('c')).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: e.problem && e.problem.message ? e.problem.message[getLang()] || '' : t('msg.error') })));
  }
  return node;
}
