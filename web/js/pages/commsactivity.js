// commsactivity.js — one activity of the register: its texts, who drafted,
// reviewed, approved and published it (times recorded by the server), the
// personal-data check the approver confirms match by match, the seal of a
// communiqué or truth statement (re-verified on each read), the print view,
// the correction, and for a published item its engagement by channel and
// day (a platform's CSV export, or figures entered by hand).
import { h, mount } from '../dom.js';
import { t, fmtDate, fmtDateTime, fmtNum, problemText } from '../i18n.js';
import { api } from '../api.js';
import { allowed } from '../caps.js';
import { field, form } from '../forms.js';
import { page, table, needs, link, badge } from '../ui.js';
import { lineChart } from '../charts.js';
import { CEP, cfill, CHANNELS, statusBadge, claimBadge, ltr, options, draftFields, choices, strip, channelsFrom } from './comms.js';

const SEALED = ['communique', 'truth_statement'];
const PLATFORMS = ['sijill', 'facebook', 'instagram', 'x', 'youtube', 'tiktok'];

function who(a, step) {
  const at = a[`${step}_at`];
  if (!at) return '—';
  return [h('bdi', { text: a[`${step}_by_name`] || '' }), ' ', ltr(a[`${step}_by_badge`]), ' — ', fmtDateTime(at)];
}

function facts(a) {
  const seal = a.seal;
  return h('dl', { class: 'facts' },
    h('dt', { text: t('comms_activity.number') }), h('dd', { dir: 'ltr', class: 'num', text: a.number }),
    h('dt', { text: t('comms_activity.kind') }), h('dd', { text: t(`comms_kind.${a.kind}`) }),
    h('dt', { text: t('comms_activity.status') }), h('dd', null, statusBadge(a.status), a.imported ? badge('comms.imported', '') : null),
    h('dt', { text: t('comms_activity.date') }), h('dd', { text: fmtDate(a.date) }),
    h('dt', { text: t('comms_activity.unit') }), h('dd', { dir: 'ltr', text: a.unit }),
    h('dt', { text: t('comms_activity.version') }), h('dd', null, String(a.version),
      a.corrects_number ? [' — ', t('comms.corrects'), ' ', link(`/comms/activities/${encodeURIComponent(a.corrects_id)}`, a.corrects_number, 'num')] : null),
    a.superseded_by ? [h('dt', { text: t('comms.superseded-by') }), h('dd', null, link(`/comms/activities/${encodeURIComponent(a.superseded_by)}`, a.superseded_by_number || '…', 'num'))] : null,
    h('dt', { text: t('comms_activity.channels') }), h('dd', { text: (a.channels || []).map((c) => t(`comms_channel.${c}`)).join(' · ') || '—' }),
    h('dt', { text: t('comms_activity.media_partner') }), h('dd', { dir: 'auto', text: a.media_partner || '—' }),
    h('dt', { text: t('comms_activity.topic') }), h('dd', { dir: 'auto', text: a.topic || '—' }),
    a.claim ? [h('dt', { text: t('comms.answers-claim') }), h('dd', null, link(`/comms/claims/${encodeURIComponent(a.claim.id)}`, a.claim.number, 'num'), ' ', claimBadge(a.claim.status))] : null,
    a.case_link ? [h('dt', { text: t('comms.case-link') }), h('dd', null, ltr(a.case_link.case_number, 'num'), ' — ', h('bdi', { text: a.case_link.summary_fr || a.case_link.summary_ar }))] : null,
    h('dt', { text: t('comms.drafted') }), h('dd', null, who(a, 'drafted')),
    h('dt', { text: t('comms.reviewed') }), h('dd', null, who(a, 'reviewed')),
    h('dt', { text: t('comms.approved') }), h('dd', null, who(a, 'approved')),
    h('dt', { text: t('comms.published') }), h('dd', null, who(a, 'published')),
    seal ? [h('dt', { text: t('comms.seal-verified') }), h('dd', null, seal.verified ? badge('comms.seal-ok', 'ok') : badge('comms.seal-bad', 'overdue')),
      h('dt', { text: t('comms.seal-hash') }), h('dd', { dir: 'ltr', class: 'hash', text: seal.hash })] : null);
}

