// cases.js — the case list with its filters — number or words, status,
// creation dates (the legal day, Africa/Casablanca) — and paging, all kept in
// the URL so back/forward and a reload keep the officer's place.
import { h, mount } from '../dom.js';
import { t, problemText, legalDayStart } from '../i18n.js';
import { api, qs } from '../api.js';
import { EP } from '../endpoints.js';
import { field, form } from '../forms.js';
import { page, pager, needs, listOf, link } from '../ui.js';
import { casesTable } from './home.js';
import { has, allowed } from '../caps.js';

const LIMIT = 25;
const STATUSES = ['registered', 'under_investigation', 'referred', 'closed', 'cancelled'];
const DAY = 86400000;

export function render(ctx) {
  const q = ctx.query;
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const filters = { status: q.get('status') || '', q: q.get('q') || '', from: q.get('from') || '', to: q.get('to') || '' };
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const nav = (o) => ctx.go(`/cases${qs({ ...filters, offset: o || undefined })}`);
  const f = form({
    submit: 'act.filter', label: 'cases.filters', class: 'filters',
    onSubmit: async (v) => {
      Object.assign(filters, { status: v.status || '', q: (v.q || '').trim(), from: v.from || '', to: v.to || '' });
      nav(0);
    },
  },
  field({ name: 'q', label: 'cases.q', value: filters.q, dir: 'auto', hint: 'cases.q-hint' }),
  field({ name: 'status', label: 'case.status', type: 'select', value: filters.status, options: [['', 'msg.all'], ...STATUSES.map((s) => [s, `cstatus.${s}`])] }),
  field({ name: 'from', label: 'field.from', type: 'date', value: filters.from }),
  field({ name: 'to', label: 'field.to', type: 'date', value: filters.to }));
  if (has('GET', EP.cases)) {
    const from = legalDayStart(filters.from);
    const to = legalDayStart(filters.to);
    const query = {
      status: filters.status, q: filters.q, limit: LIMIT, offset,
      from: Number.isNaN(from) ? undefined : from, to: Number.isNaN(to) ? undefined : to + DAY,
    };
    api('GET', `${EP.cases}${qs(query)}`).then((d) => {
      const rows = listOf(d, 'cases');
      mount(results, casesTable(rows, filters.q || filters.from || filters.to || filters.status ? 'cases.none-match' : 'home.no-cases'),
        pager(offset, LIMIT, rows.length, nav));
    }).catch((e) => mount(results, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  } else {
    mount(results, needs('GET', EP.cases));
  }
  const canOpen = allowed('POST', EP.complaints, ctx.user.role);
  return page('nav.cases', ctx,
    canOpen ? h('p', { class: 'quick' }, link('/complaints/new', t('cases.new-from-complaint'), 'button primary')) : null,
    h('section', { class: 'card' }, f),
    results);
}
