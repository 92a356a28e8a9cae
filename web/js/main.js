// main.js — boot, the shell (header, navigation, language, logout), the
// client-side router, and the login screen and dialog.
import { h, mount, $ } from './dom.js';
import { t, setLang, getLang, initialLang, problemText } from './i18n.js';
import { api, setCsrf, setReauthHandler, setForbiddenHandler, ApiError } from './api.js';
import { loadCaps, allowed, setOpj } from './caps.js';
import { setRecentUser } from './recent.js';
import { field, form, clearAllDrafts } from './forms.js';
import { clockWatch, clockBanner } from './clockwarn.js';

const state = { user: null };

// Navigation: [path, label key, [method, api path]]: an item shows when the
// route table lets this role call its route (caps.allowed), nothing else.
const NAV = [
  ['/', 'nav.home', null],
  ['/cases', 'nav.cases', ['GET', '/api/v1/cases']],
  ['/complaints', 'nav.complaints', ['GET', '/api/v1/complaints']],
  ['/complaints/new', 'nav.complaint', ['POST', '/api/v1/complaints']],
  ['/custody', 'nav.custody', ['GET', '/api/v1/custody/deadlines']],
  ['/desk', 'nav.desk', ['GET', '/api/v1/desk/today']],
  ['/register', 'nav.register', ['GET', '/api/v1/units/{code}/custody-register']],
  ['/courante', 'nav.courante', ['GET', '/api/v1/units/{code}/main-courante']],
  ['/mobile', 'nav.mobile', ['GET', '/api/v1/mobile/tours']],
  ['/persons', 'nav.persons', ['GET', '/api/v1/persons/search']],
  ['/registers/wanted', 'nav.registers', ['GET', '/api/v1/registers/wanted']],
  ['/comms', 'nav.comms', ['GET', '/api/v1/comms/activities']],
  ['/comms/claims', 'nav.comms-claims', ['GET', '/api/v1/comms/claims']],
  ['/comms/crises', 'nav.comms-crises', ['GET', '/api/v1/comms/crises']],
  ['/comms/events', 'nav.comms-events', ['GET', '/api/v1/comms/events']],
  ['/comms/bilan', 'nav.comms-bilan', ['GET', '/api/v1/comms/bilan']],
  ['/stats', 'nav.stats', ['GET', '/api/v1/stats']],
  ['/audit', 'nav.audit', ['GET', '/api/v1/audit']],
  ['/admin', 'nav.admin', ['GET', '/api/v1/users']],
  ['/exchange', 'nav.exchange', ['GET', '/api/v1/exchange/status']],
  ['/settings', 'nav.settings', null],
];

export function navVisible(item, role) {
  const route = item[2];
  return !route || allowed(route[0], route[1], role);
}

const ROUTES = [
  [/^\/login$/, null],
  [/^\/$/, 'home'],
  [/^\/cases$/, 'cases'],
  [/^\/cases\/(?<id>[^/]+)$/, 'case'],
  [/^\/complaints$/, 'complaints'],
  [/^\/complaints\/new$/, 'complaint'],
  [/^\/complaints\/(?<id>[^/]+)\/receipt$/, 'receipt'],
  [/^\/complaints\/(?<id>[^/]+)$/, 'complaint'],
  [/^\/find$/, 'find'],
  [/^\/pvs\/(?<id>[^/]+)$/, 'pv'],
  [/^\/pvs\/(?<id>[^/]+)\/print$/, 'pvprint'],
  [/^\/custody$/, 'custody'],
  [/^\/persons$/, 'persons'],
  [/^\/registers\/(?<kind>wanted|vehicles|documents|check|alerts)$/, 'registers'],
  [/^\/seizures\/(?<id>[^/]+)$/, 'seizure'],
  [/^\/referrals\/(?<id>[^/]+)$/, 'referral'],
  [/^\/persons\/(?<id>[^/]+)$/, 'person'],
  [/^\/comms$/, 'comms'],
  [/^\/comms\/activities\/(?<id>[^/]+)$/, 'commsactivity'],
  [/^\/comms\/claims$/, 'commsclaims'],
  [/^\/comms\/claims\/(?<id>[^/]+)$/, 'commsclaims'],
  [/^\/comms\/crises$/, 'commscrises'],
  [/^\/comms\/crises\/(?<id>[^/]+)$/, 'commscrises'],
  [/^\/comms\/events$/, 'commsevents'],
  [/^\/comms\/events\/(?<id>[^/]+)$/, 'commsevents'],
  [/^\/comms\/bilan$/, 'commsbilan'],
  [/^\/stats(?:\/records|\/quality)?$/, 'stats'],
  [/^\/stats\/publications\/(?<id>[^/]+)$/, 'stats'],
  [/^\/audit$/, 'audit'],
  [/^\/admin$/, 'admin'],
  [/^\/admin\/(?<tab>units|reference|settings)$/, 'admin'],
  [/^\/settings$/, 'settings'],
  [/^\/desk$/, 'desk'],
  [/^\/register$/, 'register'],
  [/^\/courante$/, 'courante'],
  [/^\/desk\/declare\/(?<kind>loss|theft)$/, 'deskdeclare'],
  [/^\/desk\/declarations\/(?<id>[^/]+)$/, 'deskdeclaration'],
  [/^\/desk\/residence\/(?<id>[^/]+)$/, 'deskresidence'],
  [/^\/mobile$/, 'mobile'],
  [/^\/mobile\/tours\/(?<id>[^/]+)$/, 'mobile'],
  [/^\/mobile\/enrolments\/(?<enrolment>[^/]+)$/, 'mobile'],
  [/^\/verify\/(?<number>[^/]+)$/, 'verify'],
  [/^\/cnie\/(?<number>[^/]+)$/, 'cnie'],
  [/^\/exchange$/, 'exchange'],
];
// Pages outside the login (the public verification of a printed document).
const PUBLIC = /^\/(?:verify|cnie)\//;

