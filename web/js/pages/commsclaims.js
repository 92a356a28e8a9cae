// commsclaims.js — the fake-content watch: claims seen online (the content,
// where and when first seen, reach), their verification (received →
// verifying → false, misleading, true or unverifiable, with the evidence),
// the same claim reported twice linked to its first report, the archived
// copy (an image, PDF or video, stored with its hash), the truth statement
// that answers it and the time to rebuttal, and the verdict as ClaimReview.
import { h, mount } from '../dom.js';
import { t, fmtDateTime, fmtNum, fmtDuration, problemText } from '../i18n.js';
import { api, qs } from '../api.js';
import { has, allowed } from '../caps.js';
import { field, form } from '../forms.js';
import { page, table, pager, needs, listOf, link, badge } from '../ui.js';
import { CEP, cfill, CLAIM_STATUSES, PLATFORMS, claimBadge, ltr, options, strip } from './comms.js';

const LIMIT = 50;

export function claimsTable(rows, opts) {
  return table([
    ['comms.claim-number', (c) => link(`/comms/claims/${encodeURIComponent(c.id)}`, c.number, 'num')],
    ['comms_claim.content', (c) => h('bdi', { text: (c.content || '').length > 90 ? `${c.content.slice(0, 90)}…` : c.content })],
    ['comms_claim.platform', (c) => t(`comms_claim_platform.${c.platform}`)],
    ['comms_claim.reach', (c) => h('span', { class: 'num', text: c.reach === null || c.reach === undefined ? '—' : fmtNum(c.reach) })],
    ['comms_claim.status', (c) => (c.duplicate_of ? badge('comms.duplicate', '') : claimBadge(c.status))],
    ['comms.received', (c) => fmtDateTime(c.received_at)],
    ['comms.answered', (c) => (c.answered_at ? [badge('comms.rebutted', 'ok'), ' ', fmtDuration(c.answered_at - c.received_at)] : '—')],
  ], rows, { caption: 'comms.claims', empty: 'comms.no-claims', ...(opts || {}) });
}

async function crisesOptions() {
  if (!has('GET', CEP.crises)) return [];
  const d = await api('GET', CEP.crises).catch(() => ({ crises: [] }));
  return listOf(d, 'crises').filter((x) => x.status === 'active');
}

function ms(v) { if (!v) return undefined; const d = new Date(v); return Number.isNaN(d.getTime()) ? undefined : d.getTime(); }

function newClaim(ctx, crises, crisis) {
  return form({
    submit: 'comms.register-claim', label: 'comms.new-claim', draft: `${ctx.user.badge}.comms.claim`,
    onSubmit: async (v) => {
      const body = strip(v);
      if (body.first_seen_at) body.first_seen_at = ms(body.first_seen_at);
      const r = await api('POST', CEP.claims, body);
      ctx.toast(r.duplicate_of ? t('comms.claim-linked', { n: r.first ? r.first.number : '' }) : t('comms.claim-registered', { n: r.number }));
      ctx.go(`/comms/claims/${encodeURIComponent(r.id)}`);
    },
  },
  field({ name: 'content', label: 'comms_claim.content', type: 'textarea', required: true, wide: true, rows: 4, dir: 'auto' }),
  field({ name: 'url', label: 'comms_claim.url', dir: 'ltr', wide: true, placeholder: 'https://' }),
  field({ name: 'platform', label: 'comms_claim.platform', type: 'select', required: true, options: options(PLATFORMS, 'comms_claim_platform') }),
  field({ name: 'first_seen_at', label: 'comms_claim.first_seen_at', type: 'datetime-local' }),
  field({ name: 'reach', label: 'comms_claim.reach', type: 'number', min: 0 }),
  field({ name: 'crisis_id', label: 'comms_claim.crisis_id', type: 'select', value: crisis || '',
    options: [['', 'msg.choose'], ...crises.map((x) => [x.id, `${x.name_fr} / ${x.name_ar}`, true])] }));
}

