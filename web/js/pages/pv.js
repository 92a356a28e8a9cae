// pv.js — the PV editor: a draft is edited (statements, read back, signature
// or the reason for refusal) and saved; an OPJ seals it, after which it is
// immutable and a correction is a new PV. PATCH /pvs/{id} takes the fields
// flat (statements, read_back, signature, refusal_reason, place, person_id);
// GET answers them inside `body`.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { has } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, needs, pick, personName, badge, link, listOf } from '../ui.js';

export const SIGNATURES = ['signed', 'thumbprint', 'refused'];

function body(pv) {
  const b = pick(pv, 'body');
  if (typeof b === 'string') { try { return JSON.parse(b); } catch (e) { return { statements: b }; } }
  return b || {};
}

// pvPerson(pv, c): the person the PV is about — the sealed snapshot, else the
// case's person with that id.
export function pvPerson(pv, c) {
  const snap = pv.content && pv.content.person;
  if (snap) return snap;
  if (!pv.person_id || !c) return null;
  return listOf(c.persons, 'persons').find((p) => p.person_id === pv.person_id) || null;
}

export async function render(ctx) {
  const miss = needs('GET', EP.pv);
  if (miss) return page('pv.title', ctx, miss);
  const id = ctx.params.id;
  const pv = await api('GET', fill(EP.pv, { id }));
  let c = null;
  try { c = pv.case_id ? await api('GET', fill(EP.case, { id: pv.case_id })) : null; } catch (e) { c = null; }
  const b = body(pv);
  const sealed = pv.status === 'sealed';
  const seal = pv.seal || {};
  const person = pvPerson(pv, c);
  const head = h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', { text: t('pv.number') }), h('dd', { dir: 'ltr', class: 'num', text: pv.number }),
    h('dt', { text: t('pv.type') }), h('dd', { text: t(`pvtype.${pv.type}`) }),
    h('dt', { text: t('pv.status') }), h('dd', null, badge(`pvstatus.${pv.status}`, sealed ? 'ok' : '')),
    h('dt', { text: t('case.frame') }), h('dd', { text: pv.frame ? t(`frame.${pv.frame}`) : '—' }),
    h('dt', { text: t('pv.person') }), h('dd', { text: person ? personName(person) : '—' }),
    h('dt', { text: t('pv.drafter') }), h('dd', { text: [pv.drafter_name, pv.drafter_rank].filter(Boolean).join(' — ') || '—' }),
    h('dt', { text: t('pv.act_at') }), h('dd', { text: fmtDateTime(pv.act_at) }),
    sealed ? [h('dt', { text: t('pv.sealed_at') }), h('dd', { text: fmtDateTime(pv.sealed_at) }),
      h('dt', { text: t('pv.sealed_by') }), h('dd', { dir: 'ltr', text: pv.sealed_by || '—' }),
      h('dt', { text: t('pv.seal-check') }), h('dd', null, seal.verified ? badge('pv.seal-ok', 'ok') : badge('pv.seal-bad', 'overdue')),
      h('dt', { text: t('pv.hash') }), h('dd', { dir: 'ltr', class: 'hash', text: seal.hash || '—' })] : null),
  h('p', { class: 'quick' },
    link(`/pvs/${encodeURIComponent(id)}/print`, t('pv.print'), 'button'), ' ',
    pv.case_id ? link(`/cases/${encodeURIComponent(pv.case_id)}`, t('pv.back-to-case'), 'button') : null));
  if (sealed) {
    return page('pv.title', ctx, head, h('section', { class: 'card' }, h('h2', { text: t('pv.statements') }),
      h('p', { class: 'prose', dir: 'auto', text: b.statements || '—' }),
      h('dl', { class: 'facts' },
        h('dt', { text: t('pv.read-back') }), h('dd', { text: b.read_back ? t('msg.yes') : t('msg.no') }),
        h('dt', { text: t('pv.signature') }), h('dd', { text: b.signature ? t(`sig.${b.signature}`) : '—' }),
        b.refusal_reason ? [h('dt', { text: t('pv.refusal-reason') }), h('dd', { dir: 'auto', text: b.refusal_reason })] : null),
      h('p', { class: 'notice', text: t('pv.sealed-note') })));
  }
  const persons = c ? listOf(c.persons, 'persons') : [];
  const editor = form({
    submit: 'pv.save', label: 'pv.title', draft: `${ctx.user.badge}.pv.${id}`,
    onSubmit: async (v) => {
      try {
        await api('PATCH', fill(EP.pv, { id }), {
          place: v.place, statements: v.statements ?? '', read_back: !!v.read_back,
          signature: v.signature || null, refusal_reason: v.refusal_reason || null,
          person_id: v.person_id || undefined,
        });
      } catch (e) {
        // another officer saved first: show their version rather than overwrite it
        if (e.status === 412) { ctx.toast(t('err.stale-copy')); ctx.rerender(); return; }
        throw e;
      }
      ctx.toast(t('msg.saved'));
    },
  },
  persons.length ? field({ name: 'person_id', label: 'pv.person', type: 'select', value: pv.person_id || '',
    options: [['', 'msg.choose'], ...persons.map((p) => [p.person_id, `${personName(p)} — ${t(`prole.${p.role}`)}`, true])] }) : null,
  field({ name: 'place', label: 'pv.place', value: pv.place, dir: 'auto' }),
  field({ name: 'statements', label: 'pv.statements', type: 'textarea', rows: 14, wide: true, value: b.statements, dir: 'auto' }),
  field({ name: 'read_back', label: 'pv.read-back', type: 'checkbox', value: b.read_back }),
  field({ name: 'signature', label: 'pv.signature', type: 'select', value: b.signature || '', options: [['', 'msg.choose'], ...SIGNATURES.map((s) => [s, `sig.${s}`])] }),
  field({ name: 'refusal_reason', label: 'pv.refusal-reason', wide: true, value: b.refusal_reason, dir: 'auto', hint: 'pv.refusal-hint' }));
  const canSeal = has('POST', EP.pvSeal) ? ctx.user.role === 'opj' : ['opj', 'chief'].includes(ctx.user.role);
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
