// offences.js — the offence catalogue (reference data) as a select; a plain
// code field when the catalogue route is not on this server.
import { t, getLang } from './i18n.js';
import { api } from './api.js';
import { has } from './caps.js';
import { EP } from './endpoints.js';
import { field } from './forms.js';
import { listOf, pick } from './ui.js';

let cache = null;
export async function offenceList() {
  if (cache) return cache;
  if (!has('GET', EP.offences)) return null;
  cache = listOf(await api('GET', EP.offences), 'offences');
  return cache;
}

export function offenceLabel(o) {
  return (getLang() === 'ar' ? pick(o, 'label_ar') : pick(o, 'label_fr')) || o.code;
}

export async function offenceField(name, required) {
  const list = await offenceList();
  if (!list) return field({ name, label: 'case.offence', required, dir: 'ltr' });
  const opts = [['', 'msg.choose'], ...list.map((o) => [o.code, `${offenceLabel(o)}${o.article ? ` (${o.article})` : ''} — ${t(`class.${o.class}`)}`, true])];
  return field({ name, label: 'case.offence', type: 'select', required, options: opts, wide: true });
}
