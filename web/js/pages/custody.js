// custody.js — the custody register (الحراسة النظرية): who is held, since
// when, under which regime, the legal deadline and the time left; extension
// with the prosecutor's written authorisation; family informed / lawyer
// contacted; release or presentation. Tabs: open custodies (deadlines, in
// scope), the unit's register (all, paged) and the daily list sent to the
// prosecutor (JSON on screen, the server's printable HTML beside it).
import { h, mount } from '../dom.js';
import { t, fmtDateTime, problemText, getLang, locale } from '../i18n.js';
import { api, qs } from '../api.js';
import { has } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, personName, link, pager } from '../ui.js';
import { custodyClock } from '../clock.js';

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

function dialog(titleKey, make) {
  const dlg = h('dialog', { 'aria-labelledby': 'cd-title' });
  const close = () => { dlg.close(); dlg.remove(); };
  dlg.appendChild(h('h2', { id: 'cd-title', text: t(titleKey) }));
  dlg.appendChild(make(close));
  document.body.appendChild(dlg);
  dlg.showModal();
}

function actions(ctx, k) {
  if (k.status !== 'open') return '—';
  const opj = ctx.user.role === 'opj';
  const writer = ['opj', 'chief', 'officer'].includes(ctx.user.role);
  const cancel = (close) => h('button', { type: 'button', onclick: close, text: t('act.cancel') });
  const after = (close) => { close(); ctx.toast(t('msg.saved')); ctx.rerender(); };
  return h('span', { class: 'row-actions' },
    writer ? h('button', {
      type: 'button', class: 'small', text: t('custody.rights'),
      onclick: () => dialog('custody.rights', (close) => form({
        submit: 'act.save', extra: cancel(close),
        onSubmit: async (v) => {
          await api('PATCH', fill(EP.custodyOne, { id: k.id }), {
            family_informed_at: ms(v.family_informed_at), family_informed_how: v.family_informed_how, lawyer_contacted_at: ms(v.lawyer_contacted_at),
          });
          after(close);
        },
      },
      needs('PATCH', EP.custodyOne),
      field({ name: 'family_informed_at', label: 'custody.family-at', type: 'datetime-local' }),
      field({ name: 'family_informed_how', label: 'custody.family-how', dir: 'auto', hint: 'custody.family-how-hint' }),
      field({ name: 'lawyer_contacted_at', label: 'custody.lawyer-at', type: 'datetime-local' }))),
    }) : null,
    opj && (k.extensions_left === undefined || k.extensions_left > 0) ? h('button', {
      type: 'button', class: 'small', text: t('custody.extend'),
      onclick: () => dialog('custody.extend', (close) => form({
        submit: 'custody.extend', extra: cancel(close),
        onSubmit: async (v) => { await api('POST', fill(EP.custodyExtend, { id: k.id }), v); after(close); },
      },
      needs('POST', EP.custodyExtend),
      field({ name: 'authorisation_ref', label: 'custody.auth-ref', required: true, dir: 'ltr' }),
      field({ name: 'authorisation_date', label: 'custody.auth-date', type: 'date', required: true }),
      field({ name: 'authorised_by', label: 'custody.auth-by', dir: 'auto' }))),
    }) : null,
    opj ? h('button', {
      type: 'button', class: 'small', text: t('custody.end'),
      onclick: () => dialog('custody.end', (close) => form({
        submit: 'act.save', extra: cancel(close),
        onSubmit: async (v) => { await api('POST', fill(EP.custodyEnd, { id: k.id }), { end: v.end, at: ms(v.at), note: v.note }); after(close); },
      },
      needs('POST', EP.custodyEnd),
      field({ name: 'end', label: 'custody.end-kind', type: 'select', required: true, options: [['released', 'custody.end.released'], ['presented', 'custody.end.presented']] }),
      field({ name: 'at', label: 'custody.ended-at', type: 'datetime-local', hint: 'custody.ended-hint' }),
      field({ name: 'note', label: 'field.note', wide: true, dir: 'auto' }))),
    }) : null);
}

function rights(k) {
  const fam = k.family_informed_at ? t('custody.family-done', { d: fmtDateTime(k.family_informed_at) }) : t('custody.family-no');
  const law = k.lawyer_contacted_at ? t('custody.lawyer-done', { d: fmtDateTime(k.lawyer_contacted_at) }) : t('custody.lawyer-no');
  return h('span', null, fam, h('br'), law);
}