async function list(ctx) {
  const q = ctx.query;
  const status = CLAIM_STATUSES.includes(q.get('status')) ? q.get('status') : '';
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  if (has('GET', CEP.claims)) {
    api('GET', `${CEP.claims}${qs({ status, limit: LIMIT, offset })}`).then((d) => {
      const rows = listOf(d, 'claims');
      mount(out, claimsTable(rows), pager(offset, LIMIT, rows.length, (o) => ctx.go(`/comms/claims${qs({ status, offset: o || undefined })}`)));
    }).catch((e) => mount(out, h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  }
  const tabs = h('nav', { class: 'tabs sub', 'aria-label': t('comms_claim.status') }, h('ul', null,
    ['', ...CLAIM_STATUSES].map((x) => h('li', null, h('a', {
      href: `/comms/claims${qs({ status: x })}`, 'data-link': true, 'aria-current': x === status ? 'page' : null,
      text: x ? t(`comms_claim_status.${x}`) : t('msg.all'),
    })))));
  const canNew = allowed('POST', CEP.claims, ctx.user.role);
  const crises = canNew ? await crisesOptions() : [];
  return page('comms.claims', ctx, needs('GET', CEP.claims),
    h('p', { class: 'lead', text: t('comms.claims-intro') }),
    canNew ? h('section', { class: 'card' }, h('details', { class: 'add', id: 'new-claim' }, h('summary', { text: t('comms.new-claim') }),
      newClaim(ctx, crises, q.get('crisis')))) : null,
    h('section', { class: 'card' }, h('h2', { text: t('comms.claims') }), tabs, out));
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function archiveForm(ctx, c) {
  return form({
    submit: 'comms.archive', label: 'comms.archive',
    onSubmit: async (v, f) => {
      const file = f.querySelector('input[type=file]').files[0];
      const data = await readFile(file);
      await api('POST', cfill(CEP.claimArchive, c.id), { name: file.name, media_type: file.type || 'application/octet-stream', data });
      ctx.toast(t('comms.archived'));
      ctx.rerender();
    },
  }, h('div', { class: 'field wide', 'data-field': 'data' }, h('label', { for: `arch-${c.id}`, text: t('comms.archive-file') }),
    h('input', { id: `arch-${c.id}`, type: 'file', accept: 'image/png,image/jpeg,image/webp,image/gif,application/pdf,video/mp4', required: true }),
    h('p', { class: 'hint', text: t('comms.archive-hint') }), h('p', { class: 'ferr', role: 'alert' })));
}

function statusForm(ctx, c) {
  if (c.status === 'received') {
    return form({
      submit: 'comms.start-verifying', label: 'comms.start-verifying',
      onSubmit: async () => { await api('POST', cfill(CEP.claimStatus, c.id), { status: 'verifying' }); ctx.toast(t('msg.saved')); ctx.rerender(); },
    });
  }
  if (c.status !== 'verifying') return null;
  return form({
    submit: 'comms.give-verdict', label: 'comms.give-verdict',
    onSubmit: async (v) => { await api('POST', cfill(CEP.claimStatus, c.id), v); ctx.toast(t('msg.saved')); ctx.rerender(); },
  },
  field({ name: 'status', label: 'comms.verdict', type: 'select', required: true, options: options(['false', 'misleading', 'true', 'unverifiable'], 'comms_claim_status') }),
  field({ name: 'evidence', label: 'comms_claim.evidence', type: 'textarea', required: true, wide: true, rows: 4, dir: 'auto', hint: 'comms.evidence-hint' }));
}

function jsonld(c) {
  const out = h('div', { class: 'jsonld' });
  const btn = h('button', {
    type: 'button', class: 'small', text: t('comms.claimreview'),
    onclick: async () => {
      try {
        const d = await api('GET', `${cfill(CEP.claimReview, c.id)}${qs({ lang: document.documentElement.lang })}`);
        const text = JSON.stringify(d, null, 2);
        const url = URL.createObjectURL(new Blob([text], { type: 'application/ld+json' }));
        mount(out, h('pre', { dir: 'ltr', class: 'code', text }), h('a', { href: url, download: `claimreview-${c.number.replace(/\//g, '-')}.jsonld`, class: 'button', text: t('comms.download') }));
      } catch (e) { mount(out, h('p', { class: 'alert', text: problemText(e) })); }
    },
  });
  return h('div', { class: 'no-print' }, btn, out);
}

async function one(ctx) {
  const c = await api('GET', cfill(CEP.claim, ctx.params.id));
  const role = ctx.user.role;
  const first = c.first;
  const verdict = first ? first.status : c.status;
  const hasVerdict = !['received', 'verifying'].includes(verdict);
  const write = allowed('POST', CEP.claimStatus, role);
  const arch = c.archive;
  const answer = c.answer;
  const canAnswer = !first && !c.answer_id && ['false', 'misleading'].includes(c.status) && allowed('POST', CEP.activities, role);
  return page('comms.claim', ctx,
    h('p', { class: 'back no-print' }, link('/comms/claims', t('comms.back-claims'))),
    h('section', { class: 'card' }, h('h2', null, t('comms.claim'), ' ', h('span', { dir: 'ltr', class: 'num', text: c.number })),
      h('dl', { class: 'facts' },
        h('dt', { text: t('comms_claim.status') }), h('dd', null, claimBadge(c.status)),
        first ? [h('dt', { text: t('comms.first-report') }), h('dd', null, link(`/comms/claims/${encodeURIComponent(first.id)}`, first.number, 'num'), ' ', claimBadge(first.status), ' ', h('span', { class: 'muted', text: t('comms.duplicate-note') }))] : null,
        h('dt', { text: t('comms_claim.content') }), h('dd', { class: 'prose', dir: 'auto', text: c.content }),
        h('dt', { text: t('comms_claim.url') }), h('dd', null, c.url ? ltr(c.url) : '—'),
        h('dt', { text: t('comms_claim.platform') }), h('dd', { text: t(`comms_claim_platform.${c.platform}`) }),
        h('dt', { text: t('comms_claim.first_seen_at') }), h('dd', { text: fmtDateTime(c.first_seen_at) }),
        h('dt', { text: t('comms_claim.reach') }), h('dd', { class: 'num', text: c.reach === null ? '—' : fmtNum(c.reach) }),
        c.crisis_code ? [h('dt', { text: t('comms_claim.crisis_id') }), h('dd', null, link(`/comms/crises/${encodeURIComponent(c.crisis_id)}`, c.crisis_code, 'num'))] : null,
        h('dt', { text: t('comms.received') }), h('dd', null, fmtDateTime(c.received_at), ' ', ltr(c.received_by_badge)),
        c.verified_at ? [h('dt', { text: t('comms.verified') }), h('dd', null, fmtDateTime(c.verified_at), ' ', ltr(c.verified_by_badge))] : null,
        c.evidence ? [h('dt', { text: t('comms_claim.evidence') }), h('dd', { class: 'prose', dir: 'auto', text: c.evidence })] : null,
        answer ? [h('dt', { text: t('comms.answer') }), h('dd', null, link(`/comms/activities/${encodeURIComponent(answer.id)}`, answer.number, 'num'), ' ', badge(`comms_status.${answer.status}`, answer.status === 'published' ? 'ok' : 'warn'))] : null,
        c.rebuttal_ms !== undefined && c.rebuttal_ms !== null ? [h('dt', { text: t('comms.rebuttal') }), h('dd', { class: 'rebuttal', text: fmtDuration(c.rebuttal_ms) })] : null,
        arch ? [h('dt', { text: t('comms.archive') }), h('dd', null, h('a', { href: cfill(CEP.file, arch.id), text: arch.name }), ' — ', ltr(arch.media_type), ' — ', t('comms.bytes', { n: arch.size }), h('br'), h('span', { dir: 'ltr', class: 'hash', text: arch.hash }))] : null)),
    write && !first ? h('section', { class: 'card no-print' }, h('h2', { text: t('comms.verification') }), statusForm(ctx, c) || h('p', { class: 'muted', text: t('comms.verdict-final') }),
      canAnswer ? h('p', null, link('/comms?new=1', t('comms.write-answer'), 'button primary')) : null) : null,
    write && !arch ? h('section', { class: 'card no-print' }, h('h2', { text: t('comms.archive') }), archiveForm(ctx, c)) : null,
    write && !first && !c.answer_id ? h('section', { class: 'card no-print' }, h('details', { class: 'add' }, h('summary', { text: t('comms.mark-duplicate') }),
      form({
        submit: 'comms.mark-duplicate', label: 'comms.mark-duplicate',
        onSubmit: async (v) => { await api('POST', cfill(CEP.claimDuplicate, c.id), { of: v.of }); ctx.toast(t('msg.saved')); ctx.rerender(); },
      }, field({ name: 'of', label: 'comms.first-report-id', required: true, dir: 'ltr', hint: 'comms.first-report-hint' })))) : null,
    hasVerdict ? h('section', { class: 'card' }, h('h2', { text: t('comms.claimreview') }), h('p', { class: 'muted', text: t('comms.claimreview-intro') }), jsonld(c)) : null);
}

export async function render(ctx) {
  if (ctx.params.id) return one(ctx);
  return list(ctx);
}
