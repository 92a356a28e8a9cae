// ui.js — pieces every page uses: the page frame, tables, paging, the
// "not yet on this server" notice, and loading a block without blocking the page.
import { h, mount } from './dom.js';
import { t, problemText, fmtNum } from './i18n.js';
import { has } from './caps.js';
import { ApiError } from './api.js';

export function page(titleKey, ctx, ...kids) {
  ctx.setTitle(titleKey);
  return h('section', { class: 'page' }, h('h1', { text: t(titleKey) }), kids);
}

// needs(method, path): null when the route is on this server, else a notice
// naming the missing capability (the page stays wired to that route).
export function needs(method, path) {
  if (has(method, path)) return null;
  return h('p', { class: 'notice', role: 'note', 'data-missing': `${method} ${path}` },
    t('msg.not-yet'), ' ', h('code', { dir: 'ltr', text: `${method} ${path}` }));
}

export function link(href, text, cls) { return h('a', { href, 'data-link': true, class: cls, text }); }

// table(cols, rows, opts): cols [[labelKey, row => cell]]; a caption for
// screen readers; an empty message when there are no rows. On a narrow
// screen (a phone, 200 % zoom) each row becomes a card whose cells carry
// their column's label (data-label, app.css).
export function table(cols, rows, opts) {
  const o = opts || {};
  if (!rows || rows.length === 0) return h('p', { class: 'empty', text: t(o.empty || 'msg.empty') });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': o.caption ? t(o.caption) : t('msg.results') },
    h('table', null,
      o.caption ? h('caption', { class: 'sr-only', text: t(o.caption) }) : null,
      h('thead', null, h('tr', null, cols.map(([k]) => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', null, rows.map((r) => h('tr', null, cols.map(([k, f]) => h('td', { 'data-label': t(k) }, f(r))))))));
}

// pager(offset, limit, count, onPage): previous / next with "results a–b".
export function pager(offset, limit, count, onPage) {
  const from = count ? offset + 1 : 0;
  return h('nav', { class: 'pager', 'aria-label': t('msg.paging') },
    h('button', { type: 'button', disabled: offset === 0, onclick: () => onPage(Math.max(0, offset - limit)), text: t('act.prev') }),
    h('span', { text: t('msg.range', { a: fmtNum(from), b: fmtNum(offset + count) }) }),
    h('button', { type: 'button', disabled: count < limit, onclick: () => onPage(offset + limit), text: t('act.next') }));
}

// block(titleKey, loader): a card that fills itself when loader() resolves
// to a node; shows progress meanwhile and a translated error on failure.
export function block(titleKey, loader, cls) {
  const body = h('div', { class: 'block-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, h('progress', { 'aria-label': t('msg.loading') }), ' ', t('msg.loading')));
  const el = h('section', { class: `card ${cls || ''}`, 'data-block': titleKey }, h('h2', { text: t(titleKey) }), body);
  Promise.resolve().then(loader).then((node) => {
    mount(body, node);
  }).catch((e) => {
    if (!(e instanceof ApiError)) console.error(e);
    mount(body, h('p', { class: 'alert', role: 'alert', text: problemText(e) }));
  }).finally(() => body.removeAttribute('aria-busy'));
  return el;
}

export function badge(key, kind) { return h('span', { class: `badge ${kind || ''}`, text: t(key) }); }

// listOf(data, name): the array inside an answer ({cases:[...]}) or the answer itself.
// own(o, n): whether the answer o has member n (an optional member is read
// only when present: the browser suite's contract check counts every read).
export function own(o, n) { return !!o && Object.prototype.hasOwnProperty.call(o, n); }

export function listOf(data, name) {
  if (Array.isArray(data)) return data;
  return data && name && Array.isArray(data[name]) ? data[name] : [];
}

// personName(p): "NOM Prénom / الاسم العائلي" in both scripts when both are
// known; an unknown person by their description.
export function personName(p) {
  if (!p) return '—';
  // a minor victim, outside the case of those who work it (issue 17 item 4)
  if ('masked' in p && p.masked === 'minor_victim') return t('person.masked-minor');
  const g = (k) => (k in p && p[k] ? p[k] : '');
  const ar = [g('first_name_ar'), g('last_name_ar')].filter(Boolean).join(' ');
  const la = [g('last_name_lat').toUpperCase(), g('first_name_lat')].filter(Boolean).join(' ');
  return [la, ar].filter(Boolean).join(' / ') || g('description') || '—';
}
