// offences.js — the offence catalogue (reference data) as a search box: the
// officer types an article number or words in Arabic or French and picks from
// the filtered list with the keyboard (↓ ↑ Enter Esc) or the mouse (ARIA
// combobox + listbox). The chosen code travels in a hidden input named like
// the field. A plain code field when the catalogue route is not on this server.
import { h, newId } from './dom.js';
import { t, getLang, fmtNum } from './i18n.js';
import { api } from './api.js';
import { has } from './caps.js';
import { EP } from './endpoints.js';
import { field } from './forms.js';
import { listOf } from './ui.js';

const SHOW = 30; // options listed at most

let cache = null;
export async function offenceList() {
  if (cache) return cache;
  if (!has('GET', EP.offences)) return null;
  cache = listOf(await api('GET', EP.offences), 'offences');
  return cache;
}

export function offenceLabel(o) {
  return (getLang() === 'ar' ? o.label_ar : o.label_fr) || o.code;
}

// fold(s): lower case, no French accents, no Arabic vowel marks or tatweel,
// one form of alef, ya and ta marbuta, Eastern Arabic digits as ASCII digits.
export function fold(s) {
  return String(s || '').normalize('NFD').replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .toLowerCase();
}

function haystack(o) {
  return fold([o.code, o.article, 'law' in o ? o.law : '', o.label_ar, o.label_fr].filter(Boolean).join(' '));
}

// matches(list, q): every word of q found in the entry; an exact article
// number first.
export function matches(list, q) {
  const words = fold(q).split(/[\s,.;:/()«»-]+/).filter(Boolean);
  if (!words.length) return list;
  const hits = list.filter((o) => { const s = haystack(o); return words.every((w) => s.includes(w)); });
  const exact = (o) => (words.length === 1 && fold(o.article) === words[0] ? 0 : 1);
  return hits.sort((a, b) => exact(a) - exact(b));
}

function optionText(o) {
  return `${offenceLabel(o)} — ${t('ref.article')} ${o.article || '—'} — ${t(`class.${o.class}`)}`;
}

export async function offenceField(name, required) {
  const list = await offenceList();
  if (!list) return field({ name, label: 'case.offence', required, dir: 'ltr' });
  const id = newId(name);
  const lbId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const statusId = `${id}-status`;
  const hidden = h('input', { type: 'hidden', name, required: !!required });
  const input = h('input', {
    id, type: 'search', role: 'combobox', autocomplete: 'off', dir: 'auto', class: 'combo-input',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': lbId,
    'aria-describedby': `${hintId} ${statusId} ${errId}`, 'aria-required': required ? 'true' : null,
    placeholder: t('offence.placeholder'),
  });
  const listbox = h('ul', { id: lbId, role: 'listbox', class: 'combo-list', hidden: true, 'aria-label': t('case.offence') });
  const status = h('p', { id: statusId, class: 'combo-status muted', 'aria-live': 'polite' });
  let shown = [];
  let active = -1;
  let chosen = null;

  const byCode = (c) => list.find((o) => o.code === c) || null;
  const close = () => { listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const setActive = (i) => {
    active = i;
    [...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    if (i >= 0 && listbox.children[i]) {
      input.setAttribute('aria-activedescendant', listbox.children[i].id);
      listbox.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const showChosen = () => {
    status.textContent = chosen ? t('offence.chosen', { x: optionText(chosen) }) : '';
  };
  const choose = (o) => {
    chosen = o;
    hidden.value = o ? o.code : '';
    input.value = o ? `${offenceLabel(o)} (${o.article || o.code})` : '';
    showChosen();
    close();
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const open = () => {
    const q = chosen && input.value === `${offenceLabel(chosen)} (${chosen.article || chosen.code})` ? '' : input.value;
    const all = matches(list, q);
    shown = all.slice(0, SHOW);
    listbox.replaceChildren(...shown.map((o, k) => h('li', {
      id: `${id}-o${k}`, role: 'option', 'aria-selected': 'false', 'data-code': o.code,
      class: chosen && chosen.code === o.code ? 'current' : null,
      onmousedown: (ev) => { ev.preventDefault(); choose(o); },
    }, h('span', { text: offenceLabel(o) }), ' ', h('span', { class: 'muted', text: `${t('ref.article')} ${o.article || '—'} · ${t(`class.${o.class}`)}` }))));
    if (!shown.length) listbox.replaceChildren(h('li', { class: 'empty', role: 'presentation', text: t('offence.none') }));
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = all.length > SHOW ? t('offence.count-more', { n: fmtNum(all.length), m: fmtNum(SHOW) }) : t('offence.count', { n: fmtNum(all.length) });
    setActive(shown.length && q ? 0 : -1);
  };

  input.addEventListener('input', () => { if (chosen) { chosen = null; hidden.value = ''; } open(); });
  input.addEventListener('focus', () => { if (!chosen) open(); });
  input.addEventListener('blur', () => { close(); showChosen(); });
  input.addEventListener('keydown', (ev) => {
    const isOpen = !listbox.hidden;
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (!isOpen) open();
      if (shown.length) setActive(Math.min(shown.length - 1, active + 1));
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (isOpen && shown.length) setActive(Math.max(0, active - 1));
    } else if (ev.key === 'Enter') {
      if (isOpen && active >= 0 && shown[active]) { ev.preventDefault(); choose(shown[active]); }
      else if (isOpen) { ev.preventDefault(); }
    } else if (ev.key === 'Escape') {
      if (isOpen) { ev.preventDefault(); close(); showChosen(); }
    }
  });
  // a restored draft sets the hidden input after the form is built
  setTimeout(() => { if (hidden.value && !chosen) { const o = byCode(hidden.value); if (o) choose(o); } }, 0);

  return h('div', { class: 'field wide combo', 'data-field': name },
    h('label', { for: id, text: t('case.offence') }, required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null),
    input, hidden, listbox, status,
    h('p', { class: 'hint', id: hintId, text: t('offence.hint') }),
    h('p', { class: 'ferr', id: errId, role: 'alert' }));
}
