// complaints.js — the complaints of my unit (and below; national roles: all),
// filtered by disposition and paged; the filter and the page are kept in the
// URL so back/forward and a reload keep the officer's place. A row opens the
// complaint (complaint.js), where a pending one gets its disposition.
import { h, mount } from '../dom.js';
import { t, fmtDateTime, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { EP } from '../endpoints.js';
import { page, table, pager, needs, listOf, link, personName, badge } from '../ui.js';

const LIMIT = 25;
export const DISPOSITIONS = ['pending', 'case_opened', 'attached', 'no_offence', 'referred_elsewhere'];

function complainant(c) {
  return personName({
    first_name_ar: c.complainant_first_name_ar, last_name_ar: c.complainant_last_name_ar,
    first_name_lat: c.complainant_first_name_lat, last_name_lat: c.complainant_last_name_lat,
  });
}

export function complaintsTable(rows, opts) {
  return table([
    ['complaint.receipt', (c) => link(`/complaints/${encodeURIComponent(c.id)}`, c.receipt_no || '…', 'num')],
    ['complaint.complainant', (c) => h('bdi', { text: complainant(c) })],
    ['complaint.received', (c) => fmtDateTime(c.received_at)],
    ['complaint.disposition', (c) => badge(`disp.${c.disposition || 'pending'}`, (c.disposition || 'pending') === 'pending' ? 'warn' : '')],
    ['complaint.facts', (c) => h('bdi', { text: (c.facts || '').length > 80 ? `${c.facts.slice(0, 80)}…` : (c.facts || '—') })],
  ], rows, { caption: 'complaints.title', empty: 'complaints.none', ...(opts || {}) });
}

export function render(ctx) {
  const q = ctx.query;
  const disp = DISPOSITIONS.includes(q.get('disposition')) ? q.get('disposition') : (q.get('disposition') === 'all' ? 'all' : 'pending');
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const url = (d, o) => `/complaints${qs({ disposition: d, offset: o || undefined })}`;
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  if (has('GET', EP.complaints)) {
    api('GET', `${EP.complaints}${qs({ disposition: disp === 'all' ? undefined : disp, limit: LIMIT, offset })}`).then((d) => {
      const rows = listOf(d, 'complaints');
      mount(out, complaintsTable(rows), pager(offset, LIMIT, rows.length, (o) => ctx.go(url(disp, o))));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  const filter = h('nav', { class: 'tabs sub', 'aria-label': t('complaint.disposition') }, h('ul', null,
    [...DISPOSITIONS, 'all'].map((x) => h('li', null, h('a', {
      href: url(x), 'data-link': true, 'aria-current': x === disp ? 'page' : null,
      text: x === 'all' ? t('msg.all') : t(`disp.${x}`),
    })))));
  const canNew = allowed('POST', EP.complaints, ctx.user.role);
  return page('complaints.title', ctx,
    needs('GET', EP.complaints),
    canNew ? h('p', { class: 'quick' }, link('/complaints/new', t('nav.complaint'), 'button primary')) : null,
    h('section', { class: 'card' },
      h('h2', { text: t('complaints.by-disposition') }), filter, out));
}
