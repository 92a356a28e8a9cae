// admin.js — administration: users (list, create, enable/disable with a
// reason), units (the organisation tree) and reference data.
import { h, mount } from '../dom.js';
import { t, getLang, problemText } from '../i18n.js';
import { api } from '../api.js';
import { field, form } from '../forms.js';
import { page, table, block, badge, link, needs, listOf, pick } from '../ui.js';
import { has, allowed } from '../caps.js';

const ROLES = ['admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor', 'communication', 'comm_head'];

function unitName(u) { return u ? (getLang() === 'ar' ? u.name_ar : u.name_fr) : '—'; }

function tabs(cur, withSettings) {
  return h('nav', { class: 'tabs', 'aria-label': t('nav.admin') }, h('ul', null,
    [['/admin', 'admin.users', 'users'], ['/admin/units', 'admin.units', 'units'], ['/admin/reference', 'admin.reference', 'reference'],
      ...(withSettings ? [['/admin/settings', 'admin.settings', 'settings']] : [])]
      .map(([href, k, id]) => h('li', null, h('a', { href, 'data-link': true, 'aria-current': cur === id ? 'page' : null, text: t(k) })))));
}

async function usersBlock(ctx, units) {
  const data = await api('GET', '/api/v1/users');
  const canEdit = ctx.user.role === 'admin';
  return table([
    ['admin.badge', (u) => h('span', { dir: 'ltr', text: u.badge })],
    ['admin.name', (u) => u.name],
    ['admin.role', (u) => t(`role.${u.role}`)],
    ['admin.unit', (u) => unitName(u.unit)],
    ['admin.status', (u) => [badge(`status.${u.status}`, u.status === 'active' ? 'ok' : 'warn'), u.locked ? badge('admin.locked', 'warn') : null]],
    ['admin.actions', (u) => (canEdit && u.badge !== ctx.user.badge ? statusButton(ctx, u) : '')],
  ], data.users, { caption: 'admin.users' });
}

function statusButton(ctx, u) {
  const next = u.status === 'active' ? 'disabled' : 'active';
  return h('button', {
    type: 'button', class: 'small', text: t(next === 'disabled' ? 'admin.disable' : 'admin.enable'),
    onclick: () => {
      const dlg = h('dialog', { 'aria-labelledby': 'st-title' });
      const f = form({
        submit: next === 'disabled' ? 'admin.disable' : 'admin.enable',
        extra: h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); }, text: t('act.cancel') }),
        onSubmit: async (v) => {
          await api('PATCH', `/api/v1/users/${encodeURIComponent(u.badge)}`, { status: next, reason: v.reason });
          dlg.close(); dlg.remove();
          ctx.toast(t('msg.saved'));
          ctx.rerender();
        },
      }, field({ name: 'reason', label: 'field.reason', type: 'textarea', required: true, wide: true }));
      mount(dlg, h('h2', { id: 'st-title', text: `${t(next === 'disabled' ? 'admin.disable' : 'admin.enable')} — ${u.name}` }), f);
      document.body.appendChild(dlg);
      dlg.showModal();
    },
  });
}

function createUser(ctx, units) {
  return form({
    submit: 'admin.create', label: 'admin.new-user', draft: `${ctx.user.badge}.admin.user`,
    onSubmit: async (v, f) => {
      await api('POST', '/api/v1/users', v);
      f.reset();
      ctx.toast(t('admin.created', { badge: v.badge }));
      ctx.rerender();
    },
  },
  field({ name: 'badge', label: 'admin.badge', required: true, dir: 'ltr' }),
  field({ name: 'name', label: 'admin.name', required: true }),
  field({ name: 'role', label: 'admin.role', type: 'select', required: true, options: ROLES.map((r) => [r, `role.${r}`]) }),
  field({ name: 'unit', label: 'admin.unit', type: 'select', required: true, options: units.map((u) => [u.code, `${u.code} — ${unitName(u)}`, true]) }),
  field({ name: 'password', label: 'admin.password', type: 'password', required: true, autocomplete: 'new-password', hint: 'settings.new-hint' }),
  field({ name: 'lang', label: 'settings.lang', type: 'select', options: [['ar', 'العربية', true], ['fr', 'Français', true]] }));
}

function unitTree(units) {
  const kids = new Map();
  for (const u of units) {
    const p = u.parent || '';
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

const REF = [
  ['ref.offences', '/api/v1/offences', 'offences'],
  ['ref.custody-rules', '/api/v1/custody-rules', 'rules'],
];

// settingsBlock: the database settings (GET/PUT /api/v1/settings), each with
// its sentence from the server's catalogue, default, range and unit.
async function settingsBlock(ctx) {
  const d = await api('GET', '/api/v1/settings');
  return h('ul', { class: 'settings-list' }, (d.settings || []).map((s) => h('li', { class: 'card' },
    h('h3', { dir: 'ltr', text: s.key }),
    h('p', { text: getLang() === 'ar' ? s.summary_ar : s.summary_fr }),
    h('p', { class: 'muted', text: t('admin.setting-range', { d: s.default, min: s.min, max: s.max, unit: getLang() === 'ar' ? s.unit_ar : s.unit_fr }) }),
    form({
      submit: 'act.save', label: 'admin.setting-value',
      onSubmit: async (v) => {
        await api('PUT', `/api/v1/settings/${encodeURIComponent(s.key)}`, { value: v.value });
        ctx.toast(t('admin.setting-saved', { key: s.key }));
        ctx.rerender();
      },
    }, field({ name: 'value', label: 'admin.setting-value', type: 'number', required: true, value: String(s.value), min: s.min, max: s.max, step: 1, dir: 'ltr' })))));
}

export async function render(ctx) {
  const tab = ctx.params.tab || 'users';
  const withSettings = allowed('GET', '/api/v1/settings', ctx.user.role);
  if (tab === 'settings') {
    return page('admin.settings', ctx, tabs(tab, withSettings), withSettings ? block('admin.settings', () => settingsBlock(ctx))
      : h('section', { class: 'card' }, needs('GET', '/api/v1/settings')));
  }
  const unitsData = await api('GET', '/api/v1/units');
  const units = unitsData.units || [];
  if (tab === 'units') {
    return page('admin.units', ctx, tabs(tab, withSettings), h('section', { class: 'card' }, unitTree(units)));
  }
  if (tab === 'reference') {
    return page('admin.reference', ctx, tabs(tab, withSettings), REF.map(([k, path, key]) => (has('GET', path)
      ? block(k, async () => {
        const d = await api('GET', path);
        return table([
          ['ref.code', (r) => h('span', { dir: 'ltr', text: pick(r, 'code', 'article', 'id') })],
          ['ref.label', (r) => (getLang() === 'ar' ? pick(r, 'label_ar', 'name_ar') : pick(r, 'label_fr', 'name_fr')) || '—'],
          ['ref.class', (r) => (r.class ? t(`class.${r.class}`) : '—')],
          ['ref.effective', (r) => pick(r, 'effective_from', 'from') || '—'],
        ], listOf(d, key));
      })
      : h('section', { class: 'card' }, h('h2', { text: t(k) }), needs('GET', path)))));
  }
  const canCreate = ctx.user.role === 'admin';
  return page('admin.users', ctx, tabs(tab, withSettings),
    block('admin.users', () => usersBlock(ctx, units)),
    canCreate ? h('section', { class: 'card' }, h('h2', { text: t('admin.new-user') }), createUser(ctx, units)) : null);
}
