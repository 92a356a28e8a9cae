// home.js — the home page for each role: custody clocks as the law sees them
// (time left, lawyer, family), my cases, what waits for me, hits and alerts,
// the records I opened lately; auditors see the chain and the latest
// entries, administrators their users.
import { h } from '../dom.js';
import { t, fmtDateTime, fmtNum, getLang } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { EP } from '../endpoints.js';
import { page, table, block, link, needs, listOf, personName, badge } from '../ui.js';
import { lawyerLine, familyLine, timeLeft } from '../custodyview.js';
import { notificationsTable, unreadCount } from './registers.js';
import { auditRows } from './audit.js';
import { recent, recentHref } from '../recent.js';
import { commsHome, isComms } from './comms.js';

function optional(titleKey, method, path, loader, cls) {
  if (!has(method, path)) return h('section', { class: `card ${cls || ''}` }, h('h2', { text: t(titleKey) }), needs(method, path));
  return block(titleKey, loader, cls);
}

const cut = (x, n) => (x && x.length > n ? `${x.slice(0, n)}…` : (x || '—'));

export function casesTable(rows, empty) {
  return table([
    ['case.number', (c) => link(`/cases/${encodeURIComponent(c.id)}`, c.number, 'num')],
    ['case.status', (c) => badge(`cstatus.${c.status}`, c.status)],
    ['case.class', (c) => (c.class ? t(`class.${c.class}`) : '—')],
    ['case.summary', (c) => h('bdi', { text: cut(c.summary, 60) })],
    ['case.opj', (c) => h('bdi', { text: c.opj_name || t('case.no-opj') })],
    ['case.created', (c) => fmtDateTime(c.created_at)],
  ], rows, { caption: 'home.my-cases', empty: empty || 'home.no-cases' });
}

function recentBlock() {
  const items = recent();
  return h('section', { class: 'card' }, h('h2', { text: t('home.recent') }),
    items.length ? h('ul', { class: 'recent' }, items.map((x) => h('li', null,
      t(`recent.${x.kind}`), ' ', link(recentHref(x), x.label, x.kind === 'person' ? null : 'num'), x.sub ? [' — ', h('bdi', { text: x.sub })] : null)))
      : h('p', { class: 'empty', text: t('home.no-recent') }));
}

function unitWork(ctx) {
  return [
    optional('home.custody', 'GET', EP.custody, async () => {
      const d = await api('GET', EP.custody);
      const rows = listOf(d, 'custodies');
      return table([
        ['custody.person', (c) => h('bdi', { text: personName(c) })],
        ['custody.left', (c) => timeLeft(c)],
        ['custody.lawyer', (c) => lawyerLine(c)],
        ['custody.family', (c) => familyLine(c)],
        ['custody.case', (c) => link(`/cases/${encodeURIComponent(c.case_id)}`, c.case_number, 'num')],
      ], rows.sort((a, b) => a.deadline_at - b.deadline_at), { caption: 'home.custody', empty: 'custody.none' });
    }, 'span-all'),
    optional('home.my-cases', 'GET', EP.cases, async () => {
      const d = await api('GET', `${EP.cases}${qs({ limit: 10 })}`);
      return [casesTable(listOf(d, 'cases')), link('/cases', t('home.all-cases'), 'more')];
    }, 'span-all'),
    optional('home.waiting', 'GET', EP.complaints, async () => {
      const d = await api('GET', `${EP.complaints}${qs({ disposition: 'pending', limit: 10 })}`);
      return [table([
        ['complaint.receipt', (c) => link(`/complaints/${encodeURIComponent(c.id)}`, c.receipt_no, 'num')],
        ['complaint.complainant', (c) => h('bdi', { text: personName({ first_name_ar: c.complainant_first_name_ar, last_name_ar: c.complainant_last_name_ar, first_name_lat: c.complainant_first_name_lat, last_name_lat: c.complainant_last_name_lat }) })],
        ['complaint.received', (c) => fmtDateTime(c.received_at)],
        ['complaint.facts', (c) => h('bdi', { text: cut(c.facts, 80) })],
      ], listOf(d, 'complaints'), { caption: 'home.waiting', empty: 'home.nothing-waiting' }), link('/complaints?disposition=pending', t('home.all-complaints'), 'more')];
    }),
    recentBlock(),
    optional('home.alerts', 'GET', EP.alerts, async () => {
      const d = await api('GET', `${EP.alerts}${qs({ limit: 200 })}`);
      const items = listOf(d, 'items');
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
    // the latest entries, newest first: the chain's length from the check,
    // then the last page of it
    body = [
      block('home.recent-audit', async () => {
        const r = await api('GET', EP.auditVerify);
        const d = await api('GET', `${EP.audit}${qs({ limit: 10, after_seq: Math.max(0, r.entries - 10) })}`);
        return [h('p', { class: r.ok ? 'success' : 'alert', text: r.ok ? t('audit.chain-ok', { n: r.entries, c: r.checkpoints }) : t('audit.chain-bad', { seq: r.first_bad_seq }) }),
          auditRows([...d.entries].reverse(), true), link('/audit', t('home.open-audit'), 'more')];
      }, 'span-all'),
    ];
  } else if (u.role === 'admin') {
    body = [
      block('admin.users', async () => {
        const d = await api('GET', EP.users);
        const active = d.users.filter((x) => x.status === 'active').length;
        const locked = d.users.filter((x) => x.locked).length;
        return [h('ul', { class: 'stats' },
          h('li', null, h('strong', { text: fmtNum(d.users.length) }), ' ', t('home.users-total')),
          h('li', null, h('strong', { text: fmtNum(active) }), ' ', t('home.users-active')),
          h('li', null, h('strong', { text: fmtNum(locked) }), ' ', t('home.users-locked'))),
        link('/admin', t('home.manage-users'), 'more')];
      }),
      block('admin.units', async () => {
        const d = await api('GET', EP.units);
        return [h('p', { text: t('home.units-count', { n: d.units.length }) }), link('/admin/units', t('admin.units'), 'more')];
      }),
    ];
  } else if (isComms(u.role)) {
    body = commsHome(ctx);
  } else if (u.role === 'analyst') {
    body = [
      optional('home.my-cases', 'GET', EP.cases, async () => casesTable(listOf(await api('GET', `${EP.cases}${qs({ limit: 10 })}`), 'cases')), 'span-all'),
      h('section', { class: 'card' }, h('h2', { text: t('nav.persons') }), link('/persons', t('persons.search'), 'more')),
    ];
  } else {
    body = unitWork(ctx);
  }
  const quick = allowed('POST', EP.complaints, u.role)
    ? h('p', { class: 'quick' }, link('/complaints/new', t('nav.complaint'), 'button primary'), link('/persons', t('persons.search'), 'button'))
    : null;
  return page('nav.home', ctx, intro, quick, h('div', { class: 'cards' }, body));
}