export function go(path, replace) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

export function toast(msg) {
  const el = $('#toast');
  el.textContent = msg;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 5000);
}

function setTitle(key) { document.title = `${t(key)} — ${t('app.name')}`; }

function renderShell() {
  const u = state.user;
  $('#skip-link').textContent = t('app.skip');
  clockBanner();
  const top = $('#top');
  const nav = $('#nav');
  if (!u) { mount(top, h('span', { class: 'brand', text: t('app.name') }), langButton()); mount(nav); nav.hidden = true; return; }
  nav.hidden = false;
  mount(top,
    h('a', { href: '/', class: 'brand', 'data-link': true, text: t('app.name') }),
    allowed('GET', '/api/v1/find', u.role) ? searchBox() : null,
    h('span', { class: 'who' },
      h('bdi', null, h('strong', { text: u.name })), ' · ', t(`role.${u.role}`), ' · ', h('bdi', { text: u.unit ? (getLang() === 'ar' ? u.unit.name_ar : u.unit.name_fr) : '' })),
    langButton(),
    h('button', { type: 'button', class: 'link', id: 'logout', onclick: logout, text: t('act.logout') }));
  const here = location.pathname;
  const items = NAV.filter((i) => navVisible(i, u.role));
  // the current item: the longest path the address starts with
  const under = (p) => (p === '/' ? here === '/' : here === p || here.startsWith(`${p}/`));
  const best = items.map((i) => i[0].replace(/\/wanted$/, '')).filter(under).sort((a, b) => b.length - a.length)[0];
  mount(nav, h('ul', null, items.map((i) => {
    const cur = i[0].replace(/\/wanted$/, '') === best;
    return h('li', null, h('a', { href: i[0], 'data-link': true, 'aria-current': cur ? 'page' : null, text: t(i[1]) }));
  })));
  nav.setAttribute('aria-label', t('nav.label'));
}

// searchBox(): the header's search — a case number, a receipt number, a
// person's name or a plate (the find page sorts out which).
function searchBox() {
  const input = h('input', {
    type: 'search', name: 'q', id: 'find-q', dir: 'auto', autocomplete: 'off', 'aria-label': t('find.label'),
    placeholder: t('find.placeholder'), value: location.pathname === '/find' ? (new URLSearchParams(location.search).get('q') || '') : '',
  });
  return h('form', {
    class: 'find', role: 'search', 'aria-label': t('find.label'),
    onsubmit: (ev) => { ev.preventDefault(); const q = input.value.trim(); if (q) go(`/find?q=${encodeURIComponent(q)}`); },
  }, input, h('button', { type: 'submit', text: t('act.search') }));
}

function langButton() {
  const other = getLang() === 'ar' ? 'fr' : 'ar';
  return h('button', {
    type: 'button', class: 'lang', id: 'lang-switch', lang: other, 'aria-label': t('act.switch-lang'),
    onclick: () => switchLang(other), text: other === 'fr' ? 'Français' : 'العربية',
  });
}

async function switchLang(l) {
  if (state.user) {
    try {
      await api('PUT', '/api/v1/me/lang', { lang: l });
      state.user.lang = l;
    } catch (e) { toast(problemText(e)); return; }
  }
  setLang(l);
  route();
}

async function logout() {
  try { await api('DELETE', '/api/v1/session', undefined, { noReauth: true }); } catch (e) { /* gone already */ }
  state.user = null;
  setRecentUser(null);
  setCsrf(null);
  clearAllDrafts();
  go('/login', true);
}

