// referral.js — a transmission to the prosecutor (art 23): what was sent (the
// frozen bundle, its hash), the printable bundle (server HTML), and the
// prosecution's decision, recorded once.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { has, allowed } from '../caps.js';
import { schemaForm } from '../schema.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, link, block, listOf, personName } from '../ui.js';
import { offenceLabel } from '../offences.js';


export async function render(ctx) {
  const miss = needs('GET', EP.referral);
  if (miss) return page('referral.title', ctx, miss);
  const id = ctx.params.id;
  const r = await api('GET', fill(EP.referral, { id }));
  const url = fill(EP.referralOutcome, { id });
  const writer = allowed('PUT', EP.referralOutcome, ctx.user.role);
  const head = h('section', { class: 'card case-head' }, h('dl', { class: 'facts' },
    h('dt', { text: t('referral.number') }), h('dd', { dir: 'ltr', class: 'num', text: r.transmission_no }),
    h('dt', { text: t('referral.office') }), h('dd', null, t(`office.${r.office_kind}`), ' ', h('bdi', { dir: 'ltr', class: 'num', text: r.office_code })),
    r.override_reason ? [h('dt', { text: t('referral.override') }), h('dd', { dir: 'auto', text: r.override_reason })] : null,
    h('dt', { text: t('referral.sent') }), h('dd', { text: fmtDateTime(r.sent_at) }),
    h('dt', { text: t('referral.sent-by') }), h('dd', null, h('bdi', { dir: 'ltr', text: r.sent_by || '—' })),
    h('dt', { text: t('referral.hash') }), h('dd', { dir: 'ltr', class: 'hash', text: r.bundle_hash || '—' }),
    h('dt', { text: t('referral.outcome') }), h('dd', { text: r.outcome ? t(`outcome.${r.outcome}`) : t('referral.no-outcome') }),
    r.outcome_at ? [h('dt', { text: t('referral.outcome-at') }), h('dd', { text: fmtDateTime(r.outcome_at) })] : null,
    r.outcome_note ? [h('dt', { text: t('field.note') }), h('dd', { dir: 'auto', text: r.outcome_note })] : null),
  h('p', { class: 'quick' },
    link(`/cases/${encodeURIComponent(r.case_id)}`, t('pv.back-to-case'), 'button'), ' ',
    has('GET', EP.referralBundleHtml) ? h('a', { class: 'button', target: '_blank', rel: 'noopener', href: fill(EP.referralBundleHtml, { id }), text: t('referral.print') }) : null));

  const bundle = has('GET', EP.referralBundle) ? block('referral.bundle', async () => {
    const d = await api('GET', fill(EP.referralBundle, { id }));
    const b = d.bundle || {};
    const c = b.case || {};
    return [
      h('p', { class: 'muted', text: t('referral.bundle-intro') }),
      h('h3', { text: t('case.offences') }),
      table([['case.offence', (o) => offenceLabel(o)], ['ref.article', (o) => o.article || '—'], ['case.class', (o) => t(`class.${o.class}`)]], listOf(c.offences), { caption: 'case.offences' }),
      h('h3', { text: t('case.persons') }),
      table([['person.name', (p) => h('bdi', { text: personName(p) })], ['person.role', (p) => t(`prole.${p.role}`)]], listOf(c.persons), { caption: 'case.persons' }),
      h('h3', { text: t('case.pvs') }),
      table([['pv.number', (p) => h('span', { dir: 'ltr', class: 'num', text: p.number })], ['pv.type', (p) => t(`pvtype.${p.type}`)], ['pv.sealed_at', (p) => fmtDateTime(p.sealed_at)]],
        listOf(b.pvs), { caption: 'case.pvs', empty: 'referral.no-pvs' }),
      h('h3', { text: t('case.custody') }),
      table([['custody.person', (k) => personName(k)], ['custody.started', (k) => fmtDateTime(k.started_at)], ['custody.end-kind', (k) => (k.end_kind ? t(`custody.end.${k.end_kind}`) : '—')]],
        listOf(b.custodies), { caption: 'case.custody', empty: 'custody.none' }),
      h('h3', { text: t('case.seizures') }),
      table([['seizure.seal', (s) => h('span', { dir: 'ltr', text: s.seal_no })], ['seizure.description', (s) => s.description], ['seizure.holder', (s) => s.holder]],
        listOf(b.seizures), { caption: 'case.seizures', empty: 'msg.empty' }),
    ];
  }) : null;

  const outcome = !r.outcome && writer ? h('section', { class: 'card' }, h('h2', { text: t('referral.record-outcome') }), needs('PUT', EP.referralOutcome),
    h('p', { class: 'muted', text: t('referral.outcome-intro') }),
    (() => {
      const sf = schemaForm('PUT', url, ['outcome', 'note'], { note: { wide: true, dir: 'auto' } });
      return form({
        submit: 'act.save', label: 'referral.record-outcome', check: sf.check,
        onSubmit: async (v) => { await api('PUT', url, sf.body(v)); ctx.toast(t('msg.saved')); ctx.rerender(); },
      }, sf.fields);
    })()) : null;
  return page('referral.title', ctx, head, outcome, bundle);
}
