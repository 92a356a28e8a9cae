// seizure.js — one seized item (scellé) and its chain of custody: every hand
// it passed through, append-only; a writer records the next transfer.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, link } from '../ui.js';

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

// The first link of a chain is the seizure itself; its "from" is a bilingual
// placeholder and its reason "seized".
function holderText(x) { return /^\(saisie/.test(x || '') ? t('seizure.seized-from') : x; }
function reasonText(x) { return x === 'seized' ? t('seizure.seized') : x; }

export async function render(ctx) {
  const miss = needs('GET', EP.seizure);
  if (miss) return page('seizure.title', ctx, miss);
  const id = ctx.params.id;
  const s = await api('GET', fill(EP.seizure, { id }));
  const writer = ['chief', 'opj', 'officer'].includes(ctx.user.role);
  const head = h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', { text: t('seizure.seal') }), h('dd', { dir: 'ltr', class: 'num', text: s.seal_no }),
    h('dt', { text: t('seizure.description') }), h('dd', { dir: 'auto', text: s.description }),
    h('dt', { text: t('seizure.quantity') }), h('dd', { dir: 'auto', text: s.quantity }),
    h('dt', { text: t('seizure.at') }), h('dd', { text: fmtDateTime(s.seized_at) }),
    h('dt', { text: t('seizure.storage') }), h('dd', { dir: 'auto', text: s.storage_place }),
    h('dt', { text: t('seizure.holder') }), h('dd', null, h('strong', { dir: 'auto', text: s.holder })),
    h('dt', { text: t('seizure.recorded-by') }), h('dd', { dir: 'ltr', text: s.recorded_by || '—' })),
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
      submit: 'seizure.transfer', label: 'seizure.transfer', draft: `${ctx.user.badge}.seizure.${id}`,
      onSubmit: async (v) => {
        await api('POST', fill(EP.seizureTransfers, { id }), { to: v.to, reason: v.reason, storage_place: v.storage_place, at: ms(v.at) });
        ctx.toast(t('msg.saved'));
        ctx.rerender();
      },
    },
    field({ name: 'to', label: 'seizure.to', required: true, dir: 'auto', hint: 'seizure.to-hint' }),
    field({ name: 'storage_place', label: 'seizure.new-storage', dir: 'auto' }),
    field({ name: 'at', label: 'seizure.when', type: 'datetime-local', hint: 'seizure.when-hint' }),
    field({ name: 'reason', label: 'seizure.why', required: true, wide: true, dir: 'auto' }))) : null;
  return page('seizure.title', ctx, head, chain, transfer);
}
