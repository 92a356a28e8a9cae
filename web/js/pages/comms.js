// comms.js — the register of security communication (issue 15): the
// activities of my unit and below (communiqués, press items, truth
// statements, filmed reports...), filtered by kind, status and year, and a
// new draft. Shared by the other comms pages: the routes, the value lists and
// the small pieces they all show.
import { h, mount } from '../dom.js';
import { t, getLang, fmtDate, fmtDateTime, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { field, form } from '../forms.js';
import { page, table, pager, needs, listOf, link, badge } from '../ui.js';

export const CEP = {
  activities: '/api/v1/comms/activities',
  activity: '/api/v1/comms/activities/{id}',
  review: '/api/v1/comms/activities/{id}/review',
  pii: '/api/v1/comms/activities/{id}/pii',
  approve: '/api/v1/comms/activities/{id}/approve',
  publish: '/api/v1/comms/activities/{id}/publish',
  cancel: '/api/v1/comms/activities/{id}/cancel',
  corrections: '/api/v1/comms/activities/{id}/corrections',
  print: '/api/v1/comms/activities/{id}/print',
  engagement: '/api/v1/comms/activities/{id}/engagement',
  engagementImport: '/api/v1/comms/activities/{id}/engagement/import',
  links: '/api/v1/comms/case-links',
  claims: '/api/v1/comms/claims',
  claim: '/api/v1/comms/claims/{id}',
  claimStatus: '/api/v1/comms/claims/{id}/status',
  claimDuplicate: '/api/v1/comms/claims/{id}/duplicate',
  claimArchive: '/api/v1/comms/claims/{id}/archive',
  claimReview: '/api/v1/comms/claims/{id}/claimreview',
  crises: '/api/v1/comms/crises',
  board: '/api/v1/comms/crises/{id}/board',
  crisisClose: '/api/v1/comms/crises/{id}/close',
  file: '/api/v1/comms/files/{id}',
  events: '/api/v1/comms/events',
  event: '/api/v1/comms/events/{id}',
  eventMedia: '/api/v1/comms/events/{id}/media',
  bilan: '/api/v1/comms/bilan',
};

export function cfill(tpl, id) { return tpl.replace('{id}', encodeURIComponent(id)); }

export const KINDS = ['communique', 'press_item', 'truth_statement', 'filmed_report', 'awareness', 'interview', 'event_coverage', 'open_days'];
export const STATUSES = ['draft', 'reviewed', 'approved', 'published', 'cancelled'];
export const CHANNELS = ['press', 'tv', 'radio', 'website', 'facebook', 'instagram', 'x', 'youtube', 'tiktok'];
export const CLAIM_STATUSES = ['received', 'verifying', 'false', 'misleading', 'true', 'unverifiable'];
export const PLATFORMS = ['facebook', 'instagram', 'x', 'tiktok', 'youtube', 'whatsapp', 'telegram', 'website', 'other'];

const STATUS_STYLE = { draft: 'warn', reviewed: 'under_investigation', approved: 'under_investigation', published: 'ok', cancelled: 'cancelled' };
const CLAIM_STYLE = { received: 'warn', verifying: 'under_investigation', false: 'overdue', misleading: 'urgent', true: 'ok', unverifiable: '' };

export function statusBadge(s) { return badge(`comms_status.${s}`, STATUS_STYLE[s] || ''); }
export function claimBadge(s) { return badge(`comms_claim_status.${s}`, CLAIM_STYLE[s] || ''); }
export const ltr = (v, cls) => h('span', { dir: 'ltr', class: cls || null, text: v || '—' });
export function title(a) {
  const first = getLang() === 'ar' ? [a.title_ar, a.title_fr] : [a.title_fr, a.title_ar];
  return h('bdi', { text: first[0] || first[1] || a.title_zgh || '—' });
}
export function isComms(role) { return role === 'communication' || role === 'comm_head'; }

// activitiesTable(rows): the register's rows, each opening its activity.
export function activitiesTable(rows, opts) {
  return table([
    ['comms_activity.number', (a) => link(`/comms/activities/${encodeURIComponent(a.id)}`, a.number, 'num')],
    ['comms_activity.date', (a) => fmtDate(a.date)],
    ['comms_activity.kind', (a) => t(`comms_kind.${a.kind}`)],
    ['comms.title', (a) => title(a)],
    ['comms_activity.status', (a) => [statusBadge(a.status), a.imported ? badge('comms.imported', '') : null, a.version > 1 ? badge('comms.correction', 'urgent') : null]],
    ['comms_activity.media_partner', (a) => h('bdi', { text: a.media_partner || '—' })],
  ], rows, { caption: 'comms.register', empty: 'comms.none', ...(opts || {}) });
}

// options(list, prefix): [value, label key] pairs with an empty first choice.
export function options(list, prefix, empty) {
  return [['', empty || 'msg.choose'], ...list.map((x) => [x, `${prefix}.${x}`])];
}

// channelBoxes(prefix, checked): one checkbox per channel, named prefix.<channel>.
export function channelBoxes(prefix, checked) {
  return h('fieldset', { class: 'wide channels' }, h('legend', { text: t('comms_activity.channels') }),
    h('div', { class: 'grid' }, CHANNELS.map((c) => field({ name: `${prefix}.${c}`, label: `comms_channel.${c}`, type: 'checkbox', value: (checked || []).includes(c) }))));
}

export function channelsFrom(v, prefix) {
  return CHANNELS.filter((c) => v[`${prefix}.${c}`]);
}

// strip(v): the object without empty strings (forms give "" for untouched fields).
export function strip(v) {
  const o = {};
  for (const [k, x] of Object.entries(v)) if (x !== '' && x !== undefined && !k.includes('.')) o[k] = x;
  return o;
}

async function choices() {
  const [claims, links, events] = await Promise.all([
    has('GET', CEP.claims) ? api('GET', `${CEP.claims}${qs({ limit: 200 })}`).catch(() => ({ claims: [] })) : { claims: [] },
    has('GET', CEP.links) ? api('GET', `${CEP.links}${qs({ limit: 200 })}`).catch(() => ({ links: [] })) : { links: [] },
    has('GET', CEP.events) ? api('GET', `${CEP.events}${qs({ limit: 200 })}`).catch(() => ({ events: [] })) : { events: [] },
  ]);
  const open = listOf(claims, 'claims').filter((c) => !c.duplicate_of && !c.answer_id && ['false', 'misleading'].includes(c.status));
  return { claims: open, links: listOf(links, 'links'), events: listOf(events, 'events') };
}

// draftFields: the fields of an activity (a new one, or a draft being edited).
export function draftFields(c, a, withKind) {
  const v = a || {};
  return [
    withKind ? field({ name: 'kind', label: 'comms_activity.kind', type: 'select', required: true, value: v.kind || '', options: options(KINDS, 'comms_kind') }) : null,
    field({ name: 'date', label: 'comms_activity.date', type: 'date', required: true, value: v.date }),
    field({ name: 'title_ar', label: 'comms_activity.title_ar', dir: 'rtl', value: v.title_ar, wide: true }),
    field({ name: 'title_fr', label: 'comms_activity.title_fr', dir: 'ltr', value: v.title_fr, wide: true }),
    field({ name: 'text_ar', label: 'comms_activity.text_ar', type: 'textarea', rows: 6, dir: 'rtl', value: v.text_ar, wide: true }),
    field({ name: 'text_fr', label: 'comms_activity.text_fr', type: 'textarea', rows: 6, dir: 'ltr', value: v.text_fr, wide: true }),
    h('details', { class: 'add inline wide' }, h('summary', { text: t('comms.amazigh') }), h('div', { class: 'grid' },
      field({ name: 'title_zgh', label: 'comms_activity.title_zgh', dir: 'auto', value: v.title_zgh, wide: true }),
      field({ name: 'text_zgh', label: 'comms_activity.text_zgh', type: 'textarea', rows: 4, dir: 'auto', value: v.text_zgh, wide: true }))),
    channelBoxes('ch', v.channels),
    field({ name: 'media_partner', label: 'comms_activity.media_partner', dir: 'auto', value: v.media_partner, hint: 'comms.partner-hint' }),
    field({ name: 'topic', label: 'comms_activity.topic', dir: 'auto', value: v.topic }),
    withKind ? field({ name: 'claim_id', label: 'comms_activity.claim_id', type: 'select', hint: 'comms.claim-hint',
      options: [['', 'msg.choose'], ...c.claims.map((x) => [x.id, `${x.number} — ${(x.content || '').slice(0, 60)}`, true])] }) : null,
    field({ name: 'case_link_id', label: 'comms_activity.case_link_id', type: 'select', value: v.case_link_id || '', hint: 'comms.link-hint',
      options: [['', 'msg.choose'], ...c.links.map((x) => [x.id, `${x.case_number} — ${(x.summary_fr || x.summary_ar || '').slice(0, 60)}`, true])] }),
    field({ name: 'event_id', label: 'comms_activity.event_id', type: 'select', value: v.event_id || '',
      options: [['', 'msg.choose'], ...c.events.map((x) => [x.id, `${x.name_fr || x.name_ar} (${x.starts_on})`, true])] }),
  ];
}

export { choices };

function newDraft(ctx, c) {
  return form({
    submit: 'comms.save-draft', label: 'comms.new', draft: `${ctx.user.badge}.comms.new`,
    onSubmit: async (v) => {
      const body = { ...strip(v), channels: channelsFrom(v, 'ch') };
      const r = await api('POST', CEP.activities, body);
      ctx.toast(t('comms.draft-saved', { n: r.number }));
      ctx.go(`/comms/activities/${encodeURIComponent(r.id)}`);
    },
  }, draftFields(c, null, true));
}

const LIMIT = 50;

export async function render(ctx) {
  const q = ctx.query;
  const kind = KINDS.includes(q.get('kind')) ? q.get('kind') : '';
  const status = STATUSES.includes(q.get('status')) ? q.get('status') : '';
  const year = /^\d{4}$/.test(q.get('year') || '') ? q.get('year') : '';
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const url = (o) => `/comms${qs({ kind, status, year, offset: o || undefined })}`;
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  if (has('GET', CEP.activities)) {
    api('GET', `${CEP.activities}${qs({ kind, status, year, limit: LIMIT, offset })}`).then((d) => {
      const rows = listOf(d, 'activities');
      mount(out, activitiesTable(rows), pager(offset, LIMIT, rows.length, (o) => ctx.go(url(o))));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  const filter = form({
    submit: 'act.filter', label: 'act.filter', class: 'filters',
    onSubmit: async (v) => { ctx.go(`/comms${qs({ kind: v.kind, status: v.status, year: v.year })}`); },
  },
  field({ name: 'kind', label: 'comms_activity.kind', type: 'select', value: kind, options: options(KINDS, 'comms_kind', 'msg.all') }),
  field({ name: 'status', label: 'comms_activity.status', type: 'select', value: status, options: options(STATUSES, 'comms_status', 'msg.all') }),
  field({ name: 'year', label: 'comms.year', type: 'number', value: year, min: 2000, max: 2100 }));
  const canNew = allowed('POST', CEP.activities, ctx.user.role);
  const c = canNew ? await choices() : null;
  return page('comms.register', ctx,
    needs('GET', CEP.activities),
    h('p', { class: 'lead', text: t('comms.register-intro') }),
    canNew ? h('section', { class: 'card' }, h('details', { class: 'add', id: 'new-activity', open: q.get('new') ? true : null },
      h('summary', { text: t('comms.new') }), newDraft(ctx, c))) : null,
    h('section', { class: 'card' }, h('h2', { text: t('comms.register') }), filter, out));
}

// commsHome(ctx): the home page's blocks for communication users.
export function commsHome(ctx) {
  const blocks = [];
  if (has('GET', CEP.activities)) {
    const body = h('div', null, h('p', { class: 'muted', text: t('msg.loading') }));
    api('GET', `${CEP.activities}${qs({ status: 'reviewed', limit: 10 })}`).then((d) => mount(body,
      h('h3', { text: t('comms.waiting-approval') }), activitiesTable(listOf(d, 'activities'), { empty: 'comms.nothing-waiting' }),
      link('/comms', t('comms.open-register'), 'more'))).catch((e) => mount(body, h('p', { class: 'alert', text: problemText(e) })));
    blocks.push(h('section', { class: 'card' }, h('h2', { text: t('comms.register') }), body));
  }
  if (has('GET', CEP.crises)) {
    const body = h('div', null, h('p', { class: 'muted', text: t('msg.loading') }));
    api('GET', CEP.crises).then((d) => {
      const active = listOf(d, 'crises').filter((x) => x.status === 'active');
      mount(body, active.length ? h('ul', null, active.map((x) => h('li', null,
        link(`/comms/crises/${encodeURIComponent(x.id)}`, getLang() === 'ar' ? x.name_ar : x.name_fr), ' — ', fmtDate(x.started_on))))
        : h('p', { class: 'empty', text: t('comms.no-active-crisis') }), link('/comms/crises', t('comms.all-crises'), 'more'));
    }).catch((e) => mount(body, h('p', { class: 'alert', text: problemText(e) })));
    blocks.push(h('section', { class: 'card' }, h('h2', { text: t('comms.active-crises') }), body));
  }
  blocks.push(h('section', { class: 'card' }, h('h2', { text: t('nav.comms-bilan') }),
    h('p', { text: t('comms.bilan-intro') }), link('/comms/bilan', t('comms.open-bilan'), 'more')));
  return blocks;
}

export { fmtDateTime };
