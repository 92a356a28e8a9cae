// registers.js — the national registers officers check and feed: wanted
// persons (مذكرات البحث), stolen vehicles (plates in either script), lost or
// stolen documents; a check against all three (with its purpose, audited);
// and the unit's hit notifications (someone, somewhere, matched one of our
// records). The list is national and paged; a unit edits only its own records.
import { h, mount } from '../dom.js';
import { t, tOr, locale, fmtDateTime, fmtDate, fmtTime, problemText, getLang } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { EP, fill } from '../endpoints.js';
import { field, form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, table, needs, listOf, personName, pager, badge } from '../ui.js';
import { offenceField } from '../offences.js';

const STATUSES = { wanted: ['active', 'executed', 'cancelled'], vehicles: ['active', 'recovered', 'cancelled'], documents: ['active', 'found', 'cancelled'] };
const LIMIT = 50;

function statusBadge(s) { return badge(`regstatus.${s}`, s === 'active' ? 'urgent' : ''); }
const ltr = (v, cls) => h('span', { dir: 'ltr', class: cls || null, text: v || '—' });

const KINDS = {
  wanted: {
    ep: EP.wanted,
    cols: [
      ['person.name', (r) => personName(r)],
      ['person.cin', (r) => ltr(r.cin)],
      ['person.birth_date', (r) => (r.birth_date ? fmtDate(r.birth_date) : '—')],
      ['reg.reference', (r) => ltr(r.reference, 'num')],
      ['reg.authority', (r) => [h('bdi', { text: r.issuing_authority }), r.order_reference ? h('small', { class: 'muted' }, ' — ', ltr(r.order_reference, 'num'), ' ', r.order_date ? fmtDate(r.order_date) : '') : null]],
      ['reg.offence', (r) => h('bdi', { text: r.offence })],
      ['reg.danger', (r) => badge(`danger.${r.danger}`, r.danger === 'high' ? 'overdue' : '')],
    ],
    order: ['last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'father_name_lat', 'father_name_ar', 'cin', 'birth_date', 'sex', 'reference', 'authority_code', 'issuing_authority', 'order_reference', 'order_date', 'danger', 'offence_code', 'offence'],
    ui: {
      last_name_lat: { dir: 'ltr' }, first_name_lat: { dir: 'ltr' }, last_name_ar: { dir: 'rtl' }, first_name_ar: { dir: 'rtl' },
      father_name_lat: { dir: 'ltr' }, father_name_ar: { dir: 'rtl' }, cin: { dir: 'ltr', hint: 'person.cin-hint' },
      reference: { dir: 'ltr' }, issuing_authority: { dir: 'auto' }, offence: { dir: 'auto', wide: true, hint: 'reg.offence-wording-hint' },
      // the issuing magistrate's order: the authority from the reference data (issue 17)
      authority_code: { type: 'select', options: [['', 'msg.choose']], required: true },
      order_reference: { dir: 'ltr', required: true }, order_date: { required: true },
    },
  },
  vehicles: {
    ep: EP.vehicles,
    cols: [
      ['reg.plate', (r) => plateText(r.plate)],
      ['reg.vin', (r) => ltr(r.vin)],
      ['reg.vehicle', (r) => h('bdi', { text: [r.make, r.model, r.color].filter(Boolean).join(' ') || '—' })],
      ['reg.reference', (r) => ltr(r.reference, 'num')],
    ],
    order: ['plate', 'vin', 'make', 'model', 'color', 'reference'],
    ui: { plate: { dir: 'auto', hint: 'reg.plate-hint' }, vin: { dir: 'ltr' }, make: { dir: 'auto' }, model: { dir: 'auto' }, color: { dir: 'auto' }, reference: { dir: 'ltr' } },
  },
  documents: {
    ep: EP.documents,
    cols: [
      ['reg.doc-kind', (r) => t(`doctype.${r.doc_type}`)],
      ['reg.doc-number', (r) => ltr(r.doc_number, 'num')],
      ['reg.lost-stolen', (r) => t(`dockind.${r.kind}`)],
      ['reg.holder', (r) => h('bdi', { text: r.holder_name || '—' })],
      ['reg.reference', (r) => ltr(r.reference, 'num')],
    ],
    order: ['doc_type', 'doc_number', 'kind', 'holder_name', 'reference'],
    ui: { doc_number: { dir: 'ltr' }, holder_name: { dir: 'auto' }, reference: { dir: 'ltr' } },
  },
};

// plateText(p): a Moroccan plate in its own order, "12345-أ-6" (digits,
// letter, region) — an isolated left-to-right run, so the Arabic letter
// never pulls the numbers out of order in a right-to-left line.
export function plateText(p) {
  return h('bdi', { dir: 'ltr', class: 'num plate', text: p || '—' });
}

// hotlistAge(a): on a node, a hit on an entry of central's hotlist says how
// old that list is (issued_at and age from the server), or '' elsewhere.
export function hotlistAge(a) {
  if (!a || !('hotlist_issued_at' in a)) return null;
  if (!a.hotlist_issued_at) return h('small', { class: 'hotlist muted', text: t('alert.hotlist-unknown') });
  const s = Math.max(0, a.hotlist_age_s || 0);
  const age = s < 3600 ? t('alert.age-min', { n: Math.floor(s / 60) })
    : s < 172800 ? t('alert.age-h', { n: Math.floor(s / 3600) }) : t('alert.age-d', { n: Math.floor(s / 86400) });
  return h('small', { class: s > 86400 ? 'hotlist warn' : 'hotlist muted', text: t('alert.hotlist-age', { at: fmtDateTime(a.hotlist_issued_at), age }) });
}

// alertLine(a): one hit, whatever the register, in words (and, on a node,
// how old central's list it came from is).
export function alertLine(a) {
  if (!a) return '—';
  const age = hotlistAge(a);
  const tail = age ? [' — ', age] : [];
  if (a.register === 'wanted') return [personName(a.person), ' — ', h('bdi', { text: a.offence || '' }), ' — ', t(`danger.${a.danger}`), ...tail];
  if (a.register === 'vehicle') return [a.plate ? plateText(a.plate) : ltr(a.vin, 'num'), ' ', h('bdi', { text: [a.make, a.model, a.color].filter(Boolean).join(' ') }), ...tail];
  if (a.register === 'document') return [t(`doctype.${a.doc_type}`), ' ', ltr(a.doc_number, 'num'), ' — ', t(`dockind.${a.kind}`), ...tail];
  return '—';
}

function statusActions(ctx, kind, r) {
  const tpl = EP.register;
  if (!allowed('PATCH', tpl, ctx.user.role) || r.unit !== (ctx.user.unit && ctx.user.unit.code)) return h('span', null, statusBadge(r.status));
  const next = STATUSES[kind].filter((s) => s !== r.status);
  return h('details', { class: 'add inline' }, h('summary', null, statusBadge(r.status), ' ', t('reg.change')),
    form({
      submit: 'act.save', label: 'reg.change',
      onSubmit: async (v) => { await api('PATCH', fill(tpl, { kind, id: r.id }), { status: v.status, reason: v.reason }); ctx.toast(t('msg.saved')); ctx.rerender(); },
    },
    field({ name: 'status', label: 'reg.status', type: 'select', required: true, options: next.map((s) => [s, `regstatus.${s}`]) }),
    field({ name: 'reason', label: 'field.reason', required: true, dir: 'auto' })));
}

function listTab(ctx, kind) {
  const k = KINDS[kind];
  const status = ctx.query.get('status') || 'active';
  const offset = Number(ctx.query.get('offset') || 0);
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const go = (s, o) => ctx.go(`/registers/${kind}?status=${s}${o ? `&offset=${o}` : ''}`);
  if (has('GET', k.ep)) {
    api('GET', `${k.ep}${qs({ status: status === 'all' ? undefined : status, limit: LIMIT, offset })}`).then((d) => {
      const rows = listOf(d, 'items', kind);
      mount(out, table([...k.cols,
        ['reg.owner', (r) => ltr(r.unit)],
        ['reg.issued', (r) => fmtDateTime(r.created_at)],
        ['reg.status', (r) => statusActions(ctx, kind, r)]], rows, { caption: `reg.${kind}`, empty: 'reg.none' }),
      pager(offset, LIMIT, rows.length, (o) => go(status, o)));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  const filter = h('nav', { class: 'tabs sub', 'aria-label': t('reg.status') }, h('ul', null,
    [...STATUSES[kind], 'all'].map((s) => h('li', null, h('a', { href: `/registers/${kind}?status=${s}`, 'data-link': true, 'aria-current': s === status ? 'page' : null, text: s === 'all' ? t('msg.all') : t(`regstatus.${s}`) })))));
  const canWrite = allowed('POST', k.ep, ctx.user.role);
  const sf = canWrite ? schemaForm('POST', k.ep, k.order, k.ui) : null;
  const create = canWrite ? h('details', { class: 'add card' }, h('summary', { text: t(`reg.new-${kind}`) }),
    form({
      submit: 'act.add', label: `reg.new-${kind}`, draft: `${ctx.user.badge}.reg.${kind}`, check: sf.check,
      onSubmit: async (v) => { await api('POST', k.ep, sf.body(v)); ctx.toast(t('msg.saved')); ctx.go(`/registers/${kind}?status=active`); },
    }, sf.fields)) : null;
  // the offence from the catalogue (issue 17): the combo replaces the code field
  const code = create && create.querySelector('[data-field=offence_code]');
  if (code) offenceField('offence_code', true).then((fld) => code.replaceWith(fld)).catch(() => {});
  const office = create && create.querySelector('select[name=authority_code]');
  if (office) {
    api('GET', '/api/v1/prosecution-offices').then((d) => {
      for (const o of (d.offices || [])) office.appendChild(h('option', { value: o.code, text: getLang() === 'ar' ? o.name_ar : o.name_fr }));
    }).catch(() => {});
  }
  return [needs('GET', k.ep), create, h('section', { class: 'card' }, h('h2', { text: t(`reg.${kind}`) }), filter, out)];
}

function checkTab(ctx) {
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const f = form({
    submit: 'reg.check-do', label: 'reg.check', draft: `${ctx.user.badge}.reg.check`,
    onSubmit: async (v) => {
      const person = {};
      for (const n of ['cin', 'name', 'birth_date']) if (v[`person.${n}`]) person[n] = v[`person.${n}`];
      const body = { purpose: v.purpose, plate: v.plate, vin: v.vin, document: v.document, person: Object.keys(person).length ? person : undefined };
      const d = await api('POST', EP.check, body);
      const alerts = listOf(d, 'alerts');
      mount(out, alerts.length
        ? [h('p', { class: 'alert', role: 'alert', text: t('reg.hits', { n: alerts.length }) }), table([
          ['alert.kind', (a) => t(`alert.${a.register}`)],
          ['alert.subject', (a) => alertLine(a)],
          ['reg.reference', (a) => ltr(a.reference, 'num')],
          ['reg.owner', (a) => ltr(a.owner_unit)],
        ], alerts, { caption: 'reg.check' })]
        : h('p', { class: 'success', role: 'status', text: t('reg.no-hit') }));
    },
  },
  field({ name: 'person.name', label: 'reg.check-name', dir: 'auto', value: ctx.query.get('name') || undefined }),
  field({ name: 'person.cin', label: 'person.cin', dir: 'ltr' }),
  field({ name: 'person.birth_date', label: 'person.birth_date', type: 'date' }),
  field({ name: 'plate', label: 'reg.plate', dir: 'auto', hint: 'reg.plate-hint', value: ctx.query.get('plate') || undefined }),
  field({ name: 'vin', label: 'reg.vin', dir: 'ltr' }),
  field({ name: 'document', label: 'reg.doc-number', dir: 'ltr' }),
  field({ name: 'purpose', label: 'persons.purpose', required: true, wide: true, dir: 'auto', hint: 'persons.purpose-hint' }));
  return [needs('POST', EP.check), h('section', { class: 'card' }, h('h2', { text: t('reg.check') }), h('p', { class: 'muted', text: t('reg.check-intro') }), f), out];
}

// groupNotices(items): the unit's hits grouped in the UI (the list API stays
// one row per hit): the same record hit again by repeated look-ups on the
// same day (local calendar day) is one line with a count; a line is unread
// while any of its hits is unread. Newest first.
export function groupNotices(items) {
  const groups = new Map();
  for (const n of items) {
    const d = new Date(n.created_at);
    const day = `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
    const rec = (n.detail && (n.detail.id || n.detail.reference)) || n.id;
    const key = `${(n.detail && n.detail.register) || n.kind}|${rec}|${day}`;
    let g = groups.get(key);
    if (!g) { g = { key, first: n, latest: n, items: [], unread: [] }; groups.set(key, g); }
    g.items.push(n);
    if (!n.read_at) g.unread.push(n.id);
    if (n.created_at > g.latest.created_at) g.latest = n;
    if (n.created_at < g.first.created_at) g.first = n;
  }
  return [...groups.values()].sort((a, b) => b.latest.created_at - a.latest.created_at);
}

// timesText(n, first): "n times the same day" with the language's plural
// (Arabic has a dual and plural classes: مرتان، 3 مرات، 11 مرة).
function timesText(n, first) {
  const cat = new Intl.PluralRules(locale()).select(n);
  return tOr(`alert.times-n.${cat}`, 'alert.times-n', { n, t: first });
}

function readCell(ctx, g) {
  if (!g.unread.length) {
    const r = g.items.find((n) => n.read_at);
    return h('span', null, badge('alert.read', 'ok'), r ? h('span', { class: 'muted small', text: fmtDateTime(r.read_at) }) : null);
  }
  const canMark = ctx && allowed('POST', EP.alertRead, ctx.user.role);
  if (!canMark) return badge('alert.unread', 'urgent');
  return h('span', null, badge('alert.unread', 'urgent'), ' ', h('button', {
    type: 'button', class: 'small mark-read',
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        for (const id of g.unread) await api('POST', fill(EP.alertRead, { id }));
        ctx.toast(t('alert.marked'));
        ctx.rerender();
      } catch (e) { ev.target.disabled = false; ctx.toast(problemText(e)); }
    },
    text: t('alert.mark-read'),
  }));
}

// notificationsTable(items, ctx): the unit's hits, grouped (groupNotices).
export function notificationsTable(items, ctx, max) {
  const groups = groupNotices(items).slice(0, max || Infinity);
  return table([
    ['alert.at', (g) => fmtDateTime(g.latest.created_at)],
    ['alert.kind', (g) => t(`alert.${(g.latest.detail && g.latest.detail.register) || 'other'}`)],
    ['alert.subject', (g) => alertLine(g.latest.detail)],
    ['reg.reference', (g) => ltr(g.latest.detail && g.latest.detail.reference, 'num')],
    ['alert.times', (g) => (g.items.length > 1 ? timesText(g.items.length, fmtTime(g.first.created_at)) : t('alert.times-1'))],
    ['alert.state', (g) => readCell(ctx, g)],
  ], groups, { caption: 'home.alerts', empty: 'home.no-alerts' });
}

export function unreadCount(items) { return groupNotices(items).filter((g) => g.unread.length).length; }

function alertsTab(ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  if (has('GET', EP.alerts)) {
    api('GET', `${EP.alerts}${qs({ limit: 200 })}`).then((d) => {
      const items = listOf(d, 'items');
      const n = unreadCount(items);
      mount(out, h('p', { class: n ? 'unread-count alert' : 'unread-count muted', text: n ? t('alert.unread-n', { n }) : t('alert.unread-none') }),
        notificationsTable(items, ctx));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  return [needs('GET', EP.alerts), h('section', { class: 'card' }, h('h2', { text: t('home.alerts') }), h('p', { class: 'muted', text: t('reg.alerts-intro') }), out)];
}

export function render(ctx) {
  const kind = ctx.params.kind;
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('nav.registers') }, h('ul', null,
    [...Object.keys(KINDS), 'check', 'alerts'].map((x) => h('li', null, h('a', { href: `/registers/${x}`, 'data-link': true, 'aria-current': x === kind ? 'page' : null, text: t(`reg.${x}`) })))));
  let body;
  if (kind === 'check') body = checkTab(ctx);
  else if (kind === 'alerts') body = alertsTab(ctx);
  else body = listTab(ctx, kind);
  return page('nav.registers', ctx, tabs, body);
}

