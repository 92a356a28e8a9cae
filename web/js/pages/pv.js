// pv.js — the PV editor: a draft is edited (statements, read back, signature
// or the reason for refusal) and saved; an OPJ seals it, after which it is
// immutable and a correction is a new PV.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, needs, pick, personName, badge, link } from '../ui.js';

function body(pv) {
  const b = pick(pv, 'body');
  if (typeof b === 'string') { try { return JSON.parse(b); } catch (e) { return { statements: b }; } }
  return b || {};
}

export async function render(ctx) {
  const miss = needs('GET', EP.pv);
  if (miss) return page('pv.title', ctx, miss);
  const id = ctx.params.id;
  const pv = await api('GET', fill(EP.pv, { id }));
  const b = body(pv);
  const sealed = pv.status === 'sealed';
  const head = h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', { text: t('pv.number') }), h('dd', { dir: 'ltr', class: 'num', text: pv.number }),
    h('dt', { text: t('pv.type') }), h('dd', { text: t(`pvtype.${pv.type}`) }),
    h('dt', { text: t('pv.status') }), h('dd', null, badge(`pvstatus.${pv.status}`, sealed ? 'ok' : '')),
    h('dt', { text: t('case.frame') }), h('dd', { text: pv.frame ? t(`frame.${pv.frame}`) : '—' }),
    h('dt', { text: t('pv.person') }), h('dd', { text: personName(pick(pv, 'person')) }),
    h('dt', { text: t('pv.drafter') }), h('dd', { text: [pv.drafter_name, pv.drafter_rank, pv.drafter_unit].filter(Boolean).join(' — ') || '—' }),
    h('dt', { text: t('pv.act_at') }), h('dd', { text: fmtDateTime(pv.act_at) }),
    sealed ? [h('dt', { text: t('pv.sealed_at') }), h('dd', { text: fmtDateTime(pv.sealed_at) }),
      h('dt', { text: t('pv.hash') }), h('dd', { dir: 'ltr', class: 'hash', text: pv.content_hash || '—' })] : null),
  h('p', { class: 'quick' },
    link(`/pvs/${encodeURIComponent(id)}/print`, t('pv.print'), 'button'), ' ',
    pv.case_id ? link(`/cases/${encodeURIComponent(pv.case_id)}`, t('pv.back-to-case'), 'button') : null));
  if (sealed) {
    return page('pv.title', ctx, head, h('section', { class: 'card' }, h('h2', { text: t('pv.statements') }), h('p', { class: 'prose', text: b.statements || '—' }), h('p', { class: 'notice', text: t('pv.sealed-note') })));
  }
  const editor = form({
    submit: 'pv.save', label: 'pv.title', draft: `${ctx.user.badge}.pv.${id}`,
    onSubmit: async (v) => {
      await api('PATCH', fill(EP.pv, { id }), {
        place: v.place,
        body: { statements: v.statements, read_back: !!v.read_back, signature: v.signature, refusal_reason: v.refusal_reason, family_informed: v.family_informed },
      });
      ctx.toast(t('msg.saved'));
    },
  },
  field({ name: 'place', label: 'pv.place', value: pv.place, dir: 'auto' }),
  field({ name: 'statements', label: 'pv.statements', type: 'textarea', rows: 14, wide: true, value: b.statements, dir: 'auto' }),
  field({ name: 'family_informed', label: 'pv.family-informed', wide: true, value: b.family_informed, dir: 'auto', hint: 'pv.family-hint' }),
  field({ name: 'read_back', label: 'pv.read-back', type: 'checkbox', value: b.read_back }),
  field({ name: 'signature', label: 'pv.signature', type: 'select', value: b.signature, options: [['', 'msg.choose'], ['signed', 'sig.signed'], ['thumbprint', 'sig.thumbprint'], ['refused', 'sig.refused'], ['unable', 'sig.unable']] }),
  field({ name: 'refusal_reason', label: 'pv.refusal-reason', wide: true, value: b.refusal_reason, dir: 'auto' }));
  const canSeal = ['opj', 'chief'].includes(ctx.user.role);
  const sealBox = canSeal ? h('section', { class: 'card' }, h('h2', { text: t('pv.seal') }), h('p', { class: 'muted', text: t('pv.seal-intro') }), needs('POST', EP.pvSeal),
    form({
      submit: 'pv.seal', label: 'pv.seal',
      onSubmit: async () => {
        await api('POST', fill(EP.pvSeal, { id }), {});
        ctx.toast(t('pv.sealed-ok'));
        ctx.rerender();
      },
    }, field({ name: 'confirm', label: 'pv.seal-confirm', type: 'checkbox', required: true, wide: true }))) : null;
  return page('pv.title', ctx, head, h('section', { class: 'card' }, h('h2', { text: t('pv.edit') }), needs('PATCH', EP.pv), editor), sealBox);
}
