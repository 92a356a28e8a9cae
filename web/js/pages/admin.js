// admin.js — administration: users (list, create, enable/disable with a
// reason), units (the organisation tree) and reference data.
import { h, mount } from '../dom.js';
import { t, getLang, fmtDate } from '../i18n.js';
import { api } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, block, badge, needs, listOf } from '../ui.js';
import { has, allowed } from '../caps.js';
import { schemaForm } from '../schema.js';
import { EP, fill } from '../endpoints.js';
import { dialog } from '../confirm.js';

// the designation of an OPJ charged with minors (CPP 460; issue 17)
const MINORS_OFFICER = '/api/v1/users/{badge}/minors-officer';
const MINORS_OFFICERS = '/api/v1/minors-officers';

function unitName(u) { return u ? (getLang() === 'ar' ? u.name_ar : u.name_fr) : '—'; }

function tabs(cur, withSettings) {
  return h('nav', { class: 'tabs', 'aria-label': t('nav.admin') }, h('ul', null,
    [['/admin', 'admin.users', 'users'], ['/admin/units', 'admin.units', 'units'], ['/admin/reference', 'admin.reference', 'reference'],
      ...(withSettings ? [['/admin/settings', 'admin.settings', 'settings']] : [])]
      .map(([href, k, id]) => h('li', null, h('a', { href, 'data-link': true, 'aria-current': cur === id ? 'page' : null, text: t(k) })))));
}

async function usersBlock(ctx, units) {
  const data = await api('GET', EP.users);
  // the OPJs charged with minors (CPP 460; issue 17): since when, the designation's reference
  const minors = new Map();
  if (allowed('GET', MINORS_OFFICERS, ctx.user.role)) {
    const m = await api('GET', MINORS_OFFICERS).catch(() => ({ officers: [] }));
    for (const o of (m.officers || [])) minors.set(o.badge, o);
  }
  const canEdit = allowed('PATCH', EP.user, ctx.user.role);
  return table([
    ['admin.name', (u) => h('bdi', { text: u.name })],
    ['admin.badge', (u) => h('bdi', { dir: 'ltr', text: u.badge })],
    ['admin.role', (u) => t(`role.${u.role}`)],
    ['admin.unit', (u) => unitName(u.unit)],
    ['admin.minors-officer', (u) => (minors.has(u.badge)
      ? h('span', { class: 'minors-officer' }, t('admin.minors-officer-since', { d: fmtDate(minors.get(u.badge).since) }), ' ',
        h('bdi', { dir: 'ltr', class: 'muted', text: minors.get(u.badge).decision_ref }))
      : '—')],
    ['admin.status', (u) => [badge(`status.${u.status}`, u.status === 'active' ? 'ok' : 'warn'), u.locked ? badge('admin.locked', 'warn') : null]],
    ['admin.actions', (u) => [canEdit && u.badge !== ctx.user.badge ? statusButton(ctx, u) : '',
      (u.opj || u.role === 'opj') && allowed('POST', MINORS_OFFICER, ctx.user.role) ? minorsButton(ctx, u) : null]],
  ], data.users, { caption: 'admin.users' });
}

function minorsButton(ctx, u) {
  const url = fill(MINORS_OFFICER, { badge: u.badge });
  return h('button', {
    type: 'button', class: 'small', text: t('proc_minor_officer.title'),
    onclick: () => dialog('proc_minor_officer.title', (close) => {
      const sf = schemaForm('POST', url, ['since', 'decision_ref'], { decision_ref: { dir: 'ltr' } });
      return form({
        submit: 'act.save', check: sf.check, extra: h('button', { type: 'button', onclick: close, text: t('act.cancel') }),
        onSubmit: async (v) => { await api('POST', url, sf.body(v)); close(); ctx.toast(t('msg.saved')); ctx.rerender(); },
      }, sf.fields);
    }),
  });
}

function statusButton(ctx, u) {
  const next = u.status === 'active' ? 'disabled' : 'active';
  return h('button', {
    type: 'button', class: 'small', text: t(next === 'disabled' ? 'admin.disable' : 'admin.enable'),
    onclick: () => {
      const dlg = h('dialog', { 'aria-labelledby': 'st-title' });
      const url = fill(EP.user, { badge: u.badge });
      const sf = schemaForm('PATCH', url, ['reason'], { reason: { wide: true, dir: 'auto' } });
      const f = form({
        submit: next === 'disabled' ? 'admin.disable' : 'admin.enable', check: sf.check,
        extra: h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); }, text: t('act.cancel') }),
        onSubmit: async (v) => {
          await api('PATCH', url, sf.body(v, { status: next }));
          dlg.close(); dlg.remove();
          ctx.toast(t('msg.saved'));
          ctx.rerender();
        },
      }, sf.fields);
      mount(dlg, h('h2', { id: 'st-title', text: `${t(next === 'disabled' ? 'admin.disable' : 'admin.enable')} — ${u.name}` }), f);
      document.body.appendChild(dlg);
      dlg.showModal();
    },
  });
}

