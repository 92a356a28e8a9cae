// custodyview.js — a custody as the law sees it, the same on every screen
// (custody register, case, home): time left before the legal deadline, the
// lawyer-contact deadline and whether it was kept, the family notice, and the
// rule applied (regime, the rule's code and version, initial hours,
// extensions), why it applies (the custody's `why`: charges, age, frame) and
// its source (the custody's `rule`).
import { h } from './dom.js';
import { t, fmtDateTime, fmtNum } from './i18n.js';
import { custodyClock } from './clock.js';
import { own } from './ui.js';

export function lawyerLine(k) {
  if (k.lawyer_contacted_at) {
    return h('span', { class: k.lawyer_contacted_late ? 'state bad' : 'state ok' },
      t(k.lawyer_contacted_late ? 'custody.lawyer-late' : 'custody.lawyer-done', { d: fmtDateTime(k.lawyer_contacted_at) }));
  }
  if (!k.lawyer_deadline) return h('span', { class: 'state', text: t('custody.lawyer-no-rule') });
  return h('span', { class: k.lawyer_overdue ? 'state bad' : 'state warn' },
    t(k.lawyer_overdue ? 'custody.lawyer-overdue' : 'custody.lawyer-due', { d: fmtDateTime(k.lawyer_deadline) }));
}

export function familyLine(k) {
  return k.family_informed_at
    ? h('span', { class: 'state ok' }, t('custody.family-done', { d: fmtDateTime(k.family_informed_at) }),
      k.family_informed_how ? [' — ', h('bdi', { text: k.family_informed_how })] : null)
    : h('span', { class: 'state warn', text: t('custody.family-no') });
}

// ruleLine(k): the rule applied to a custody, why it applies (charges, age,
// frame, when it was chosen) and its source (issue 11); an uncertain rule
// says so.
export function ruleLine(k) {
  const r = (own(k, 'rule') && k.rule) || {};
  const w = (own(k, 'why') && k.why) || {};
  const why = [w.class ? t(`class.${w.class}`) : null, (w.offences || []).join(', ') || null,
    w.age !== undefined && w.age !== null ? t('custody.why-age', { n: w.age }) : null, w.frame ? t(`frame.${w.frame}`) : null,
    w.rule_chosen_at === 'recorded' ? t('custody.why-recorded') : null].filter(Boolean).join(' · ');
  return h('span', { class: 'rule' },
    t(`regime.${k.regime}`), ' · ', t('custody.rule-hours', { h: fmtNum(k.initial_hours), n: fmtNum(k.extensions), max: fmtNum(k.max_extensions) }),
    ' · ', h('bdi', { dir: 'ltr', class: 'num', text: `${r.code || k.rule_code} v${k.rule_version}` }),
    r.uncertain ? [' ', h('strong', { class: 'warn', text: t('custody.rule-uncertain') })] : null,
    h('span', { class: 'why', 'data-slot': 'rule-reason' }, ' — ', why ? h('bdi', { text: why }) : t('custody.why-pending')),
    r.source ? [' · ', h('small', { class: 'muted', lang: 'fr', dir: 'ltr', text: r.source })] : null); // the legal citation as the data has it (French)
}

export function timeLeft(k) {
  return k.status === 'open' ? custodyClock(k.deadline_at) : h('span', null, t(`custody.end.${k.end_kind}`), ' — ', fmtDateTime(k.ended_at));
}

// custodyFacts(k): the whole picture as a list, for a card or a table cell.
export function custodyFacts(k) {
  return h('ul', { class: 'custody-facts' },
    h('li', null, h('strong', { text: t('custody.left') }), ' ', timeLeft(k)),
    h('li', null, h('strong', { text: t('custody.deadline') }), ' ', fmtDateTime(k.deadline_at)),
    h('li', null, h('strong', { text: t('custody.lawyer') }), ' ', lawyerLine(k)),
    h('li', null, h('strong', { text: t('custody.family') }), ' ', familyLine(k)),
    h('li', null, h('strong', { text: t('custody.rule') }), ' ', ruleLine(k)));
}
