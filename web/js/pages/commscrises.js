// commscrises.js — crisis tags (the Al Haouz earthquake) and the live board
// of a crisis: how many claims, how many false or misleading, how many
// answered and how fast, the newest first. The board asks the server again
// every 15 seconds while it is on screen (polling; no push channel).
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtDateTime, fmtNum, fmtDuration, problemText } from '../i18n.js';
import { api, serverNow } from '../api.js';
import { has, allowed } from '../caps.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, link, badge } from '../ui.js';
import { barChart } from '../charts.js';
import { CEP, cfill, CLAIM_STATUSES, claimBadge, ltr } from './comms.js';
import { claimsTable } from './commsclaims.js';

const REFRESH_MS = 15000;

async function list(ctx) {
  const d = await api('GET', CEP.crises);
  const rows = listOf(d, 'crises');
  const canNew = allowed('POST', CEP.crises, ctx.user.role);
  const add = canNew ? form({
    submit: 'comms.open-crisis', label: 'comms.open-crisis',
    onSubmit: async (v) => {
      const r = await api('POST', CEP.crises, v);
      ctx.toast(t('msg.saved'));
      ctx.go(`/comms/crises/${encodeURIComponent(r.id)}`);
    },
  },
  field({ name: 'code', label: 'comms_crisis.code', required: true, dir: 'ltr', hint: 'comms.crisis-code-hint' }),
  field({ name: 'started_on', label: 'comms_crisis.started_on', type: 'date', required: true }),
  field({ name: 'name_ar', label: 'comms_crisis.name_ar', required: true, dir: 'rtl' }),
  field({ name: 'name_fr', label: 'comms_crisis.name_fr', required: true, dir: 'ltr' })) : null;
  return page('comms.crises', ctx, needs('GET', CEP.crises),
    add ? h('section', { class: 'card' }, h('details', { class: 'add' }, h('summary', { text: t('comms.open-crisis') }), add)) : null,
    h('section', { class: 'card' }, h('h2', { text: t('comms.crises') }), table([
      ['comms_crisis.code', (x) => link(`/comms/crises/${encodeURIComponent(x.id)}`, x.code, 'num')],
      ['comms.name', (x) => h('bdi', { text: document.documentElement.lang === 'ar' ? x.name_ar : x.name_fr })],
      ['comms_crisis.started_on', (x) => fmtDate(x.started_on)],
      ['comms.ended', (x) => (x.ended_on ? fmtDate(x.ended_on) : '—')],
      ['comms.state', (x) => badge(`comms_crisis_status.${x.status}`, x.status === 'active' ? 'urgent' : '')],
    ], rows, { caption: 'comms.crises', empty: 'comms.no-crises' })));
}

function counters(sm) {
  const by = sm.by_status || {};
  const cell = (k, n, cls) => h('li', { class: `counter ${cls || ''}`, 'data-counter': k }, h('strong', { class: 'num', text: fmtNum(n || 0) }), h('span', { text: t(`comms.board.${k}`) }));
  return h('ul', { class: 'counters' },
    cell('reports', sm.reports), cell('claims', sm.claims), cell('duplicates', sm.duplicates),
    cell('false', (by.false || 0) + (by.misleading || 0), 'bad'), cell('open', (by.received || 0) + (by.verifying || 0), 'warn'),
    cell('answered', sm.answered, 'ok'),
    h('li', { class: 'counter' }, h('strong', { class: 'num', text: sm.answered ? fmtDuration(sm.median_rebuttal_ms) : '—' }), h('span', { text: t('comms.board.median') })),
    cell('max_reach', sm.max_reach));
}

function boardBody(d) {
  const sm = d.summary || {};
  const by = sm.by_status || {};
  return [
    counters(sm),
    barChart({
      title: t('comms.board.by-status'), labels: CLAIM_STATUSES.map((s) => t(`comms_claim_status.${s}`)), tableLabel: t('comms.chart-data'),
      categoryLabel: t('comms_claim.status'), series: [{ name: t('comms.board.claims'), values: CLAIM_STATUSES.map((s) => by[s] || 0) }], height: 200,
    }),
    h('h3', { text: t('comms.board.latest') }),
    claimsTable(listOf(d, 'claims')),
  ];
}

async function board(ctx) {
  const id = ctx.params.id;
  const d = await api('GET', `${cfill(CEP.board, id)}?limit=50`);
  const c = d.crisis;
  const body = h('div', { class: 'board-body', 'aria-live': 'polite' }, boardBody(d));
  const stamp = h('p', { class: 'muted board-stamp', 'aria-live': 'off' }, t('comms.board.updated', { t: fmtDateTime(d.now) }));
  const timer = setInterval(async () => {
    if (!body.isConnected) { clearInterval(timer); return; }
    try {
      const x = await api('GET', `${cfill(CEP.board, id)}?limit=50`, undefined, { quiet403: true });
      if (!body.isConnected) return;
      mount(body, boardBody(x));
      mount(stamp, t('comms.board.updated', { t: fmtDateTime(x.now || serverNow()) }));
    } catch (e) {
      mount(stamp, h('span', { class: 'alert', text: problemText(e) }));
    }
  }, REFRESH_MS);
  const canClose = c.status === 'active' && allowed('POST', CEP.crisisClose, ctx.user.role);
  return page('comms.board', ctx,
    h('p', { class: 'back no-print' }, link('/comms/crises', t('comms.back-crises'))),
    h('section', { class: 'card board' },
      h('h2', null, h('bdi', { text: document.documentElement.lang === 'ar' ? c.name_ar : c.name_fr }), ' ',
        badge(`comms_crisis_status.${c.status}`, c.status === 'active' ? 'urgent' : ''), ' ', ltr(c.code, 'num')),
      h('p', { class: 'muted', text: t('comms.board.since', { d: fmtDate(c.started_on) }) }),
      stamp, body,
      h('p', { class: 'quick no-print' },
        has('POST', CEP.claims) && c.status === 'active' ? link(`/comms/claims?crisis=${encodeURIComponent(c.id)}`, t('comms.new-claim'), 'button primary') : null,
        canClose ? h('button', {
          type: 'button', class: 'button', text: t('comms.close-crisis'),
          onclick: async () => { await api('POST', cfill(CEP.crisisClose, c.id)); ctx.toast(t('msg.saved')); ctx.rerender(); },
        }) : null)));
}

export async function render(ctx) {
  const miss = needs('GET', CEP.crises);
  if (miss) return page('comms.crises', ctx, miss);
  return ctx.params.id ? board(ctx) : list(ctx);
}

export { claimBadge };