// createUser: no role and no unit are chosen for the administrator (safe
// defaults): each must be picked.
function createUser(ctx, units) {
  const sf = schemaForm('POST', EP.users, ['badge', 'name', 'role', 'unit', 'password', 'lang'], {
    badge: { dir: 'ltr' }, name: { dir: 'auto' },
    unit: { type: 'select', options: [['', 'msg.choose'], ...units.map((u) => [u.code, `${u.code} — ${unitName(u)}`, true])] },
    password: { type: 'password', autocomplete: 'new-password', hint: 'settings.new-hint' },
  });
  return form({
    submit: 'admin.create', label: 'admin.new-user', draft: `${ctx.user.badge}.admin.user`, check: sf.check,
    onSubmit: async (v, f) => {
      await api('POST', EP.users, sf.body(v));
      f.reset();
      ctx.toast(t('admin.created', { badge: v.badge }));
      ctx.rerender();
    },
  }, sf.fields);
}

function unitTree(units) {
  const kids = new Map();
  for (const u of units) {
    const p = 'parent' in u ? u.parent : ''; // absent for the root
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(u);
  }
  const branch = (p) => {
    const list = kids.get(p);
    if (!list) return null;
    return h('ul', { class: 'tree' }, list.map((u) => h('li', null,
      h('span', { class: 'code', dir: 'ltr', text: u.code }), ' ', unitName(u), ' ', h('span', { class: 'muted', text: `(${t(`unit.${u.kind}`)})` }),
      branch(u.code))));
  };
  return branch('');
}

// reference rows: offences carry label_*, custody rules a regime; dates of
// reference data are dates (issue 18), in the page's language.
function refLabel(r) {
  if ('label_ar' in r) return (getLang() === 'ar' ? r.label_ar : r.label_fr) || '—';
  if ('regime' in r) return t(`regime.${r.regime}`);
  return '—';
}
function refDate(r) {
  const v = 'effective_from' in r ? r.effective_from : null;
  return v ? fmtDate(typeof v === 'number' ? v : `${v}T12:00:00`) : '—';
}

const REF = [
  ['ref.offences', '/api/v1/offences', 'offences'],
  ['ref.custody-rules', '/api/v1/custody-rules', 'rules'],
];

// settingsBlock: the database settings (GET/PUT /api/v1/settings), each with
// its sentence from the server's catalogue, default, range and unit.
async function settingsBlock(ctx) {
  const d = await api('GET', EP.settings);
  return h('ul', { class: 'settings-list' }, (d.settings || []).map((s) => h('li', { class: 'card' },
    h('h3', { dir: 'ltr', text: s.key }),
    h('p', { text: getLang() === 'ar' ? s.summary_ar : s.summary_fr }),
    h('p', { class: 'muted', text: t('admin.setting-range', { d: s.default, min: s.min, max: s.max, unit: getLang() === 'ar' ? s.unit_ar : s.unit_fr }) }),
    form({
      submit: 'act.save', label: 'admin.setting-value',
      onSubmit: async (v) => {
        await api('PUT', fill(EP.setting, { key: s.key }), { value: v.value });
        ctx.toast(t('admin.setting-saved', { key: s.key }));
        ctx.rerender();
      },
    }, field({ name: 'value', label: 'admin.setting-value', type: 'number', required: true, value: String(s.value), min: s.min, max: s.max, step: 1, dir: 'ltr' })))));
}

export async function render(ctx) {
  const tab = ctx.params.tab || 'users';
  const withSettings = allowed('GET', EP.settings, ctx.user.role);
  if (tab === 'settings') {
    return page('admin.settings', ctx, tabs(tab, withSettings), withSettings ? block('admin.settings', () => settingsBlock(ctx))
      : h('section', { class: 'card' }, needs('GET', EP.settings)));
  }
  const unitsData = await api('GET', EP.units);
  const units = unitsData.units || [];
  if (tab === 'units') {
    return page('admin.units', ctx, tabs(tab, withSettings), h('section', { class: 'card' }, unitTree(units)));
  }
  if (tab === 'reference') {
    return page('admin.reference', ctx, tabs(tab, withSettings), REF.map(([k, path, key]) => (has('GET', path)
      ? block(k, async () => {
        const d = await api('GET', path);
        return table([
          ['ref.code', (r) => h('bdi', { dir: 'ltr', text: r.code })],
          ['ref.label', (r) => h('bdi', { text: refLabel(r) })],
          ['ref.class', (r) => ('class' in r && r.class ? t(`class.${r.class}`) : '—')],
          ['ref.effective', (r) => refDate(r)],
        ], listOf(d, key));
      })
      : h('section', { class: 'card' }, h('h2', { text: t(k) }), needs('GET', path)))));
  }
  const canCreate = allowed('POST', EP.users, ctx.user.role);
  return page('admin.users', ctx, tabs(tab, withSettings),
    block('admin.users', () => usersBlock(ctx, units)),
    canCreate ? h('section', { class: 'card' }, h('h2', { text: t('admin.new-user') }), createUser(ctx, units)) : null);
}
