// commsevents.js — major events (IMF and World Bank meetings, conferences,
// matches, open days): dates, places, units involved, the security
// arrangements documented with media items (stored with their hash), and the
// coverage produced (the published activities that name the event).
import { h } from '../dom.js';
import { t, fmtDate, fmtNum } from '../i18n.js';
import { api, qs } from '../api.js';
import { allowed } from '../caps.js';
import { field, form } from '../forms.js';
import { page, table, needs, listOf, link } from '../ui.js';
import { CEP, cfill, ltr, options, strip, title } from './comms.js';

const KINDS = ['summit', 'conference', 'sport', 'open_days', 'other'];

function name(x) { return document.documentElement.lang === 'ar' ? (x.name_ar || x.name_fr) : (x.name_fr || x.name_ar); }

function eventFields(v) {
  const e = v || {};
  return [
    v ? null : field({ name: 'kind', label: 'comms_event.kind', type: 'select', required: true, options: options(KINDS, 'comms_event_kind') }),
    field({ name: 'name_ar', label: 'comms_event.name_ar', dir: 'rtl', value: e.name_ar, wide: true }),
    field({ name: 'name_fr', label: 'comms_event.name_fr', dir: 'ltr', value: e.name_fr, wide: true }),
    field({ name: 'starts_on', label: 'comms_event.starts_on', type: 'date', required: true, value: e.starts_on }),
    field({ name: 'ends_on', label: 'comms_event.ends_on', type: 'date', required: true, value: e.ends_on }),
    field({ name: 'places', label: 'comms_event.places', dir: 'auto', value: e.places, wide: true }),
    field({ name: 'units', label: 'comms_event.units', dir: 'ltr', value: (e.units || []).join(' '), hint: 'comms.units-hint', wide: true }),
    field({ name: 'arrangements', label: 'comms_event.arrangements', type: 'textarea', rows: 6, dir: 'auto', value: e.arrangements, wide: true }),
    field({ name: 'visitors', label: 'comms_event.visitors', type: 'number', min: 0, value: e.visitors }),
    field({ name: 'online_viewers', label: 'comms_event.online_viewers', type: 'number', min: 0, value: e.online_viewers }),
  ];
}

function bodyOf(v) {
  const b = strip(v);
  b.units = (v.units || '').split(/[\s,;]+/).filter(Boolean);
  return b;
}

