// register.js — the legal custody register of my unit (CPP 66, décret
// 2.22.222): one numbered page per person held, its questioning sessions,
// rest periods, meals, visits and the rights notified (time, language,
// signature or refusal), and the register printed in the legal form in
// Arabic and French. The periods and rights are recorded from a custody's
// page with forms built from their routes' schemas.
import { h, mount } from '../dom.js';
import { t, fmtDateTime, fmtDuration, problemText } from '../i18n.js';
import { api } from '../api.js';
import { allowed } from '../caps.js';
import { form } from '../forms.js';
import { schemaForm } from '../schema.js';
import { page, needs, table, badge } from '../ui.js';

export const PROC = {
  register: '/api/v1/units/{code}/custody-register',
  print: '/api/v1/units/{code}/custody-register.html',
  entry: '/api/v1/custody/{id}/register',
  sessions: '/api/v1/custody/{id}/sessions',
  rights: '/api/v1/custody/{id}/rights',
  courante: '/api/v1/units/{code}/main-courante',
  courantePrint: '/api/v1/units/{code}/main-courante.html',
  couranteSeal: '/api/v1/units/{code}/main-courante/seal',
};
export const at = (tpl, k, v) => tpl.replace(`{${k}}`, encodeURIComponent(v));

function name(k) {
  return [k.last_name_lat, k.first_name_lat].filter(Boolean).join(' ') || [k.last_name_ar, k.first_name_ar].filter(Boolean).join(' ');
}

// entryView: one page of the register, with the forms to add a period and a right.
function entryView(ctx, en, reload) {
  const k = en.custody;
  const id = k.id;
  const kids = [
    h('h3', null, `${t('proc_register_entry.page')} ${en.page} — `, h('bdi', { text: name(k) })),
    h('p', null, t('custody.condition_on_entry'), ' : ', h('bdi', { text: k.condition_on_entry || '—' }), ' · ',
      t('custody.condition_on_exit'), ' : ', h('bdi', { text: k.condition_on_exit || '—' })),
    h('p', null, t('proc_register_entry.questioning_ms'), ' : ', fmtDuration(en.questioning_ms), ' · ',
      t('proc_register_entry.rest_ms'), ' : ', fmtDuration(en.rest_ms), ' · ',
      en.rights_missing ? badge('proc_register_entry.rights_missing', 'warn') : badge('procreg.rights', 'ok'),
      en.rights_missing ? ` ${en.rights_missing}` : ''),
    table([
      ['proc_session.kind', (s) => t(`session_kind.${s.kind}`)],
      ['proc_session.started_at', (s) => fmtDateTime(s.started_at)],
      ['proc_session.ended_at', (s) => fmtDateTime(s.ended_at)],
      ['proc_session.note', (s) => h('bdi', { text: s.note || '' })],
      ['proc_session.guardian_present', (s) => h('bdi', { text: s.guardian_present || '' })],
    ], en.sessions, { caption: 'procreg.sessions', empty: 'msg.empty' }),
    table([
      ['proc_right.right_kind', (r) => t(`right_kind.${r.right_kind}`)],
      ['proc_right.notified_at', (r) => fmtDateTime(r.notified_at)],
      ['proc_right.language', (r) => t(`right_language.${r.language}`)],
      ['proc_right.signed_by_person', (r) => (r.signed_by_person ? t('procreg.signed') : h('bdi', { text: r.refusal_reason || '' }))],
    ], en.rights, { caption: 'procreg.rights', empty: 'msg.empty' }),
  ];
  const open = k.status === 'open';
  const sUrl = at(PROC.sessions, 'id', id);
  if (open && allowed('POST', sUrl, ctx.user.role)) {
    // a minor is heard with the guardian present (CPP 460)
    const sf = schemaForm('POST', sUrl, ['kind', 'started_at', 'ended_at', 'note', ...(k.regime === 'minor' ? ['guardian_present'] : [])],
      { note: { dir: 'auto' }, guardian_present: { dir: 'auto' } });
    kids.push(h('details', { class: 'add' }, h('summary', { text: t('proc.session-add') }),
      form({ submit: 'proc.session-add', check: sf.check, onSubmit: async (v) => { await api('POST', sUrl, sf.body(v)); reload('msg.saved'); } }, sf.fields)));
  }
  const rUrl = at(PROC.rights, 'id', id);
  if (open && allowed('POST', rUrl, ctx.user.role)) {
    const rf = schemaForm('POST', rUrl, ['right_kind', 'notified_at', 'language', 'signed_by_person', 'refusal_reason'],
      { refusal_reason: { dir: 'auto' } });
    kids.push(h('details', { class: 'add' }, h('summary', { text: t('proc.rights-add') }),
      form({ submit: 'proc.rights-add', check: rf.check, onSubmit: async (v) => { await api('POST', rUrl, rf.body(v)); reload('msg.saved'); } }, rf.fields)));
  }
  return h('section', { class: 'card register-entry' }, kids);
}

export async function render(ctx) {
  const unit = ctx.user.unit && ctx.user.unit.code;
  const url = at(PROC.register, 'code', unit || '');
  const missing = needs('GET', PROC.register);
  if (missing || !unit) return page('procreg.title', ctx, missing);
  const d = await api('GET', url);
  const detail = h('div', { class: 'register-detail' });
  const show = async (id, msg) => {
    try {
      const en = await api('GET', at(PROC.entry, 'id', id));
      mount(detail, entryView(ctx, en, (m) => show(id, m)));
      if (msg) ctx.toast(t(msg));
    } catch (e) { ctx.toast(problemText(e)); }
  };
  return page('procreg.title', ctx,
    h('p', null, h('a', { href: at(PROC.print, 'code', unit), target: '_blank', rel: 'noopener', class: 'button print-link', text: t('proc.register-print') })),
    h('section', { class: 'card' },
      table([
        ['procreg.name', (k) => h('bdi', { text: name(k) })],
        ['procreg.case', (k) => h('bdi', { class: 'num', text: k.case_number })],
        ['procreg.started_at', (k) => fmtDateTime(k.started_at)],
        ['procreg.ended_at', (k) => (k.ended_at ? fmtDateTime(k.ended_at) : badge('kstatus.open', 'warn'))],
        ['proc.register-open', (k) => h('button', { type: 'button', class: 'link', onclick: () => show(k.id), text: t('proc.register-open') })],
      ], d.custodies, { caption: 'procreg.title', empty: 'proc.register-empty' })),
    detail);
}
