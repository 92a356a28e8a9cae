// seizure.js — one seized item (scellé) and its chain of custody: every hand
// it passed through, append-only; a writer records the next transfer.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { allowed } from '../caps.js';
import { page, table, needs, link } from '../ui.js';

// The first link of a chain is the seizure itself; its "from" is a bilingual
// placeholder and its reason "seized".
function holderText(x) { return /^\(saisie/.test(x || '') ? t('seizure.seized-from') : x; }
function reasonText(x) { return x === 'seized' ? t('seizure.seized') : x; }

export async function render(ctx) {
  const miss = needs('GET', EP.seizure);
  if (miss) return page('seizure.title', ctx, miss);
  const id = ctx.params.id;
  const s = await api('GET', fill(EP.seizure, { id }));
  const url = fill(EP.seizureTransfers, { id });
  const writer = allowed('POST', EP.seizureTransfers, ctx.user.role);
  const sf = schemaForm('POST', url, ['to', 'storage_place', 'at', 'reason'], {
    to: { dir: 'auto', hint: 'seizure.to-hint' }, storage_place: { dir: 'auto' }, at: { hint: 'seizure.when-hint' }, reason: { dir: 'auto', wide: true },
  });
  const head = h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', { text: t('seizure.seal') }), h('dd', { dir: 'ltr', class: 'num', text: s.seal_no }),
    h('dt', { text: t('seizure.description') }), h('dd', { dir: 'auto', text: s.description }),
    h('dt', { text: t('seizure.quantity') }), h('dd', { dir: 'auto', text: s.quantity }),
    h('dt', { text: t('seizure.at') }), h('dd', { text: fmtDateTime(s.seized_at) }),
    h('dt', { text: t('seizure.storage') }), h('dd', { dir: 'auto', text: s.storage_place }),
    h('dt', { text: t('seizure.holder') }), h('dd', null, h('strong', { dir: 'auto', text: s.holder })),
    h('dt', { text: t('seizure.recorded-by') }), h('dd', null, h('bdi', { dir: 'ltr', text: s.recorded_by || '—' }))),
  h('p', { class: 'quick' }, link(`/cases/${encodeURIComponent(s.case_id)}#s-seizures`, t('pv.back-to-case'), 'button')));
  const chain = h('section', { class: 'card', id: 's-chain' }, h('h2', { text: t('seizure.chain') }),
    table([
      ['seizure.step', (x) => String(x.seq)],
      ['seizure.from', (x) => h('bdi', { text: holderText(x.from) })],
      ['seizure.to', (x) => h('bdi', { text: x.to })],
      ['seizure.when', (x) => fmtDateTime(x.at)],
      ['seizure.why', (x) => h('bdi', { text: reasonText(x.reason) })],
      ['seizure.recorded-by', (x) => h('span', { dir: 'ltr', text: x.recorded_by || '—' })],
    ], s.chain || [], { caption: 'seizure.chain' }));
  const transfer = writer ? h('section', { class: 'card' }, h('h2', { text: t('seizure.transfer') }), needs('POST', EP.seizureTransfers),
    h('p', { class: 'muted', text: t('seizure.transfer-intro', { who: s.holder }) }),
    form({
      submit: 'seizure.transfer', label: 'seizure.transfer', draft: `${ctx.user.badge}.seizure.${id}`, check: sf.check,
      onSubmit: async (v) => {
        await api('POST', url, sf.body(v));
        ctx.toast(t('msg.saved'));
        ctx.rerender();
      },
    },
    sf.fields)) : null;
  return page('seizure.title', ctx, head, chain, transfer);
}
