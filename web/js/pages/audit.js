// audit.js — for auditors: who did what to which record, and the chain check.
import { h, mount } from '../dom.js';
import { t, tOr, fmtDateTime, fmtNum, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, block, needs } from '../ui.js';
import { has } from '../caps.js';
import { EP } from '../endpoints.js';

const LIMIT = 50;

function toMs(v, end) {
  if (!v) return undefined;
  const d = new Date(`${v}T${end ? '23:59:59' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.getTime();
}

export function render(ctx) {
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const stack = [];
  let filters = {};
  const load = async (after) => {
    const q = { ...filters, limit: LIMIT, after_seq: after || undefined };
    const d = await api('GET', `/api/v1/audit${qs(q)}`);
    const rows = d.entries || [];
    mount(results,
      table([
        ['audit.seq', (e) => fmtNum(e.seq)],
        ['audit.at', (e) => fmtDateTime(e.at)],
        ['audit.badge', (e) => h('span', { dir: 'ltr', text: e.badge || '—' })],
        ['audit.role', (e) => e.role || '—'],
        ['audit.action', (e) => h('code', { dir: 'ltr', text: e.action })],
        ['audit.object', (e) => h('span', { dir: 'ltr', text: [e.object_type, e.object_id].filter(Boolean).join(' ') || '—' })],
        ['audit.purpose', (e) => e.purpose || '—'],
        ['audit.outcome', (e) => h('span', { class: `badge ${e.outcome === 'ok' ? 'ok' : 'warn'}`, text: e.outcome })],
      ], rows, { caption: 'audit.entries' }),
      h('nav', { class: 'pager', 'aria-label': t('msg.paging') },
        h('button', { type: 'button', disabled: stack.length === 0, text: t('act.prev'), onclick: () => load(stack.pop()) }),
        h('button', {
          type: 'button', disabled: rows.length < LIMIT, text: t('act.next'),
          onclick: () => { stack.push(after || 0); load(rows[rows.length - 1].seq); },
        })));
  };
  const f = form({
    submit: 'act.search', label: 'audit.query', class: 'filters',
    onSubmit: async (v) => {
      filters = { badge: v.badge, action: v.action, object_type: v.object_type, object_id: v.object_id, from: toMs(v.from), to: toMs(v.to, true) };
      stack.length = 0;
      await load(0);
    },
  },
  field({ name: 'badge', label: 'audit.badge', dir: 'ltr' }),
  field({ name: 'action', label: 'audit.action', dir: 'ltr', placeholder: 'case.read' }),
  field({ name: 'object_type', label: 'audit.object-type', dir: 'ltr' }),
  field({ name: 'object_id', label: 'audit.object-id', dir: 'ltr' }),
  field({ name: 'from', label: 'field.from', type: 'date' }),
  field({ name: 'to', label: 'field.to', type: 'date' }));

  const verifyOut = h('div', { 'aria-live': 'polite' });
  const verifyBtn = h('button', {
    type: 'button', id: 'verify', text: t('audit.verify'),
    onclick: async () => {
      verifyBtn.disabled = true;
      mount(verifyOut, h('p', { role: 'status' }, h('progress', { 'aria-label': t('msg.working') }), ' ', t('audit.verifying')));
      try {
        const r = await api('GET', '/api/v1/audit/verify');
        mount(verifyOut, h('p', { class: r.ok ? 'success' : 'alert', role: 'status' },
          r.ok ? t('audit.chain-ok', { n: r.entries, c: r.checkpoints }) : t('audit.chain-bad', { seq: r.first_bad_seq })));
      } catch (e) {
        mount(verifyOut, h('p', { class: 'alert', role: 'alert', text: problemText(e) }));
      } finally { verifyBtn.disabled = false; }
    },
  });
  load(0).catch((e) => mount(results, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  const flags = block('audit.flags', async () => {
    if (!has('GET', EP.auditFlags)) return needs('GET', EP.auditFlags);
    const d = await api('GET', EP.auditFlags);
    return [h('p', { class: 'muted', text: t('audit.flags-intro', { n: d.threshold, h: Math.round((d.window_ms || 86400000) / 3600000) }) }),
      table([
        ['audit.badge', (f) => h('span', { dir: 'ltr', text: f.badge || '—' })],
        ['reg.owner', (f) => h('span', { dir: 'ltr', text: f.unit || '—' })],
        ['audit.lookups', (f) => fmtNum(f.lookups)],
        ['audit.flag-reason', (f) => tOr(`flag.${f.reason}`, 'flag.other')],
      ], d.flags || [], { caption: 'audit.flags', empty: 'audit.no-flags' })];
  });
  return page('nav.audit', ctx, flags,
    h('section', { class: 'card' }, h('h2', { text: t('audit.chain') }), h('p', { class: 'muted', text: t('audit.chain-intro') }), verifyBtn, verifyOut),
    h('section', { class: 'card' }, h('h2', { text: t('audit.query') }), f, results));
}
