// find.js — what the header's search box found: cases (by number or words
// of the summary or commune) and complaints (by receipt number) in my scope,
// in one look-up; then, for a name or a plate, the searches that need a
// purpose (the person search, the register check) with the words carried
// over; and the records I opened lately.
import { h } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, qs } from '../api.js';
import { allowed } from '../caps.js';
import { EP } from '../endpoints.js';
import { page, table, link, badge } from '../ui.js';
import { casesTable } from './home.js';
import { recent, recentHref } from '../recent.js';

// looksLikePlate: "12345-أ-6", "12345 A 6", "12345|A|6"
const PLATE = /^\s*\d{1,6}\s*[-|/ ]\s*[\p{L}]{1,2}\s*[-|/ ]\s*\d{1,3}\s*$/u;

export async function render(ctx) {
  const q = (ctx.query.get('q') || '').trim();
  const role = ctx.user.role;
  if (!q) return page('find.title', ctx, h('p', { class: 'muted', text: t('find.intro') }));
  const d = await api('GET', `${EP.find}${qs({ q })}`);
  const plate = PLATE.test(q);
  const others = h('ul', { class: 'find-more' },
    allowed('GET', EP.persons, role) ? h('li', null, h('a', { href: `/persons?q=${encodeURIComponent(q)}`, 'data-link': true }, t('find.as-person'), ' ', h('bdi', { text: q }))) : null,
    allowed('POST', EP.check, role) ? h('li', null, h('a', { href: `/registers/check?${plate ? 'plate' : 'name'}=${encodeURIComponent(q)}`, 'data-link': true }, t(plate ? 'find.as-plate' : 'find.in-registers'), ' ', h('bdi', { dir: plate ? 'ltr' : 'auto', text: q }))) : null);
  const items = recent();
  return page('find.title', ctx,
    h('p', { class: 'lead' }, t('find.for'), ' ', h('bdi', { class: 'num', text: q })),
    h('section', { class: 'card span-all', id: 'find-cases' }, h('h2', { text: t('find.cases') }), casesTable(d.cases, 'find.no-case')),
    h('section', { class: 'card', id: 'find-complaints' }, h('h2', { text: t('find.complaints') }),
      table([
        ['complaint.receipt', (c) => link(`/complaints/${encodeURIComponent(c.id)}`, c.receipt_no, 'num')],
        ['complaint.received', (c) => fmtDateTime(c.received_at)],
        ['complaint.disposition', (c) => badge(`disp.${c.disposition}`, c.disposition === 'pending' ? 'warn' : '')],
      ], d.complaints, { caption: 'find.complaints', empty: 'find.no-complaint' })),
    h('section', { class: 'card' }, h('h2', { text: t('find.more') }), others),
    items.length ? h('section', { class: 'card' }, h('h2', { text: t('home.recent') }), h('ul', { class: 'recent' }, items.map((x) => h('li', null,
      t(`recent.${x.kind}`), ' ', link(recentHref(x), x.label, 'num'), x.sub ? [' — ', h('bdi', { text: x.sub })] : null)))) : null);
}