function texts(a) {
  const block = (lang, dir, ti, tx) => (ti || tx ? h('article', { class: 'comm-text', lang, dir },
    h('h3', { text: ti || '—' }), h('p', { class: 'prose', text: tx || '' })) : null);
  return h('section', { class: 'card texts' }, h('h2', { text: t('comms.texts') }),
    block('ar', 'rtl', a.title_ar, a.text_ar), block('fr', 'ltr', a.title_fr, a.text_fr), block('zgh', 'auto', a.title_zgh, a.text_zgh));
}

// approveBox: the matches of the personal-data check, one checkbox each; the
// approval is sent with the keys the approver confirmed.
async function approveBox(ctx, a) {
  const d = await api('GET', cfill(CEP.pii, a.id));
  const m = d.matches || [];
  const list = m.length
    ? h('ul', { class: 'pii' }, m.map((x) => h('li', null, field({ name: `pii.${x.key}`, type: 'checkbox', label: `comms.pii-kind.${x.kind}` }),
      h('p', { class: 'pii-text' }, h('bdi', { text: x.text }), ' — ', t(`comms_activity.${x.field}`)))))
    : h('p', { class: 'success', text: t('comms.pii-none') });
  return form({
    submit: 'comms.approve', label: 'comms.approve',
    onSubmit: async (v) => {
      const confirm = m.filter((x) => v[`pii.${x.key}`]).map((x) => x.key);
      await api('POST', cfill(CEP.approve, a.id), { confirm });
      ctx.toast(t('comms.approved-ok'));
      ctx.rerender();
    },
  }, h('div', { class: 'wide' }, h('p', { class: m.length ? 'notice' : 'muted', text: t(m.length ? 'comms.pii-intro' : 'comms.pii-checked') }), list));
}

function actionForm(ctx, a, ep, submit, done, extra) {
  return form({
    submit, label: submit,
    onSubmit: async (v) => {
      const r = await api('POST', cfill(ep, a.id), extra ? extra(v) : undefined);
      ctx.toast(t(done));
      if (ep === CEP.corrections) ctx.go(`/comms/activities/${encodeURIComponent(r.id)}`);
      else ctx.rerender();
    },
  });
}

async function workflow(ctx, a) {
  const me = ctx.user;
  const role = me.role;
  const mine = a.drafted_by_badge === me.badge;
  const out = [];
  if (a.status === 'draft' && allowed('POST', CEP.review, role)) {
    out.push(h('div', { class: 'step' }, h('h3', { text: t('comms.review') }),
      mine ? h('p', { class: 'muted', text: t('err.comms-review-own') }) : actionForm(ctx, a, CEP.review, 'comms.review', 'comms.reviewed-ok')));
  }
  if (a.status === 'reviewed' && allowed('POST', CEP.approve, role)) {
    out.push(h('div', { class: 'step' }, h('h3', { text: t('comms.approve') }),
      mine ? h('p', { class: 'muted', text: t('err.comms-approve-own') }) : await approveBox(ctx, a)));
  }
  if (a.status === 'approved' && allowed('POST', CEP.publish, role)) {
    const sealNeeded = SEALED.includes(a.kind);
    const mayPublish = !sealNeeded || a.approved_by_badge === me.badge;
    out.push(h('div', { class: 'step' }, h('h3', { text: t('comms.publish') }),
      h('p', { class: 'muted', text: t(sealNeeded ? 'comms.publish-sealed' : 'comms.publish-plain') }),
      mayPublish ? actionForm(ctx, a, CEP.publish, 'comms.publish', 'comms.published-ok') : h('p', { class: 'notice', text: t('err.comms-seal-approver') })));
  }
  if (['draft', 'reviewed', 'approved'].includes(a.status) && allowed('POST', CEP.cancel, role)) {
    out.push(h('details', { class: 'add' }, h('summary', { text: t('comms.cancel') }),
      form({
        submit: 'comms.cancel', label: 'comms.cancel',
        onSubmit: async (v) => { await api('POST', cfill(CEP.cancel, a.id), { reason: v.reason }); ctx.toast(t('msg.saved')); ctx.rerender(); },
      }, field({ name: 'reason', label: 'field.reason', type: 'textarea', required: true, wide: true, dir: 'auto' }))));
  }
  if (a.status === 'published' && !a.superseded_by && allowed('POST', CEP.corrections, role)) {
    out.push(h('div', { class: 'step' }, h('h3', { text: t('comms.correct') }), h('p', { class: 'muted', text: t('comms.correct-intro') }),
      actionForm(ctx, a, CEP.corrections, 'comms.correct', 'comms.correction-drafted')));
  }
  return out.length ? h('section', { class: 'card workflow no-print' }, h('h2', { text: t('comms.workflow') }), out) : null;
}

