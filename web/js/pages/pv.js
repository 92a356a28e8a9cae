// pv.js — the PV editor. A draft is edited (statements, read back, signature
// or the reason for refusal) and saved; an OPJ seals it. Sealing is
// irreversible, so nothing typed is lost: "seal" first saves what is on
// screen, reads the PV back, shows exactly what will be sealed and asks for
// confirmation naming the act and its consequence; a refusal says why (the
// problem's own message). A sealed PV is immutable: a correction is a new PV
// that refers to it ("correct by a new PV").
import { h } from '../dom.js';
import { t, fmtDateTime, problemText } from '../i18n.js';
import { api, ApiError, viaQs } from '../api.js';
import { allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { form, showErrors, values, clearDraft } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, needs, personName, badge, link, listOf } from '../ui.js';
import { byPerson } from './case.js';
import { confirmAct } from '../confirm.js';

// body(pv): the PV's editable content; a draft's body holds only what was
// written so far (every member optional).
export const body = (pv) => {
  const b = pv.body && typeof pv.body === 'object' ? pv.body : {};
  const get = (k) => (k in b ? b[k] : undefined);
  const out = { statements: get('statements'), read_back: get('read_back'), signature: get('signature'), refusal_reason: get('refusal_reason') };
  for (const k of templateFields(pv)) out[k] = get(k);
  return out;
};

// templateFields(pv): what the PV's type asks for, in order, as the server
// serves it from data/pv_templates.json (the PV's "template", issue 17 items
// 4 and 7): the editor offers these fields, the sealed view shows them.
export function templateFields(pv) {
  return pv && 'template' in pv && pv.template && Array.isArray(pv.template.fields) ? pv.template.fields : [];
}

// templateFacts(pv, b): the template's fields as read.
function templateFacts(pv, b) {
  const ks = templateFields(pv).filter((k) => b[k]);
  return ks.length ? h('dl', { class: 'facts template' }, ks.map((k) => [h('dt', { text: t(`pv.${k}`) }), h('dd', { class: 'prose', dir: 'auto', text: b[k] })])) : null;
}

// pvPerson(pv, c): the person the PV is about — the sealed snapshot, else the
// case's person with that id.
function whoName(p) {
  return 'protected_n' in p && p.protected_n ? `${t('person.protected')} ${p.protected_n}` : personName(p);
}

export function pvPerson(pv, c) {
  // a protected identity (loi 37-10): its pseudonym only
  if ('protected_n' in pv && pv.protected_n) return { protected_n: pv.protected_n };
  const snap = 'content' in pv && pv.content ? pv.content.person : null;
  if (snap) return snap;
  if (!pv.person_id || !c) return null;
  return listOf(c.persons).find((p) => p.person_id === pv.person_id) || null;
}

// sealPreview(pv, c): what the seal will fix, as the officer reads it.
function sealPreview(pv, c) {
  const b = body(pv);
  const p = pvPerson(pv, c);
  return h('div', { class: 'seal-preview' },
    h('dl', { class: 'facts' },
      h('dt', { text: t('pv.number') }), h('dd', null, h('bdi', { dir: 'ltr', class: 'num', text: pv.number })),
      h('dt', { text: t('pv.person') }), h('dd', null, h('bdi', { text: p ? whoName(p) : '—' })),
      h('dt', { text: t('pv.place') }), h('dd', null, h('bdi', { text: pv.place || '—' })),
      h('dt', { text: t('pv.read-back') }), h('dd', { text: b.read_back ? t('msg.yes') : t('msg.no') }),
      h('dt', { text: t('pv.signature') }), h('dd', { text: b.signature ? t(`sig.${b.signature}`) : '—' })),
    h('h3', { text: t('pv.statements') }),
    h('p', { class: 'prose statements-preview', dir: 'auto', text: b.statements || '—' }),
    templateFacts(pv, b));
}

