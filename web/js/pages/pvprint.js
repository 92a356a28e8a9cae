// pvprint.js — the PV as it is printed and signed: A4, the document's
// language decides the direction (Arabic right-to-left), no navigation.
import { h } from '../dom.js';
import { t, fmtDateTime, fmtDate, getLang } from '../i18n.js';
import { api, viaQs } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { page, needs, personName } from '../ui.js';
import { pvPerson, body } from './pv.js';

export async function render(ctx) {
  const miss = needs('GET', EP.pv);
  if (miss) return page('pv.print', ctx, miss);
  const pv = await api('GET', `${fill(EP.pv, { id: ctx.params.id })}${viaQs(ctx)}`);
  const b = body(pv);
  let c = null;
  if (!('content' in pv) && pv.person_id) { try { c = await api('GET', fill(EP.case, { id: pv.case_id })); } catch (e) { c = null; } }
  const p = pvPerson(pv, c) || {};
  document.body.classList.add('printing');
  ctx.setTitle('pv.print');
  const row = (k, v, ltr) => [h('dt', { text: t(k) }), h('dd', { dir: ltr ? 'ltr' : 'auto', text: v || '—' })];
  return h('article', { class: 'print-doc', lang: getLang(), dir: getLang() === 'ar' ? 'rtl' : 'ltr' },
    h('p', { class: 'no-print quick' },
      h('button', { type: 'button', class: 'primary', onclick: () => window.print(), text: t('pv.print-now') }), ' ',
      h('a', { href: `/pvs/${encodeURIComponent(pv.id)}`, 'data-link': true, class: 'button', onclick: () => document.body.classList.remove('printing'), text: t('act.back') }), ' ',
      h('a', { href: fill(EP.pvPrintHtml, { id: pv.id }), class: 'button', target: '_blank', rel: 'noopener', text: t('pv.print-bilingual') })),
    h('header', { class: 'doc-head' },
      h('p', { text: t('print.kingdom') }), h('p', { text: t('print.dgsn') }), h('p', { text: pv.drafter_unit || '' })),
    h('h1', { text: `${t('pv.title')} — ${t(`pvtype.${pv.type}`)}` }),
    h('p', { class: 'doc-no' }, t('pv.number'), ' : ', h('span', { dir: 'ltr', class: 'num', text: pv.number })),
    h('dl', { class: 'facts' },
      row('case.frame', pv.frame ? t(`frame.${pv.frame}`) : ''),
      row('pv.act_at', fmtDateTime(pv.act_at)),
      row('pv.place', pv.place),
      row('pv.drafter', [pv.drafter_name, pv.drafter_rank, pv.drafter_unit].filter(Boolean).join(' — ')),
      row('pv.person', personName(p)),
      row('person.cin', p.cin, true),
      row('person.birth_date', p.birth_date ? fmtDate(p.birth_date) : ''),
      row('person.father', p.father_name),
      row('person.mother', p.mother_name),
      row('person.address', p.address)),
    h('h2', { text: t('pv.statements') }),
    h('div', { class: 'statements', dir: 'auto', text: b.statements || '' }),
    h('p', { text: b.read_back ? t('print.read-back') : '' }),
    h('div', { class: 'signatures' },
      h('div', null, h('p', { text: t('print.sig-person') }), h('p', { class: 'sig-line', text: b.signature ? t(`sig.${b.signature}`) : '' }),
        b.refusal_reason ? h('p', { dir: 'auto', text: b.refusal_reason }) : null),
      h('div', null, h('p', { text: t('print.sig-opj') }), h('p', { class: 'sig-line', text: pv.drafter_name || '' }))),
    pv.status === 'sealed'
      ? h('footer', { class: 'seal' }, t('print.sealed', { d: fmtDateTime(pv.sealed_at) }), ' ', h('span', { dir: 'ltr', class: 'hash', text: (pv.seal && pv.seal.hash) || '' }))
      : h('footer', { class: 'seal draft' }, t('print.draft')));
}