async function editBox(ctx, a) {
  if (!['draft', 'reviewed'].includes(a.status) || !allowed('PATCH', CEP.activity, ctx.user.role)) return null;
  const c = await choices();
  return h('section', { class: 'card no-print' }, h('details', { class: 'add' }, h('summary', { text: t('comms.edit') }),
    form({
      submit: 'act.save', label: 'comms.edit',
      onSubmit: async (v) => {
        const body = { ...strip(v), channels: channelsFrom(v, 'ch') };
        for (const k of ['title_ar', 'title_fr', 'title_zgh', 'text_ar', 'text_fr', 'text_zgh', 'media_partner', 'topic', 'case_link_id', 'event_id']) {
          if (!(k in body)) body[k] = null;
        }
        await api('PATCH', cfill(CEP.activity, a.id), body);
        ctx.toast(t('msg.saved'));
        ctx.rerender();
      },
    }, draftFields(c, a, false))));
}

async function fileText(file) {
  const s = await file.text();
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

async function engagement(ctx, a) {
  if (a.status !== 'published') return null;
  const d = await api('GET', cfill(CEP.engagement, a.id));
  const rows = d.series || [];
  const days = [...new Set(rows.map((r) => r.observed_on))].sort();
  const chans = [...new Set(rows.map((r) => r.channel))];
  const chart = days.length ? lineChart({
    title: t('comms.views-over-time'), labels: days.map((x) => fmtDate(x)), tableLabel: t('comms.chart-data'),
    categoryLabel: t('comms_engagement.observed_on'),
    series: chans.map((c) => {
      let last = 0;
      return { name: t(`comms_channel.${c}`), values: days.map((day) => { const r = rows.find((x) => x.channel === c && x.observed_on === day); if (r) last = r.views; return last; }) };
    }),
  }) : null;
  const canWrite = allowed('POST', CEP.engagement, ctx.user.role);
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const importForm = form({
    submit: 'comms.import', label: 'comms.import-csv',
    onSubmit: async (v, f) => {
      const file = f.querySelector('input[type=file]').files[0];
      if (!file) throw new Error('no file');
      const csv = await fileText(file);
      const body = { platform: v.platform, csv, filename: file.name };
      if (v.channel) body.channel = v.channel;
      try {
        const r = await api('POST', cfill(CEP.engagementImport, a.id), body);
        mount(result, h('p', { class: 'success', text: r.already_imported ? t('comms.import-again') : t('comms.import-ok', { n: r.rows }) }));
        ctx.rerender();
      } catch (e) {
        const p = e.problem || {};
        const lines = (p.errors || []).map((x) => h('li', null, t('comms.csv-line', { l: x.line, c: x.column }), ' — ', t(`comms.csv-code.${x.code}`)));
        mount(result, h('div', { class: 'alert', role: 'alert' }, h('p', { text: problemText(e) }),
          p.missing ? h('p', null, t('comms.csv-missing'), ' ', h('code', { dir: 'ltr', text: p.missing.join(', ') })) : null,
          p.line && p.reason ? h('p', { text: t('comms.csv-line', { l: p.line, c: '' }) }) : null,
          lines.length ? h('ul', null, lines) : null));
      }
    },
  },
  field({ name: 'platform', label: 'comms.platform', type: 'select', required: true, options: options(PLATFORMS, 'comms_platform') }),
  field({ name: 'channel', label: 'comms_engagement.channel', type: 'select', options: options(CHANNELS, 'comms_channel'), hint: 'comms.channel-hint' }),
  h('div', { class: 'field wide', 'data-field': 'file' }, h('label', { for: `csv-${a.id}`, text: t('comms.csv-file') }),
    h('input', { id: `csv-${a.id}`, type: 'file', accept: '.csv,text/csv', required: true }),
    h('p', { class: 'hint', text: t('comms.csv-hint') })));
  const handForm = form({
    submit: 'act.add', label: 'comms.by-hand',
    onSubmit: async (v) => { await api('POST', cfill(CEP.engagement, a.id), v); ctx.toast(t('msg.saved')); ctx.rerender(); },
  },
  field({ name: 'channel', label: 'comms_engagement.channel', type: 'select', required: true, options: options(CHANNELS, 'comms_channel') }),
  field({ name: 'observed_on', label: 'comms_engagement.observed_on', type: 'date', required: true }),
  field({ name: 'views', label: 'comms_engagement.views', type: 'number', required: true, min: 0 }),
  field({ name: 'likes', label: 'comms_engagement.likes', type: 'number', min: 0 }),
  field({ name: 'shares', label: 'comms_engagement.shares', type: 'number', min: 0 }),
  field({ name: 'comments', label: 'comms_engagement.comments', type: 'number', min: 0 }));
  const tot = d.totals || {};
  return h('section', { class: 'card', id: 'engagement' }, h('h2', { text: t('comms.engagement') }),
    h('ul', { class: 'stats' }, ['views', 'likes', 'shares', 'comments'].map((k) => h('li', null, h('strong', { class: 'num', text: fmtNum(tot[k] || 0) }), ' ', t(`comms_engagement.${k}`)))),
    chart,
    table([
      ['comms_engagement.channel', (r) => t(`comms_channel.${r.channel}`)],
      ['comms_engagement.observed_on', (r) => fmtDate(r.observed_on)],
      ['comms_engagement.views', (r) => h('span', { class: 'num', text: fmtNum(r.views) })],
      ['comms_engagement.likes', (r) => h('span', { class: 'num', text: fmtNum(r.likes) })],
      ['comms_engagement.shares', (r) => h('span', { class: 'num', text: fmtNum(r.shares) })],
      ['comms_engagement.comments', (r) => h('span', { class: 'num', text: fmtNum(r.comments) })],
    ], rows, { caption: 'comms.engagement', empty: 'comms.no-engagement' }),
    canWrite ? h('details', { class: 'add no-print' }, h('summary', { text: t('comms.import-csv') }), importForm, result) : null,
    canWrite ? h('details', { class: 'add no-print' }, h('summary', { text: t('comms.by-hand') }), handForm) : null);
}

export async function render(ctx) {
  const miss = needs('GET', CEP.activity);
  if (miss) return page('comms.activity', ctx, miss);
  const a = await api('GET', cfill(CEP.activity, ctx.params.id));
  return page('comms.activity', ctx,
    h('p', { class: 'back no-print' }, link('/comms', t('comms.back'))),
    h('section', { class: 'card' }, h('h2', null, t(`comms_kind.${a.kind}`), ' ', h('span', { dir: 'ltr', class: 'num', text: a.number })), facts(a),
      h('p', { class: 'quick no-print' }, h('a', { href: cfill(CEP.print, a.id), target: '_blank', rel: 'noopener', class: 'button', text: t('comms.print') }))),
    texts(a),
    await workflow(ctx, a),
    await editBox(ctx, a),
    await engagement(ctx, a));
}