const cols = (ctx, withActions) => [
  ['custody.person', (k) => personName(k)],
  ['custody.case', (k) => (k.case_id ? link(`/cases/${encodeURIComponent(k.case_id)}`, k.case_number || '…', 'num') : '—')],
  ['custody.regime', (k) => t(`regime.${k.regime}`)],
  ['custody.started', (k) => fmtDateTime(k.started_at)],
  ['custody.deadline', (k) => fmtDateTime(k.deadline_at)],
  ['custody.extensions', (k) => t('custody.ext-count', { n: k.extensions || 0, max: k.max_extensions || 0 })],
  ['custody.rights', (k) => rights(k)],
  ['custody.left', (k) => (k.status === 'open' ? custodyClock(k.deadline_at) : [t(`custody.end.${k.end_kind || 'closed'}`), ' — ', fmtDateTime(k.ended_at)])],
  withActions ? ['admin.actions', (k) => actions(ctx, k)] : null,
].filter(Boolean);

// Legal time is Africa/Casablanca (GMT+1, GMT during Ramadan), never a
// fixed offset: the browser's tz database says which applies that day.
const LEGAL_TZ = 'Africa/Casablanca';

function today() {
  // en-CA formats a date as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone: LEGAL_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function legalDate(ms) {
  return new Intl.DateTimeFormat(locale(), { timeZone: LEGAL_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

export function render(ctx) {
  const tab = ctx.query.get('status') || 'open';
  const unit = ctx.user.unit && ctx.user.unit.code;
  const out = h('div', { 'aria-live': 'polite' });
  const fail = (e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) }));
  let miss = null;
  let extra = null;
  if (tab === 'open') {
    miss = needs('GET', EP.custody);
    if (!miss) {
      api('GET', EP.custody).then((d) => {
        const rows = listOf(d, 'custodies').sort((a, b) => (a.deadline_at || 0) - (b.deadline_at || 0));
        mount(out, d.overdue ? h('p', { class: 'alert', role: 'alert', text: t('custody.overdue-n', { n: d.overdue }) }) : null,
          table(cols(ctx, true), rows, { caption: 'custody.register', empty: 'custody.none' }));
      }).catch(fail);
    }
  } else if (tab === 'all') {
    miss = needs('GET', EP.custodyRegister);
    const offset = Number(ctx.query.get('offset') || 0);
    const limit = 50;
    if (!miss && unit) {
      api('GET', `${fill(EP.custodyRegister, { code: unit })}${qs({ limit, offset })}`).then((d) => {
        const rows = listOf(d, 'custodies');
        mount(out, table(cols(ctx, true), rows, { caption: 'custody.unit-register', empty: 'custody.none' }),
          pager(offset, limit, rows.length, (o) => ctx.go(`/custody?status=all&offset=${o}`)));
      }).catch(fail);
    }
  } else if (tab === 'daily') {
    miss = needs('GET', EP.custodyDaily);
    const date = ctx.query.get('date') || today();
    extra = h('section', { class: 'card no-print' },
      form({ submit: 'act.show', label: 'custody.daily', class: 'filters', onSubmit: async (v) => ctx.go(`/custody?status=daily&date=${encodeURIComponent(v.date || today())}`) },
        field({ name: 'date', label: 'custody.daily-date', type: 'date', value: date, required: true })),
      unit && has('GET', EP.custodyDailyHtml)
        ? h('p', { class: 'quick' }, h('a', { class: 'button', target: '_blank', rel: 'noopener', href: `${fill(EP.custodyDailyHtml, { code: unit })}${qs({ date })}`, text: t('custody.daily-print') }))
        : null);
    if (!miss && unit) {
      api('GET', `${fill(EP.custodyDaily, { code: unit })}${qs({ date })}`).then((d) => {
        const rows = listOf(d, 'held');
        mount(out, h('p', { class: 'muted', text: t('custody.daily-intro', { d: legalDate(d.from), u: (getLang() === 'ar' ? d.unit_name_ar : d.unit_name_fr) || d.unit }) }),
          table([...cols(ctx, false), ['custody.ground', (k) => h('bdi', { text: k.ground || '—' })]], rows, { caption: 'custody.daily', empty: 'custody.daily-none' }));
      }).catch(fail);
    }
  }
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('custody.register') }, h('ul', null,
    [['open', 'custody.open-now'], ['all', 'custody.unit-register'], ['daily', 'custody.daily']].map(([s, k]) => h('li', null,
      h('a', { href: `/custody?status=${s}`, 'data-link': true, 'aria-current': s === tab ? 'page' : null, text: t(k) })))));
  return page('custody.register', ctx, h('p', { class: 'muted', text: t('custody.intro') }), tabs, miss, extra, h('section', { class: 'card' }, out));
}
