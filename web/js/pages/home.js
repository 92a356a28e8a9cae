// home.js — the home page for each role: my cases, custody clocks with the
// time left, hits and alerts, what waits for me; auditors see the chain,
// administrators their users.
import { h } from '../dom.js';
import { t, fmtDateTime, fmtNum, getLang } from '../i18n.js';
import { api, qs } from '../api.js';
import { has } from '../caps.js';
import { EP } from '../endpoints.js';
import { page, table, block, link, needs, listOf, pick, personName, badge } from '../ui.js';
import { custodyClock } from '../clock.js';
import { notificationsTable, unreadCount } from './registers.js';
import { commsHome, isComms } from './comms.js';

function optional(titleKey, method, path, loader, cls) {
  if (!has(method, path)) return h('section', { class: `card ${cls || ''}` }, h('h2', { text: t(titleKey) }), needs(method, path));
  return block(titleKey, loader, cls);
}


export function casesTable(rows) {
  return table([
    ['case.number', (c) => link(`/cases/${encodeURIComponent(c.id)}`, c.number, 'num')],
    ['case.status', (c) => badge(`cstatus.${c.status}`, c.status)],
    ['case.class', (c) => (c.class ? t(`class.${c.class}`) : '—')],
    ['case.summary', (c) => { const x = pick(c, 'summary') || '—'; return h('bdi', { text: x.length > 60 ? `${x.slice(0, 60)}…` : x }); }],
    ['case.created', (c) => fmtDateTime(pick(c, 'created_at'))],
  ], rows, { caption: 'home.my-cases', empty: 'home.no-cases' });
}

function unitWork(ctx) {
  const uid = ctx.user.badge;
  return [
    optional('home.custody', 'GET', EP.custody, async () => {
      const d = await api('GET', EP.custody);
      const rows = listOf(d, 'custodies').filter((c) => c.status !== 'closed');
      return table([
        ['custody.person', (c) => personName(c.person || c)],
        ['custody.case', (c) => (c.case_id ? link(`/cases/${encodeURIComponent(c.case_id)}`, pick(c, 'case_number') || '…', 'num') : '—')],
        ['custody.left', (c) => custodyClock(c.deadline_at)],
      ], rows.sort((a, b) => a.deadline_at - b.deadline_at), { caption: 'home.custody', empty: 'custody.none' });
    }),
    optional('home.my-cases', 'GET', EP.cases, async () => {
      const d = await api('GET', `${EP.cases}${qs({ limit: 10 })}`);
      return [casesTable(listOf(d, 'cases')), link('/cases', t('home.all-cases'), 'more')];
    }),
    optional('home.waiting', 'GET', EP.complaints, async () => {
      const d = await api('GET', `${EP.complaints}${qs({ disposition: 'pending', limit: 10 })}`);
      return [table([
        ['complaint.receipt', (c) => link(`/complaints/${encodeURIComponent(c.id)}`, c.receipt_no, 'num')],
        ['complaint.complainant', (c) => personName({ first_name_ar: c.complainant_first_name_ar, last_name_ar: c.complainant_last_name_ar, first_name_lat: c.complainant_first_name_lat, last_name_lat: c.complainant_last_name_lat })],
        ['complaint.received', (c) => fmtDateTime(c.received_at)],
        ['complaint.facts', (c) => h('bdi', { text: (c.facts || '').length > 80 ? `${c.facts.slice(0, 80)}…` : (c.facts || '') })],
      ], listOf(d, 'complaints'), { caption: 'home.waiting', empty: 'home.nothing-waiting' }), link('/complaints?disposition=pending', t('home.all-complaints'), 'more')];
    }),
    optional('home.alerts', 'GET', EP.alerts, async () => {
      const d = await api('GET', `${EP.alerts}${qs({ limit: 200 })}`);
      const items = listOf(d, 'items', 'alerts');
      const n = unreadCount(items);
      return [h('p', { class: n ? 'unread-count alert' : 'unread-count muted', text: n ? t('alert.unread-n', { n }) : t('alert.unread-none') }),
        notificationsTable(items, ctx, 10), link('/registers/alerts', t('home.all-alerts'), 'more')];
    }, 'span-all'),
  ];
}

export function render(ctx) {
  const u = ctx.user;
  const unitName = u.unit ? (getLang() === 'ar' ? u.unit.name_ar : u.unit.name_fr) : '';
  const intro = h('p', { class: 'lead' }, t('home.greeting'), ' ', h('bdi', { text: u.name }), ' — ', h('bdi', { text: unitName }));
  let body;
  if (u.role === 'auditor') {
    body = [
      block('audit.chain', async () => {
        const r = await api('GET', '/api/v1/audit/verify');
        return h('p', { class: r.ok ? 'success' : 'alert', text: r.ok ? t('audit.chain-ok', { n: r.entries, c: r.checkpoints }) : t('audit.chain-bad', { seq: r.first_bad_seq }) });
      }),
      block('home.recent-audit', async () => {
        const d = await api('GET', `/api/v1/audit${qs({ limit: 10 })}`);
        return [table([
          ['audit.at', (e) => fmtDateTime(e.at)],
          ['audit.badge', (e) => h('span', { dir: 'ltr', text: e.badge || '—' })],
          ['audit.action', (e) => h('code', { dir: 'ltr', text: e.action })],
        ], d.entries), link('/audit', t('home.open-audit'), 'more')];
      }),
    ];
  } else if (u.role === 'admin') {
    body = [
      block('admin.users', async () => {
        const d = await api('GET', '/api/v1/users');
        const active = d.users.filter((x) => x.status === 'active').length;
        const locked = d.users.filter((x) => x.locked).length;
        return [h('ul', { class: 'stats' },
          h('li', null, h('strong', { text: fmtNum(d.users.length) }), ' ', t('home.users-total')),
          h('li', null, h('strong', { text: fmtNum(active) }), ' ', t('home.users-active')),
          h('li', null, h('strong', { text: fmtNum(locked) }), ' ', t('home.users-locked'))),
        link('/admin', t('home.manage-users'), 'more')];
      }),
      block('admin.units', async () => {
        const d = await api('GET', '/api/v1/units');
        return [h('p', { text: t('home.units-count', { n: d.units.length }) }), link('/admin/units', t('admin.units'), 'more')];
      }),
    ];
  } else if (isComms(u.role)) {
    body = commsHome(ctx);
  } else if (u.role === 'analyst') {
    body = [
      optional('home.my-cases', 'GET', EP.cases, async () => casesTable(listOf(await api('GET', `${EP.cases}${qs({ limit: 10 })}`), 'cases'))),
      h('section', { class: 'card' }, h('h2', { text: t('nav.persons') }), link('/persons', t('persons.search'), 'more')),
    ];
  } else {
    body = unitWork(ctx);
  }
  const quick = ['opj', 'officer', 'chief'].includes(u.role)
    ? h('p', { class: 'quick' }, link('/complaints/new', t('nav.complaint'), 'button primary'), ' ', link('/persons', t('persons.search'), 'button'))
    : null;
  return page('nav.home', ctx, intro, quick, h('div', { class: 'cards' }, body));
}
