// exchange.js — the exchange with central: at central every node (status,
// last exchange, acknowledged sequence, records, quarantine, audit witness);
// on a node its own (pending changes, lag, last acknowledged exchange, the
// last pull and each feed's last complete issue: how old the hotlists are).
import { h } from '../dom.js';
import { t, fmtNum, fmtDateTime, fmtDuration } from '../i18n.js';
import { api } from '../api.js';
import { page, needs, table, block, badge } from '../ui.js';

const when = (ms) => (ms ? fmtDateTime(ms) : t('exchange.never'));
const num = (n) => h('span', { class: 'num', text: fmtNum(n || 0) });

function nodeView(n) {
  const lag = n.oldest_pending_at ? Date.now() - n.oldest_pending_at : 0;
  return h('dl', { class: 'facts' },
    h('dt', { text: t('exchange.joined') }), h('dd', null, n.joined ? badge('exchange.yes', 'ok') : badge('exchange.no', 'warn')),
    h('dt', { text: t('xchg_enrol.unit') }), h('dd', { text: n.unit || '—' }),
    h('dt', { text: t('exchange.central') }), h('dd', null, h('code', { dir: 'ltr', text: n.central || '—' })),
    h('dt', { text: t('exchange.last_ack_at') }), h('dd', { text: when(n.last_ack_at) }),
    h('dt', { text: t('exchange.pending') }), h('dd', null, num(n.pending)),
    h('dt', { text: t('exchange.lag') }), h('dd', { text: n.pending ? fmtDuration(lag) : '—' }),
    h('dt', { text: t('xchg_ack.ack') }), h('dd', null, num(n.last_ack_seq)),
    h('dt', { text: t('exchange.last_pull_at') }), h('dd', { text: when(n.last_pull_at) }),
    ...Object.entries(n.feeds || {}).flatMap(([f, at]) => [
      h('dt', { text: t(`exchange.feed.${f}`) }), h('dd', { text: when(at) })]));
}

function centralView(s) {
  return h('div', null,
    h('p', null, t('xchg_status.quarantined'), ' : ', num(s.quarantined)),
    table([
      ['xchg_node.unit_code', (n) => n.unit_code],
      ['xchg_node.status', (n) => badge(`node_status.${n.status}`, n.status === 'active' ? 'ok' : 'warn')],
      ['xchg_node.last_at', (n) => when(n.last_at)],
      ['xchg_node.acked_seq', (n) => num(n.acked_seq)],
      ['xchg_node.records', (n) => num(n.records)],
      ['xchg_node.quarantined', (n) => num(n.quarantined)],
      ['xchg_node.chain_error', (n) => (n.chain_error ? badge('exchange.chain-broken', 'alert') : badge('exchange.chain-ok', 'ok'))],
    ], s.nodes, { caption: 'xchg_status.nodes', empty: 'exchange.no-nodes' }));
}

export function render(ctx) {
  const missing = needs('GET', '/api/v1/exchange/status');
  if (missing) return page('nav.exchange', ctx, missing);
  return page('nav.exchange', ctx, block('nav.exchange', async () => {
    const s = await api('GET', '/api/v1/exchange/status');
    return s.role === 'node' ? nodeView(s.node || {}) : centralView(s);
  }));
}
