// clock.js — custody clocks: time left before the legal deadline, counted
// against the server's clock, refreshed every 30 s while on screen.
import { h } from './dom.js';
import { t, fmtDuration, fmtDateTime } from './i18n.js';
import { serverNow } from './api.js';

const HOUR = 3600000;

export function custodyClock(deadline) {
  const el = h('span', { class: 'clock' });
  const tick = () => {
    const left = deadline - serverNow();
    el.textContent = fmtDuration(left);
    el.className = `clock ${left < 0 ? 'overdue' : left < 4 * HOUR ? 'urgent' : 'ok'}`;
    el.title = t('custody.deadline-at', { d: fmtDateTime(deadline) });
  };
  tick();
  const timer = setInterval(() => { if (!el.isConnected) clearInterval(timer); else tick(); }, 30000);
  return el;
}