function loginForm(onDone, badge) {
  return form({
    submit: 'act.login', label: 'login.title', class: 'login-form',
    onSubmit: async (v) => {
      const r = await api('POST', '/api/v1/session', { badge: v.badge, password: v.password }, { noReauth: true });
      setCsrf(r.csrf);
      await onDone(r);
    },
  },
  field({ name: 'badge', label: 'login.badge', required: true, autocomplete: 'username', value: badge, dir: 'ltr', wide: true }),
  field({ name: 'password', label: 'login.password', type: 'password', required: true, autocomplete: 'current-password', wide: true }));
}

// signedIn(me): GET /me's answer is who uses the UI now — the user, their
// OPJ status for the route table, their recent items, the CSRF token.
function signedIn(me) {
  state.user = me;
  setOpj(me.opj);
  setRecentUser(me.badge);
  setCsrf(me.csrf);
}

async function afterLogin(r) {
  const me = await api('GET', '/api/v1/me', undefined, { noReauth: true });
  signedIn(me);
  if (me.lang && me.lang !== getLang()) setLang(me.lang);
  const next = new URLSearchParams(location.search).get('next');
  go(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
  return r;
}

function loginPage() {
  setTitle('login.title');
  const f = loginForm(afterLogin);
  return h('section', { class: 'login card' },
    h('h1', { text: t('login.title') }),
    h('p', { class: 'muted', text: t('login.intro') }),
    f);
}

// reauth(): the session expired during work: a modal login over the page;
// resolves when logged in again (the caller then resends its request).
let reauthPromise = null;
function reauth() {
  if (reauthPromise) return reauthPromise;
  reauthPromise = new Promise((resolve) => {
    const dlg = h('dialog', { class: 'reauth', 'aria-labelledby': 'reauth-title' });
    const f = loginForm(async (r) => {
      const me = await api('GET', '/api/v1/me', undefined, { noReauth: true });
      dlg.close();
      dlg.remove();
      reauthPromise = null;
      if (state.user && me.badge !== state.user.badge) { location.assign('/'); return; }
      signedIn(me);
      resolve(r);
    }, state.user ? state.user.badge : '');
    mount(dlg, h('h2', { id: 'reauth-title', text: t('login.expired') }), h('p', { class: 'muted', text: t('login.expired-intro') }), f);
    dlg.addEventListener('cancel', (ev) => ev.preventDefault());
    document.body.appendChild(dlg);
    dlg.showModal();
    const pw = dlg.querySelector('input[type=password]');
    if (pw) pw.focus();
  });
  return reauthPromise;
}

function forbidden() { toast(t('err.forbidden')); }

function notFound() {
  setTitle('err.not-found');
  return h('section', { class: 'card' }, h('h1', { text: t('err.not-found') }), h('p', null, h('a', { href: '/', 'data-link': true, text: t('nav.home') })));
}

let routeSeq = 0;
async function route() {
  const seq = ++routeSeq;
  const path = location.pathname;
  const main = $('#main');
  if (!state.user && path !== '/login' && !PUBLIC.test(path)) {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
    history.replaceState(null, '', `/login${next}`);
  }
  if (state.user && location.pathname === '/login') history.replaceState(null, '', '/');
  document.body.classList.remove('printing');
  renderShell();
  const p = location.pathname;
  if (p === '/login') { mount(main, loginPage()); focusMain(); return; }
  let mod = null;
  let params = {};
  for (const [re, name] of ROUTES) {
    const m = re.exec(p);
    if (m) { mod = name; params = m.groups || {}; break; }
  }
  if (!mod) { mount(main, notFound()); return; }
  main.setAttribute('aria-busy', 'true');
  try {
    const page = await import(`./pages/${mod}.js`);
    const ctx = { user: state.user, params, query: new URLSearchParams(location.search), go, toast, setTitle, rerender: route };
    const node = await page.render(ctx);
    if (seq !== routeSeq) return;
    mount(main, node);
    focusMain();
  } catch (e) {
    if (seq !== routeSeq) return;
    if (!(e instanceof ApiError)) console.error(e);
    mount(main, h('section', { class: 'card' }, h('h1', { text: t('msg.error') }), h('p', { class: 'alert', role: 'alert', text: problemText(e) })));
  } finally {
    main.removeAttribute('aria-busy');
  }
}

function focusMain() {
  const h1 = $('#main h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || a.target) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', route);

async function boot() {
  setLang(initialLang());
  setReauthHandler(reauth);
  setForbiddenHandler(forbidden);
  clockWatch();
  await loadCaps();
  try {
    const me = await api('GET', '/api/v1/me', undefined, { noReauth: true });
    signedIn(me);
    if (me.lang) setLang(me.lang);
  } catch (e) {
    state.user = null;
  }
  await route();
}

boot();
