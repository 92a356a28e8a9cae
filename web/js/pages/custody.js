// custody.js — the custody register (الحراسة النظرية): who is held, since
// when, under which regime, the legal deadline and the time left; extension
// with the prosecutor's written authorisation; release or presentation.
import { h, mount } from '../dom.js';
import { t, fmtDateTime, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, pick, link } from '../ui.js';
import { custodyClock } from '../clock.js';

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

function actions(ctx, k) {
  if (k.status !== 'open' || !['opj', 'chief'].includes(ctx.user.role)) return '';
  const open = (titleKey, make) => {
    const dlg = h('dialog', { 'aria-labelledby': 'cd-title' });
    const close = () => { dlg.close(); dlg.remove(); };
    dlg.appendChild(h('h2', { id: 'cd-title', text: t(titleKey) }));
    dlg.appendChild(make(close));
    document.body.appendChild(dlg);
    dlg.showModal();
  };
  const cancel = (close) => h('button', { type: 'button', onclick: close, text: t('act.cancel') });
  return h('span', { class: 'row-actions' },
    h('button', {
      type: 'button', class: 'small', text: t('custody.extend'),
      onclick: () => open('custody.extend', (close) => form({
        submit: 'custody.extend', extra: cancel(close),
        onSubmit: async (v) => { await api('POST', fill(EP.custodyExtend, { id: k.id }), v); close(); ctx.toast(t('msg.saved')); ctx.rerender(); },
      },
      needs('POST', EP.custodyExtend),
      field({ name: 'authorisation_ref', label: 'custody.auth-ref', required: true, dir: 'ltr' }),
      field({ name: 'authorisation_date', label: 'custody.auth-date', type: 'date', required: true }),
      field({ name: 'authorised_by', label: 'custody.auth-by', dir: 'auto' }))),
    }),
    h('button', {
      type: 'button', class: 'small', text: t('custody.end'),
      onclick: () => open('custody.end', (close) => form({
        submit: 'act.save', extra: cancel(close),
        onSubmit: async (v) => { await api('POST', fill(EP.custodyEnd, { id: k.id }), { ...v, ended_at: ms(v.ended_at) }); close(); ctx.toast(t('msg.saved')); ctx.rerender(); },
      },
      needs('POST', EP.custodyEnd),
      field({ name: 'end_kind', label: 'custody.end-kind', type: 'select', required: true, options: [['released', 'custody.end.released'], ['presented', 'custody.end.presented']] }),
      field({ name: 'ended_at', label: 'custody.ended-at', type: 'datetime-local' }),
      field({ name: 'end_note', label: 'field.note', wide: true, dir: 'auto' }))),
    }));
}

export function render(ctx) {
  const miss = needs('GET', EP.custody);
  const status = ctx.query.get('status') || 'open';
  const out = h('div', { 'aria-live': 'polite' });
  if (!miss) {
    api('GET', `${EP.custody}${qs({ status: status === 'all' ? undefined : status })}`).then((d) => {
      const rows = listOf(d, 'custodies').sort((a, b) => (a.deadline_at || 0) - (b.deadline_at || 0));
      mount(out, table([
        ['custody.person', (k) => personName(pick(k, 'person'))],
        ['custody.case', (k) => (k.case_id ? link(`/cases/${encodeURIComponent(k.case_id)}`, pick(k, 'case_number') || '…') : '—')],
        ['custody.regime', (k) => t(`regime.${k.regime}`)],
        ['custody.started', (k) => fmtDateTime(k.started_at)],
        ['custody.deadline', (k) => fmtDateTime(k.deadline_at)],
        ['custody.extensions', (k) => String(k.extensions || 0)],
        ['custody.left', (k) => (k.status === 'open' ? custodyClock(k.deadline_at) : t(`custody.end.${k.end_kind || 'closed'}`))],
        ['admin.actions', (k) => actions(ctx, k)],
      ], rows, { caption: 'custody.register', empty: 'custody.none' }));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('custody.register') }, h('ul', null,
    [['open', 'custody.open-now'], ['closed', 'custody.closed'], ['all', 'msg.all']].map(([s, k]) => h('li', null,
      h('a', { href: `/custody?status=${s}`, 'data-link': true, 'aria-current': s === status ? 'page' : null, text: t(k) })))));
  return page('custody.register', ctx, h('p', { class: 'muted', text: t('custody.intro') }), miss, tabs, h('section', { class: 'card' }, out));
}