async function list(ctx) {
  const d = await api('GET', `${CEP.events}${qs({ limit: 200 })}`);
  const add = allowed('POST', CEP.events, ctx.user.role) ? form({
    submit: 'comms.document-event', label: 'comms.new-event',
    onSubmit: async (v) => {
      const r = await api('POST', CEP.events, bodyOf(v));
      ctx.toast(t('msg.saved'));
      ctx.go(`/comms/events/${encodeURIComponent(r.id)}`);
    },
  }, eventFields(null)) : null;
  return page('comms.events', ctx, needs('GET', CEP.events),
    add ? h('section', { class: 'card' }, h('details', { class: 'add' }, h('summary', { text: t('comms.new-event') }), add)) : null,
    h('section', { class: 'card' }, h('h2', { text: t('comms.events') }), table([
      ['comms_activity.number', (x) => link(`/comms/events/${encodeURIComponent(x.id)}`, x.number, 'num')],
      ['comms.name', (x) => h('bdi', { text: name(x) })],
      ['comms_event.kind', (x) => t(`comms_event_kind.${x.kind}`)],
      ['comms_event.starts_on', (x) => fmtDate(x.starts_on)],
      ['comms_event.ends_on', (x) => fmtDate(x.ends_on)],
      ['comms_event.places', (x) => h('bdi', { text: x.places || '—' })],
    ], listOf(d, 'events'), { caption: 'comms.events', empty: 'comms.no-events' })));
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

async function one(ctx) {
  const e = await api('GET', cfill(CEP.event, ctx.params.id));
  const write = allowed('PATCH', CEP.event, ctx.user.role);
  return page('comms.event', ctx,
    h('p', { class: 'back no-print' }, link('/comms/events', t('comms.back-events'))),
    h('section', { class: 'card' }, h('h2', null, h('bdi', { text: name(e) }), ' ', ltr(e.number, 'num')),
      h('dl', { class: 'facts' },
        h('dt', { text: t('comms_event.kind') }), h('dd', { text: t(`comms_event_kind.${e.kind}`) }),
        h('dt', { text: t('comms.dates') }), h('dd', { text: `${fmtDate(e.starts_on)} — ${fmtDate(e.ends_on)}` }),
        h('dt', { text: t('comms_event.places') }), h('dd', { dir: 'auto', text: e.places || '—' }),
        h('dt', { text: t('comms_event.units') }), h('dd', { dir: 'ltr', text: (e.units || []).join(', ') || '—' }),
        e.visitors !== null && e.visitors !== undefined ? [h('dt', { text: t('comms_event.visitors') }), h('dd', { class: 'num', text: fmtNum(e.visitors) })] : null,
        e.online_viewers !== null && e.online_viewers !== undefined ? [h('dt', { text: t('comms_event.online_viewers') }), h('dd', { class: 'num', text: fmtNum(e.online_viewers) })] : null,
        h('dt', { text: t('comms_event.arrangements') }), h('dd', { class: 'prose', dir: 'auto', text: e.arrangements || '—' }))),
    h('section', { class: 'card' }, h('h2', { text: t('comms.media') }), table([
      ['comms.file-name', (m) => h('a', { href: cfill(CEP.file, m.id), text: m.name })],
      ['comms.caption', (m) => h('bdi', { text: m.caption || '—' })],
      ['comms.type', (m) => ltr(m.media_type)],
      ['comms.size', (m) => h('span', { class: 'num', text: fmtNum(m.size) })],
      ['comms.seal-hash', (m) => h('span', { dir: 'ltr', class: 'hash', text: m.hash })],
    ], e.media || [], { caption: 'comms.media', empty: 'comms.no-media' }),
    write ? h('details', { class: 'add no-print' }, h('summary', { text: t('comms.add-media') }), form({
      submit: 'act.add', label: 'comms.add-media',
      onSubmit: async (v, f) => {
        const file = f.querySelector('input[type=file]').files[0];
        await api('POST', cfill(CEP.eventMedia, e.id), { name: file.name, media_type: file.type || 'application/octet-stream', data: await readFile(file), caption: v.caption || undefined });
        ctx.toast(t('msg.saved'));
        ctx.rerender();
      },
    }, h('div', { class: 'field wide', 'data-field': 'data' }, h('label', { for: `media-${e.id}`, text: t('comms.archive-file') }),
      h('input', { id: `media-${e.id}`, type: 'file', accept: 'image/png,image/jpeg,image/webp,image/gif,application/pdf,video/mp4', required: true }),
      h('p', { class: 'hint', text: t('comms.archive-hint') })),
    field({ name: 'caption', label: 'comms.caption', dir: 'auto', wide: true }))) : null),
    h('section', { class: 'card' }, h('h2', { text: t('comms.coverage') }), table([
      ['comms_activity.number', (a) => link(`/comms/activities/${encodeURIComponent(a.id)}`, a.number, 'num')],
      ['comms_activity.date', (a) => fmtDate(a.date)],
      ['comms_activity.kind', (a) => t(`comms_kind.${a.kind}`)],
      ['comms.title', (a) => title(a)],
    ], e.coverage || [], { caption: 'comms.coverage', empty: 'comms.no-coverage' })),
    write ? h('section', { class: 'card no-print' }, h('details', { class: 'add' }, h('summary', { text: t('comms.edit-event') }), form({
      submit: 'act.save', label: 'comms.edit-event',
      onSubmit: async (v) => { await api('PATCH', cfill(CEP.event, e.id), bodyOf(v)); ctx.toast(t('msg.saved')); ctx.rerender(); },
    }, eventFields(e)))) : null);
}

export async function render(ctx) {
  const miss = needs('GET', CEP.events);
  if (miss) return page('comms.events', ctx, miss);
  return ctx.params.id ? one(ctx) : list(ctx);
}
