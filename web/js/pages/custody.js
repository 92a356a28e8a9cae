// custody.js — the custody register (الحراسة النظرية) as the law sees it:
// who is held, since when, the legal deadline and the time left, the
// lawyer-contact deadline and the family notice, the rule applied; extension
// with the prosecutor's written authorisation; family informed / lawyer
// contacted; release or presentation (with a warning when the lawyer was
// never contacted). Tabs: open custodies (deadlines, in scope), the unit's
// register (all, paged) and the daily list sent to the prosecutor.
import { h, mount } from '../dom.js';
import { t, fmtDateTime, fmtNum, problemText, getLang, locale } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, table, needs, listOf, personName, link, pager } from '../ui.js';
import { lawyerLine, familyLine, timeLeft, ruleLine } from '../custodyview.js';
import { confirmAct, dialog } from '../confirm.js';

function actionForm(ctx, k, method, tpl, names, ui, submit, before) {
  const url = fill(tpl, { id: k.id });
  return (close) => {
    const sf = schemaForm(method, url, names, ui);
    return form({
      submit, check: sf.check, extra: h('button', { type: 'button', onclick: close, text: t('act.cancel') }),
      onSubmit: async (v) => {
        if (before && !(await before(v))) return;
        await api(method, url, sf.body(v));
        close();
        ctx.toast(t('msg.saved'));
        ctx.rerender();
      },
    }, sf.fields);
  };
}

function actions(ctx, k) {
  if (k.status !== 'open') return '—';
  const role = ctx.user.role;
  const btn = (key, make) => h('button', { type: 'button', class: 'small', text: t(key), onclick: () => dialog(key, make) });
  return h('span', { class: 'row-actions' },
    allowed('PATCH', EP.custodyOne, role) ? btn('custody.rights', actionForm(ctx, k, 'PATCH', EP.custodyOne,
      ['family_informed_at', 'family_informed_how', 'lawyer_contacted_at'],
      { family_informed_how: { dir: 'auto', hint: 'custody.family-how-hint' } }, 'act.save')) : null,
    allowed('POST', EP.custodyExtend, role) && k.extensions_left > 0 ? btn('custody.extend', actionForm(ctx, k, 'POST', EP.custodyExtend,
      ['authorisation_ref', 'authorisation_date', 'authorised_by'],
      { authorisation_ref: { dir: 'ltr', required: true }, authorisation_date: { required: true }, authorised_by: { dir: 'auto' } }, 'custody.extend')) : null,
    allowed('POST', EP.custodyEnd, role) ? btn('custody.end', actionForm(ctx, k, 'POST', EP.custodyEnd,
      ['end', 'at', 'condition_on_exit', 'note'], { at: { hint: 'custody.ended-hint' }, condition_on_exit: { dir: 'auto', wide: true }, note: { dir: 'auto', wide: true } }, 'act.save',
      async () => (k.lawyer_contacted_at ? true : confirmAct('custody.end', t('custody.end-no-lawyer', { name: personName(k) }), { yes: 'custody.end-anyway' })))) : null);
}

const cols = (ctx, withActions) => [
  ['custody.person', (k) => h('bdi', { text: personName(k) })],
  ['custody.case', (k) => link(`/cases/${encodeURIComponent(k.case_id)}`, k.case_number, 'num')],
  ['custody.left', (k) => timeLeft(k)],
  ['custody.deadline', (k) => fmtDateTime(k.deadline_at)],
  ['custody.lawyer', (k) => lawyerLine(k)],
  ['custody.family', (k) => familyLine(k)],
  ['custody.rule', (k) => ruleLine(k)],
  ['custody.started', (k) => fmtDateTime(k.started_at)],
  withActions ? ['admin.actions', (k) => actions(ctx, k)] : null,
].filter(Boolean);

// Legal time is Africa/Casablanca (GMT+1, GMT during Ramadan), never a
// fixed offset: the browser's tz database says which applies that day.
const LEGAL_TZ = 'Africa/Casablanca';

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
        const rows = listOf(d, 'custodies').sort((a, b) => a.deadline_at - b.deadline_at);
        mount(out,
          d.overdue ? h('p', { class: 'alert', role: 'alert', text: t('custody.overdue-n', { n: d.overdue }) }) : null,
          d.lawyer_overdue ? h('p', { class: 'alert', role: 'alert', text: t('custody.lawyer-overdue-n', { n: d.lawyer_overdue }) }) : null,
          d.family_pending ? h('p', { class: 'notice', text: t('custody.family-pending-n', { n: d.family_pending }) }) : null,
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
    const chosen = ctx.query.get('date');
    extra = h('section', { class: 'card no-print' },
      form({ submit: 'act.show', label: 'custody.daily', class: 'filters', onSubmit: async (v) => ctx.go(`/custody?status=daily${v.date ? `&date=${encodeURIComponent(v.date)}` : ''}`) },
        field({ name: 'date', label: 'custody.daily-date', type: 'date', value: chosen || undefined, hint: 'custody.daily-date-hint' })),
      unit && has('GET', EP.custodyDailyHtml)
        ? h('p', { class: 'quick' }, h('a', { class: 'button', target: '_blank', rel: 'noopener', href: `${fill(EP.custodyDailyHtml, { code: unit })}${qs({ date: chosen, lang: getLang() })}`, text: t('custody.daily-print') }))
        : null);
    if (!miss && unit) {
      // no date: the server's legal today (Africa/Casablanca from the system's
      // tzdata); the day shown is the server's (from is its legal midnight).
      api('GET', `${fill(EP.custodyDaily, { code: unit })}${qs({ date: chosen })}`).then((d) => {
        const rows = listOf(d, 'held');
        mount(out, h('p', { class: 'muted' }, t('custody.daily-intro', { d: legalDate(d.from), u: (getLang() === 'ar' ? d.unit_name_ar : d.unit_name_fr) || d.unit }),
          ' ', t('custody.daily-count', { n: fmtNum(rows.length) })),
        table([...cols(ctx, false), ['custody.ground', (k) => h('bdi', { text: k.ground || '—' })]], rows, { caption: 'custody.daily', empty: 'custody.daily-none' }));
      }).catch(fail);
    }
  }
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('custody.register') }, h('ul', null,
    [['open', 'custody.open-now'], ['all', 'custody.unit-register'], ['daily', 'custody.daily']].map(([s, k]) => h('li', null,
      h('a', { href: `/custody?status=${s}`, 'data-link': true, 'aria-current': s === tab ? 'page' : null, text: t(k) })))));
  return page('custody.register', ctx, h('p', { class: 'muted', text: t('custody.intro') }), tabs, miss, extra, h('section', { class: 'card' }, out));
}