export async function render(ctx) {
  const miss = needs('GET', EP.pv);
  if (miss) return page('pv.title', ctx, miss);
  const id = ctx.params.id;
  const role = ctx.user.role;
  const pv = await api('GET', `${fill(EP.pv, { id })}${viaQs(ctx)}`);
  let c = null;
  try { c = await api('GET', fill(EP.case, { id: pv.case_id })); } catch (e) { c = null; }
  const b = body(pv);
  const sealed = pv.status === 'sealed';
  const person = pvPerson(pv, c);
  const head = h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', { text: t('pv.number') }), h('dd', null, h('bdi', { dir: 'ltr', class: 'num', text: pv.number })),
    h('dt', { text: t('pv.type') }), h('dd', { text: t(`pvtype.${pv.type}`) }),
    h('dt', { text: t('pv.status') }), h('dd', null, badge(`pvstatus.${pv.status}`, sealed ? 'ok' : '')),
    h('dt', { text: t('case.frame') }), h('dd', { text: pv.frame ? t(`frame.${pv.frame}`) : '—' }),
    h('dt', { text: t('pv.person') }), h('dd', null, h('bdi', { text: person ? whoName(person) : '—' })),
    h('dt', { text: t('pv.drafter') }), h('dd', null, h('bdi', { text: [pv.drafter_name, pv.drafter_rank].filter(Boolean).join(' — ') || '—' })),
    h('dt', { text: t('pv.act_at') }), h('dd', { text: fmtDateTime(pv.act_at) }),
    pv.corrects ? [h('dt', { text: t('pv.corrects') }), h('dd', null, link(`/pvs/${encodeURIComponent(pv.corrects)}`, t('pv.corrected-pv')))] : null,
    sealed ? [h('dt', { text: t('pv.sealed_at') }), h('dd', { text: fmtDateTime(pv.sealed_at) }),
      h('dt', { text: t('pv.sealed_by') }), h('dd', null, h('bdi', { text: pv.drafter_badge === pv.sealed_by ? pv.drafter_name : pv.sealed_by })),
      h('dt', { text: t('pv.seal-check') }), h('dd', null, pv.seal.verified ? badge('pv.seal-ok', 'ok') : badge('pv.seal-bad', 'overdue')),
      h('dt', { text: t('pv.hash') }), h('dd', { dir: 'ltr', class: 'hash', text: pv.seal.hash })] : null),
  h('p', { class: 'quick' },
    link(`/pvs/${encodeURIComponent(id)}/print`, t('pv.print'), 'button'),
    link(`/cases/${encodeURIComponent(pv.case_id)}`, t('pv.back-to-case'), 'button')));
  const caseOpen = c && (c.status === 'registered' || c.status === 'under_investigation');
  if (sealed) {
    const correctUrl = fill(EP.casePvs, { id: pv.case_id });
    const correct = caseOpen && allowed('POST', EP.casePvs, role)
      ? h('section', { class: 'card' }, h('h2', { text: t('pv.correct') }), h('p', { class: 'muted', text: t('pv.correct-intro') }),
        h('button', {
          type: 'button', class: 'primary', id: 'pv-correct',
          onclick: async (ev) => {
            ev.target.disabled = true;
            try {
              const sf = schemaForm('POST', correctUrl, ['type', 'person_id', 'corrects', 'place'], {});
              const r = await api('POST', correctUrl, sf.body({ type: pv.type, person_id: pv.person_id || '', corrects: pv.id, place: pv.place || '' }));
              ctx.toast(t('pv.correction-created', { n: r.number }));
              ctx.go(`/pvs/${encodeURIComponent(r.id)}`);
            } catch (e) { ev.target.disabled = false; ctx.toast(problemText(e)); }
          },
          text: t('pv.correct'),
        })) : null;
    return page('pv.title', ctx, head, h('section', { class: 'card' }, h('h2', { text: t('pv.statements') }),
      h('p', { class: 'prose', dir: 'auto', text: b.statements || '—' }),
      templateFacts(pv, 'content' in pv && pv.content ? pv.content : b),
      h('dl', { class: 'facts' },
        h('dt', { text: t('pv.read-back') }), h('dd', { text: b.read_back ? t('msg.yes') : t('msg.no') }),
        h('dt', { text: t('pv.signature') }), h('dd', { text: b.signature ? t(`sig.${b.signature}`) : '—' }),
        b.refusal_reason ? [h('dt', { text: t('pv.refusal-reason') }), h('dd', { dir: 'auto', text: b.refusal_reason })] : null),
      h('p', { class: 'notice', text: t('pv.sealed-note') })), correct);
  }
  const people = c ? byPerson(listOf(c.persons)) : [];
  const url = fill(EP.pv, { id });
  const tplFields = templateFields(pv);
  const tplUi = Object.fromEntries(tplFields.map((k) => [k, { value: b[k], dir: 'auto', wide: true, rows: k === 'occupant' || k === 'expert' ? undefined : 4 }]));
  const sf = schemaForm('PATCH', url, ['person_id', 'place', 'statements', ...tplFields, 'read_back', 'signature', 'refusal_reason'], {
    ...tplUi,
    person_id: { type: 'select', value: pv.person_id || '', options: [['', 'msg.choose'], ...people.map((p) => [p.person_id, personName(p), true])] },
    place: { value: pv.place, dir: 'auto' },
    statements: { rows: 14, value: b.statements, dir: 'auto' },
    read_back: { value: b.read_back },
    signature: { value: b.signature || '' },
    refusal_reason: { value: b.refusal_reason, dir: 'auto', hint: 'pv.refusal-hint' },
  });
  const draftKey = `${ctx.user.badge}.pv.${id}`;
  const save = (v) => api('PATCH', url, sf.body(v, { statements: v.statements || '', read_back: !!v.read_back }));
  const editor = form({
    submit: 'pv.save', label: 'pv.title', draft: draftKey, check: sf.check,
    onSubmit: async (v) => {
      try { await save(v); } catch (e) {
        // another officer saved first: show their version rather than overwrite it
        if (e.status === 412) { ctx.toast(t('err.stale-copy')); ctx.rerender(); return; }
        throw e;
      }
      ctx.toast(t('msg.saved'));
    },
  }, sf.fields);
  const canSeal = allowed('POST', EP.pvSeal, role);
  const sealOut = h('p', { class: 'alert', role: 'alert', hidden: true, id: 'seal-error', tabindex: '-1' });
  const sealBtn = h('button', {
    type: 'button', class: 'primary', id: 'pv-seal', text: t('pv.seal'),
    onclick: async () => {
      sealOut.hidden = true;
      sealBtn.disabled = true;
      try {
        // 1. save what is on screen (nothing typed is lost or silently left out)
        const v = values(editor);
        const errs = sf.check(v);
        if (errs.length) { showErrors(editor, new ApiError(400, { code: 'validation', errors: errs })); return; }
        try { await save(v); } catch (e) { showErrors(editor, e); return; }
        clearDraft(draftKey);
        // 2. read back what the server holds now, show it, ask
        const now = await api('GET', url);
        const ok = await confirmAct('pv.seal-title', t('pv.seal-confirm-text', { n: now.number }), { details: sealPreview(now, c), yes: 'pv.seal-yes' });
        if (!ok) return;
        // 3. seal
        await api('POST', fill(EP.pvSeal, { id }));
        ctx.toast(t('pv.sealed-ok'));
        ctx.rerender();
      } catch (e) {
        sealOut.textContent = problemText(e);
        sealOut.hidden = false;
        sealOut.focus();
      } finally { sealBtn.disabled = false; }
    },
  });
  const sealBox = canSeal ? h('section', { class: 'card', id: 's-seal' }, h('h2', { text: t('pv.seal') }),
    h('p', { class: 'muted', text: t('pv.seal-intro') }), sealOut, h('div', { class: 'actions' }, sealBtn)) : null;
  return page('pv.title', ctx, head, h('section', { class: 'card' }, h('h2', { text: t('pv.edit') }), needs('PATCH', EP.pv), editor), sealBox);
}
