// run.mjs — browser tests: Debian's Chromium driven by playwright-core against
// a sijill server this script starts (SIJILL_BIN, SIJILL_DATA). Prints TAP.
// Screenshots of each page in Arabic and French go to tests/artifacts/screenshots/.
// Any console error or page error fails the test that was running.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'tests', 'artifacts', 'screenshots');
mkdirSync(shots, { recursive: true });
const BIN = process.env.SIJILL_BIN || join(root, 'build', 'sijill');
const tmp = mkdtempSync(join(tmpdir(), 'sijill-browser-'));
const PW = 'demo-password';

let n = 0;
let failed = 0;
const results = [];
function tap(ok, name, why) {
  n += 1;
  if (!ok) failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok && why) for (const l of String(why).split('\n').slice(0, 8)) console.log(`# ${l}`);
  results.push([ok, name]);
}

// The server.
function startServer() {
  const db = join(tmp, 'db');
  const key = join(tmp, 'key');
  const init = spawnSync(BIN, ['init', '--db', db, '--demo', '--audit-key', key], { env: process.env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`sijill init failed: ${init.stderr}`);
  const portFile = join(tmp, 'port');
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--audit-key', key, '--test-clock'];
  if (process.env.SIJILL_WEB) args.push('--web', process.env.SIJILL_WEB);
  const proc = spawn(BIN, args, { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (existsSync(portFile)) {
        const port = readFileSync(portFile, 'utf8').trim();
        if (port) { resolve({ proc, base: `http://127.0.0.1:${port}` }); return; }
      }
      if (proc.exitCode !== null) { reject(new Error(`sijill serve exited: ${stderr}`)); return; }
      if (Date.now() - t0 > 20000) { reject(new Error('no port file after 20 s')); return; }
      setTimeout(poll, 50);
    };
    poll();
  });
}

let server;
let ctx;
let base;
let errors = [];
const allErrors = [];

async function newPage() {
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // An API answer of 401/403/404 is handled by the UI (the browser still logs it).
    if (/^Failed to load resource/.test(m.text()) && /\/api\/v1\//.test(m.location().url || '')) return;
    errors.push(`console: ${m.text()}`);
    allErrors.push(m.text());
  });
  page.on('pageerror', (e) => { errors.push(`pageerror: ${e.message}`); allErrors.push(e.message); });
  return page;
}

async function test(name, fn) {
  // BROWSER_ONLY=substring runs only the matching tests (while debugging)
  if (process.env.BROWSER_ONLY && !name.includes(process.env.BROWSER_ONLY)) return;
  errors = [];
  try {
    await fn();
    if (errors.length) tap(false, name, errors.join('\n'));
    else tap(true, name);
  } catch (e) {
    tap(false, name, `${e.message}${errors.length ? `\n${errors.join('\n')}` : ''}`);
  }
}

function expect(cond, msg) { if (!cond) throw new Error(msg); }

async function shot(page, name) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.screenshot({ path: join(shots, `${name}-${lang}.png`), fullPage: true });
}

// shotBoth(page, name): the page in Arabic and in French (reloading the
// current URL in each), then back to the language it was in.
async function shotBoth(page, name, ready) {
  const start = await page.evaluate(() => document.documentElement.lang);
  for (const lang of [start, start === 'ar' ? 'fr' : 'ar']) {
    await setLangUI(page, lang);
    await page.reload();
    await page.waitForSelector('main h1');
    if (ready) await page.waitForSelector(ready);
    await page.waitForLoadState('networkidle');
    await shot(page, name);
  }
  await setLangUI(page, start);
}

// pickOption(page, select, text): choose the option whose label contains text.
async function pickOption(page, sel, text) {
  const v = await page.$eval(sel, (el, tx) => { const o = [...el.options].find((x) => x.textContent.includes(tx)); return o ? o.value : null; }, text);
  if (!v) throw new Error(`no option "${text}" in ${sel}`);
  await page.selectOption(sel, v);
}

async function login(page, badge, password) {
  await ctx.clearCookies();
  await page.goto(`${base}/login`);
  await page.waitForSelector('form.login-form');
  await page.fill('input[name=badge]', badge);
  await page.fill('input[name=password]', password || PW);
  await page.press('input[name=password]', 'Enter');
}

async function loggedIn(page, badge) {
  await login(page, badge);
  await page.waitForSelector('#logout', { timeout: 10000 });
  await page.waitForSelector('main h1');
}

async function setLangUI(page, lang) {
  const cur = await page.evaluate(() => document.documentElement.lang);
  if (cur !== lang) {
    await page.click('#lang-switch');
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.waitForSelector('main h1');
  }
}

async function apiHas(page, method, path) {
  return page.evaluate(async ([m, p]) => {
    const d = await (await fetch('/api/v1/openapi.json')).json();
    const norm = (s) => s.replace(/\{[^}]*\}/g, '{}');
    return Object.entries(d.paths).some(([k, ops]) => norm(k) === norm(p) && ops[m.toLowerCase()]);
  }, [method, path]);
}

// Visible text with no Latin letters outside the elements that are Latin on
// purpose (badges, codes, numbers, the language button, user data).
async function englishOnScreen(page) {
  return page.evaluate(() => {
    const skip = (el) => el.closest('[dir=ltr], code, .num, .hash, #lang-switch, .who, td, dd, option, input, textarea, bdi, .hint, [lang=fr]');
    const bad = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const node = walk.currentNode;
      const el = node.parentElement;
      if (!el || skip(el) || !el.offsetParent) continue;
      if (/[A-Za-z]{3,}/.test(node.textContent)) bad.push(node.textContent.trim().slice(0, 60));
    }
    return bad.filter((s) => !/^sijill/.test(s));
  });
}

async function main() {
  server = await startServer();
  base = server.base;
  const profile = mkdtempSync(join(tmpdir(), 'sijill-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1280, height: 900 },
    locale: 'fr-MA',
  });

  await test('the shell loads with no console error and a strict CSP', async () => {
    const page = await newPage();
    const res = await page.goto(`${base}/`);
    const csp = res.headers()['content-security-policy'] || '';
    await page.waitForSelector('form.login-form');
    expect(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'Arabic is the default, right-to-left');
    await shot(page, 'login');
    expect(!csp || !/unsafe-inline|unsafe-eval/.test(csp), `CSP allows inline: ${csp}`);
    await page.close();
  });

  await test('login error message is translated (ar and fr)', async () => {
    const page = await newPage();
    await login(page, 'demo-officer', 'wrong-password-1');
    await page.waitForSelector('.form-error:not([hidden])');
    const ar = await page.textContent('.form-error');
    expect(ar.includes('الرقم المهني أو كلمة المرور غير صحيحة'), `Arabic message: ${ar}`);
    await shot(page, 'login-error');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await page.fill('input[name=badge]', 'demo-officer');
    await page.fill('input[name=password]', 'wrong-password-2');
    await page.press('input[name=password]', 'Enter');
    await page.waitForSelector('.form-error:not([hidden])');
    const fr = await page.textContent('.form-error');
    expect(fr.includes('Matricule ou mot de passe incorrect'), `French message: ${fr}`);
    expect(!/badge or password/.test(fr), 'no English');
    await shot(page, 'login-error');
    // back to Arabic for the next tests
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'ar');
    await page.close();
  });

  await test('log in as demo-officer', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    const who = await page.textContent('.who');
    expect(who.length > 0, 'user shown in header');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.waitForLoadState('networkidle');
      await shot(page, 'home-officer');
    }
    await setLangUI(page, 'ar');
    await page.close();
  });

  await test('language switch persists across reload (per user, on the server)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    const start = await page.evaluate(() => document.documentElement.lang);
    const other = start === 'ar' ? 'fr' : 'ar';
    await setLangUI(page, other);
    await page.reload();
    await page.waitForSelector('main h1');
    expect(await page.evaluate(() => document.documentElement.lang) === other, 'language kept after reload');
    const dir = await page.evaluate(() => document.documentElement.dir);
    expect(dir === (other === 'ar' ? 'rtl' : 'ltr'), `dir=${dir}`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me.lang === other, `GET /me lang=${me.lang}`);
    await setLangUI(page, start);
    await page.close();
  });

  await test('no English on screen in either language (each page)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    const paths = ['/', '/cases', '/complaints', '/complaints/new', '/custody', '/persons', '/registers/wanted', '/registers/vehicles', '/registers/documents', '/settings'];
    const bad = [];
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      for (const p of paths) {
        await page.goto(`${base}${p}`);
        await page.waitForSelector('main h1');
        await page.waitForLoadState('networkidle');
        if (lang === 'ar') for (const s of await englishOnScreen(page)) bad.push(`${p}: ${s}`);
        const name = p === '/' ? 'home' : p.slice(1).replace(/\//g, '-');
        await shot(page, `officer-${name}`);
      }
    }
    await setLangUI(page, 'ar');
    expect(bad.length === 0, `Latin text in Arabic UI: ${bad.slice(0, 5).join(' | ')}`);
    await page.close();
  });

  await test('administration: users, units, create a user (live API)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-admin');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      for (const p of ['/', '/admin', '/admin/units', '/admin/reference', '/exchange']) {
        await page.goto(`${base}${p}`);
        await page.waitForSelector('main h1');
        await page.waitForLoadState('networkidle');
        await shot(page, `admin-${p === '/' ? 'home' : p.slice(1).replace(/\//g, '-')}`);
      }
    }
    await page.goto(`${base}/admin`);
    await page.waitForSelector('table');
    await page.fill('input[name=badge]', 'web-test-1');
    await page.fill('input[name=name]', 'Hicham Test');
    await page.selectOption('select[name=role]', 'officer');
    await page.fill('input[name=password]', 'short');
    await page.click('form[aria-label] button[type=submit] >> nth=-1');
    await page.waitForSelector('[data-field=password] .ferr:not(:empty)');
    // the typed fields survive the failed submit
    expect(await page.inputValue('input[name=name]') === 'Hicham Test', 'name kept after failed submit');
    await page.fill('input[name=password]', 'a-long-password-9');
    await page.click('form[aria-label] button[type=submit] >> nth=-1');
    await page.waitForSelector('text=web-test-1', { timeout: 10000 });
    await setLangUI(page, 'fr');
    await page.close();
  });

  await test('administration: database settings; the clock banner (live API)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-admin');
    await page.goto(`${base}/admin/settings`);
    await page.waitForSelector('.settings-list li');
    await shot(page, 'admin-settings');
    const item = page.locator('.settings-list li', { hasText: 'lookup.max_per_minute' });
    await item.locator('input[name=value]').fill('0');
    await item.locator('button[type=submit]').click();
    await item.locator('[data-field=value] .ferr:not(:empty)').waitFor();
    await item.locator('input[name=value]').fill('40');
    await item.locator('button[type=submit]').click();
    await page.waitForSelector('#toast.show');
    await page.waitForFunction(() => [...document.querySelectorAll('.settings-list li')]
      .some((li) => li.textContent.includes('lookup.max_per_minute') && li.querySelector('input[name=value]').value === '40'));
    // the clock: /healthz says unsynchronised -> a banner on every page
    const login = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ badge: 'demo-admin', password: PW }) });
    const { token } = await login.json();
    const clock = (v) => fetch(`${base}/api/v1/test/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ offset_ms: 0, clock_synchronised: v }) });
    await clock('no');
    for (const p of ['/', '/cases', '/admin/settings']) {
      await page.goto(`${base}${p}`);
      await page.waitForSelector('#clock-banner');
    }
    await shot(page, 'clock-banner');
    await clock('yes');
    await page.goto(`${base}/cases`);
    await page.waitForSelector('main h1');
    await page.waitForLoadState('networkidle');
    expect(!(await page.$('#clock-banner')), 'no banner once the clock is synchronised');
    await clock('auto');
    await page.close();
  });

  await test('auditor: query the log and verify the chain (live API)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-auditor');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.goto(`${base}/audit`);
      await page.waitForSelector('table');
      await page.click('#verify');
      await page.waitForSelector('.success, .alert');
      expect(await page.$('.success'), 'chain verified ok');
      await shot(page, 'audit');
      await page.goto(`${base}/`);
      await page.waitForLoadState('networkidle');
      await shot(page, 'home-auditor');
    }
    await page.close();
  });

  await test('expired session: login dialog over the form, nothing typed is lost', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await page.goto(`${base}/settings`);
    await page.waitForSelector('input[name=current_password]');
    // the session ends behind the page's back
    await page.evaluate(async () => {
      const me = await (await fetch('/api/v1/me')).json();
      await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf } });
    });
    await page.selectOption('select[name=lang]', 'fr');
    await page.click('form >> nth=0 >> button[type=submit]');
    await page.waitForSelector('dialog.reauth[open]');
    await shot(page, 'reauth-dialog');
    await page.fill('dialog.reauth input[name=password]', PW);
    await page.press('dialog.reauth input[name=password]', 'Enter');
    await page.waitForFunction(() => document.documentElement.lang === 'fr', null, { timeout: 10000 });
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me.lang === 'fr', 'the request was resent after login');
    await setLangUI(page, 'ar');
    await page.close();
  });

  await test('200% zoom: no horizontal scrolling, login and navigation usable', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 640, height: 450 }); // 1280x900 at 200 %
    await loggedIn(page, 'demo-officer');
    for (const p of ['/', '/complaints/new', '/persons']) {
      await page.goto(`${base}${p}`);
      await page.waitForSelector('main h1');
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(over <= 1, `${p} scrolls sideways by ${over}px`);
    }
    await shot(page, 'zoom200-complaint');
    await page.close();
  });

  // The case scenarios need the case API (src/app/routes.c); each says what is missing.
  const needCase = async (page, routes) => {
    const missing = [];
    for (const [m, p] of routes) if (!(await apiHas(page, m, p))) missing.push(`${m} ${p}`);
    if (missing.length) throw new Error(`the server has no ${missing.join(', ')} yet (case API not landed)`);
  };
  const state = {};

  await test('register a complaint and open a case from it', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await needCase(page, [['POST', '/api/v1/complaints'], ['GET', '/api/v1/complaints/{id}'], ['POST', '/api/v1/cases'], ['GET', '/api/v1/cases/{id}']]);
    await page.goto(`${base}/complaints/new`);
    await page.fill('input[name="complainant.last_name_lat"]', 'Bennani');
    await page.fill('input[name="complainant.first_name_lat"]', 'Samira');
    await page.fill('input[name="complainant.last_name_ar"]', 'بناني');
    await page.fill('input[name="complainant.first_name_ar"]', 'سميرة');
    await page.fill('textarea[name=facts]', 'سرقة هاتف محمول من داخل سيارة مركونة بشارع الزرقطوني.');
    await shot(page, 'complaint-new');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/complaints\/[^/]+$/);
    await page.waitForSelector('select[name=frame]');
    await shotBoth(page, 'complaint', 'select[name=frame]');
    await page.selectOption('select[name=frame]', 'preliminary');
    // the offence by its article number, with the keyboard only
    const combo = 'input[role=combobox]';
    await page.click(combo);
    await page.keyboard.type('505');
    await page.waitForSelector('.combo-list [role=option]');
    const first = await page.textContent('.combo-list [role=option] >> nth=0');
    expect(/505/.test(first), `article 505 not first: ${first}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('input[type=hidden][name=offence]') !== '', 'no offence chosen with the keyboard');
    expect(/\/complaints\//.test(page.url()), 'Enter in the search box submitted the form');
    // words in French find the same catalogue
    await page.fill(combo, 'vol');
    await page.waitForSelector('.combo-list [role=option]');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute(combo, 'aria-expanded') === 'false', 'Escape closes the list');
    await page.fill(combo, '505');
    await page.keyboard.press('Enter');
    await shot(page, 'offence-combobox');
    await page.click('form:has(select[name=frame]) button[type=submit]');
    await page.waitForURL(/\/cases\/[^/]+$/);
    state.caseUrl = page.url();
    await page.waitForSelector('.case-head');
    await shotBoth(page, 'case', '.case-head');
    const hist = await page.textContent('#s-history');
    expect(!/حدث|Événement/.test(hist), `generic history event: ${hist.slice(0, 200)}`);
    await page.close();
  });

  await test('add a suspect typed in Latin script and find him by an Arabic search', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await needCase(page, [['POST', '/api/v1/cases/{id}/persons'], ['GET', '/api/v1/persons/search']]);
    expect(state.caseUrl, 'no case from the previous scenario');
    await page.goto(state.caseUrl);
    await page.click('#s-persons summary');
    await page.selectOption('#s-persons select[name=role]', 'suspect');
    await page.fill('#s-persons input[name="person.first_name_lat"]', 'Mohammed');
    await page.fill('#s-persons input[name="person.last_name_lat"]', 'El Alaoui');
    await page.fill('#s-persons input[name="person.birth_date"]', '1990-04-12');
    await page.click('#s-persons button[type=submit]');
    await page.waitForSelector('#s-persons td:has-text("Alaoui")');
    await page.goto(`${base}/persons`);
    await page.fill('input[name=q]', 'محمد العلوي');
    await page.fill('input[name=purpose]', 'تحقق في إطار قضية سرقة');
    await page.click('button[type=submit]');
    await page.waitForSelector('.results table');
    const txt = await page.textContent('.results');
    expect(/Alaoui/i.test(txt), `Arabic search did not find him: ${txt.slice(0, 200)}`);
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.fill('input[name=q]', 'محمد العلوي');
      await page.fill('input[name=purpose]', 'تحقق في إطار قضية سرقة');
      await page.click('button[type=submit]');
      await page.waitForSelector('.results table');
      const match = await page.textContent('.results tbody tr td:nth-child(5)');
      if (lang === 'fr') expect(!match.includes('،'), `Arabic comma in French results: ${match}`);
      await shot(page, 'persons-results');
    }
    // the person's own page (cases with roles)
    await page.click('.results td a');
    await page.waitForSelector('.case-head');
    await shotBoth(page, 'person', '.case-head');
    await setLangUI(page, 'ar');
    await page.close();
  });

  await test('as demo-opj, open custody and seal a PV', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await needCase(page, [['POST', '/api/v1/cases/{id}/custody'], ['POST', '/api/v1/cases/{id}/pvs'], ['GET', '/api/v1/pvs/{id}'], ['POST', '/api/v1/pvs/{id}/seal']]);
    expect(state.caseUrl, 'no case from the previous scenario');
    await page.goto(state.caseUrl);
    await page.click('#s-custody summary');
    await pickOption(page, '#s-custody select[name=person_id]', 'Alaoui');
    await page.selectOption('#s-custody select[name=regime]', 'ordinary');
    await page.fill('#s-custody textarea[name=ground]', 'الحفاظ على الأدلة ومنع الفرار');
    await page.click('#s-custody button[type=submit]');
    await page.waitForSelector('#s-custody .clock');
    await page.click('#s-pvs summary');
    await page.selectOption('#s-pvs select[name=type]', 'hearing_suspect');
    await pickOption(page, '#s-pvs select[name=person_id]', 'Alaoui');
    await page.click('#s-pvs button[type=submit]');
    await page.waitForURL(/\/pvs\/[^/]+$/);
    state.pvUrl = page.url();
    await page.fill('textarea[name=statements]', 'صرح المشتبه فيه بأنه كان بعين المكان ساعة الوقائع.');
    await page.check('input[name=read_back]');
    await page.selectOption('select[name=signature]', 'signed');
    await page.click('form:has(textarea[name=statements]) button[type=submit]');
    await page.waitForSelector('#toast.show');
    await shotBoth(page, 'pv-editor', 'textarea[name=statements]');
    await page.check('input[name=confirm]');
    await page.click('form:has(input[name=confirm]) button[type=submit]');
    await page.waitForSelector('.badge.ok');
    expect(!(await page.$('textarea[name=statements]')), 'a sealed PV is still editable');
    await shotBoth(page, 'pv-sealed', '.badge.ok');
    await page.goto(`${base}/custody`);
    await page.waitForSelector('.clock');
    await shotBoth(page, 'custody', '.clock');
    await page.goto(`${base}/custody?status=daily`);
    await page.waitForSelector('main table');
    await shotBoth(page, 'custody-daily', 'main table');
    const href = await page.getAttribute('a[href*="custody-daily.html"]', 'href');
    const html = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    expect(/Alaoui/.test(html), 'daily HTML list names the person held');
    await page.close();
  });

  await test('the print view renders Arabic right-to-left', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await needCase(page, [['GET', '/api/v1/pvs/{id}']]);
    expect(state.pvUrl, 'no PV from the previous scenario');
    await setLangUI(page, 'ar');
    await page.goto(`${state.pvUrl}/print`);
    await page.waitForSelector('.print-doc');
    const r = await page.evaluate(() => {
      const d = document.querySelector('.print-doc');
      const h1 = d.querySelector('h1');
      return { dir: getComputedStyle(d).direction, lang: d.lang, text: d.textContent };
    });
    expect(r.dir === 'rtl' && r.lang === 'ar', `direction ${r.dir}`);
    expect(r.text.includes('المملكة المغربية'), 'Arabic heading');
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'pv-print');
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });

  await test('demo-officer2 cannot open the case', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer2');
    await needCase(page, [['GET', '/api/v1/cases/{id}']]);
    expect(state.caseUrl, 'no case from the previous scenario');
    await page.goto(state.caseUrl);
    await page.waitForSelector('main .alert');
    const txt = await page.textContent('main .alert');
    const lang = await page.evaluate(() => document.documentElement.lang);
    const want = lang === 'ar' ? ['غير مسموح', 'غير موجود'] : ['pas autorisé', 'Introuvable'];
    expect(want.some((w) => txt.includes(w)), `message: ${txt}`);
    expect(!(await page.$('.case-head')), 'case content shown');
    await shot(page, 'case-refused');
    await page.close();
  });

  await test('seizure: record an item and transfer it (chain of custody)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    expect(state.caseUrl, 'no case from the previous scenario');
    await page.goto(state.caseUrl);
    await page.click('#s-seizures summary');
    await page.fill('#s-seizures input[name=seal_no]', 'SC-2026-017');
    await page.fill('#s-seizures input[name=quantity]', '1');
    await page.fill('#s-seizures input[name=storage_place]', 'خزانة المحجوزات — الدائرة');
    await page.fill('#s-seizures input[name=holder]', 'Nadia Chraibi');
    await page.fill('#s-seizures textarea[name=description]', 'هاتف محمول من نوع سامسونغ، أسود اللون');
    await page.click('#s-seizures button[type=submit]');
    await page.click('#s-seizures a:has-text("SC-2026-017")');
    await page.waitForURL(/\/seizures\/[^/]+$/);
    await page.fill('input[name=to]', 'كتابة الضبط — المحكمة الابتدائية');
    await page.fill('input[name=reason]', 'إيداع بكتابة الضبط');
    await page.click('form:has(input[name=to]) button[type=submit]');
    await page.waitForSelector('#s-chain tbody tr:nth-child(2)');
    await shotBoth(page, 'seizure', '#s-chain');
    await page.close();
  });

  await test('complaints list: filter by disposition, page, open one with its actions', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await needCase(page, [['GET', '/api/v1/complaints']]);
    await page.click('#nav a[href="/complaints"]');
    await page.waitForURL(/\/complaints$/);
    await page.waitForSelector('main .results table, main .results .empty');
    expect(await page.getAttribute('#nav a[href="/complaints"]', 'aria-current') === 'page', 'nav marks the list');
    expect(!(await page.getAttribute('#nav a[href="/complaints/new"]', 'aria-current')), 'nav marks "new" too');
    await page.click('main .tabs a[href*="case_opened"]');
    await page.waitForURL(/disposition=case_opened/);
    await page.waitForSelector('main .results table');
    const txt = await page.textContent('main .results tbody');
    expect(/Bennani|بناني|سميرة/.test(txt), `the complaint with a case is not listed: ${txt.slice(0, 200)}`);
    expect(await page.$('main .pager'), 'no pager');
    await shotBoth(page, 'complaints-opened', 'main .results table');
    await page.goto(`${base}/complaints?disposition=all&offset=25`);
    await page.waitForSelector('main .results .empty, main .results table');
    expect(await page.$eval('main .pager button >> nth=0', (b) => !b.disabled), 'previous page disabled on page 2');
    // a pending one: register, find it in the list, open it, see its actions
    await page.goto(`${base}/complaints/new`);
    await page.fill('input[name="complainant.last_name_lat"]', 'Idrissi');
    await page.fill('input[name="complainant.first_name_lat"]', 'Omar');
    await page.fill('input[name=occurred_at]', '2026-03-05T21:30');
    const echo = await page.textContent('[data-field=occurred_at] .date-echo');
    expect(/2026/.test(echo) && /(مارس|mars)/.test(echo), `date in words: ${echo}`);
    await page.fill('textarea[name=facts]', 'نزاع حول حدود أرض فلاحية.');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/complaints\/[^/]+$/);
    await page.goto(`${base}/complaints`);
    await page.waitForSelector('main .results table');
    await shotBoth(page, 'complaints', 'main .results table');
    await page.click('main .results tr:has-text("Idrissi") a');
    await page.waitForURL(/\/complaints\/[^/]+$/);
    await page.waitForSelector('select[name=disposition]');
    expect(await page.$('input[role=combobox]'), 'opening a case from it is offered');
    await page.selectOption('select[name=disposition]', 'no_offence');
    await page.fill('form:has(select[name=disposition]) textarea[name=reason]', 'نزاع مدني لا يشكل جريمة');
    await page.click('form:has(select[name=disposition]) button[type=submit]');
    await page.waitForFunction(() => !document.querySelector('select[name=disposition]'));
    await shotBoth(page, 'complaint-disposed', '.facts');
    // dates in words on a filter form, in both languages
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.goto(`${base}/cases`);
      await page.fill('input[name=from]', '2026-03-05');
      const e = await page.textContent('[data-field=from] .date-echo');
      expect(lang === 'ar' ? /مارس/.test(e) : /mars 2026/.test(e), `${lang} date echo: ${e}`);
      await shot(page, 'cases-date');
    }
    await setLangUI(page, 'ar');
    await page.close();
  });

  await test('registers: record a wanted notice, a look-up hits it, the owning unit is notified', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await page.goto(`${base}/registers/wanted`);
    await page.click('details.add summary');
    await page.fill('input[name=last_name_lat]', 'Tazi');
    await page.fill('input[name=first_name_lat]', 'Karim');
    await page.fill('input[name=last_name_ar]', 'التازي');
    await page.fill('input[name=first_name_ar]', 'كريم');
    await page.fill('input[name=reference]', 'MR-2026-0042');
    await page.fill('input[name=issuing_authority]', 'النيابة العامة بالدار البيضاء');
    await page.selectOption('select[name=danger]', 'medium');
    await page.fill('input[name=offence]', 'سرقة موصوفة');
    await page.click('details.add button[type=submit]');
    await page.waitForSelector('main table td:has-text("MR-2026-0042")');
    await shotBoth(page, 'registers-wanted', 'main table');
    for (const k of ['vehicles', 'documents']) {
      await page.goto(`${base}/registers/${k}`);
      await page.waitForSelector('main h1');
      await shotBoth(page, `registers-${k}`);
    }
    // another unit's officer checks the name (one browser context: log in again after)
    await loggedIn(page, 'demo-officer2');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.goto(`${base}/registers/check`);
      await page.fill('input[name="person.name"]', 'كريم التازي');
      await page.fill('input[name=purpose]', 'مراقبة روتينية');
      await page.click('main button[type=submit]');
      await page.waitForSelector('.results .alert, .results .success');
      expect(await page.$('.results .alert'), 'the check did not hit the notice');
      await shot(page, 'registers-check');
    }
    await setLangUI(page, 'ar');
    await loggedIn(page, 'demo-officer');
    await page.goto(`${base}/registers/alerts`);
    await page.waitForSelector('main table');
    // two look-ups of the same notice the same day: one line, counted twice
    const rows = await page.$$eval('main tbody tr', (trs) => trs.filter((tr) => tr.textContent.includes('MR-2026-0042')).length);
    expect(rows === 1, `the repeated hit shows ${rows} times`);
    await shotBoth(page, 'registers-alerts', 'main table');
    await page.goto(`${base}/`);
    await page.waitForLoadState('networkidle');
    expect(!(await page.$('[data-missing]')), 'home still says a route is missing');
    const unread = await page.textContent('.unread-count');
    expect(/1/.test(unread), `home unread count: ${unread}`);
    await shotBoth(page, 'home-officer-after');
    await page.click('button.mark-read');
    await page.waitForSelector('#toast.show');
    await page.waitForFunction(() => !document.querySelector('button.mark-read'));
    const left = await page.evaluate(async () => (await (await fetch('/api/v1/notifications')).json()).items.filter((n) => !n.read_at).length);
    expect(left === 0, `${left} notifications still unread`);
    await shot(page, 'home-officer-read');
    await page.close();
  });

  await test('end custody, refer to the prosecutor, record the outcome', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await page.goto(`${base}/custody`);
    await page.click('main button.small:has-text("إنهاء"), main button.small:has-text("Mettre fin")');
    await page.waitForSelector('dialog[open] select[name=end]');
    await page.selectOption('dialog[open] select[name=end]', 'presented');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    await page.goto(state.caseUrl);
    await page.click('#s-referral summary');
    await page.click('#s-referral button[type=submit]');
    await page.waitForURL(/\/referrals\/[^/]+$/);
    await page.waitForSelector('select[name=outcome]');
    await shotBoth(page, 'referral', 'select[name=outcome]');
    await page.selectOption('select[name=outcome]', 'prosecuted');
    await page.click('form:has(select[name=outcome]) button[type=submit]');
    await page.waitForSelector('#toast.show');
    await page.goto(state.caseUrl);
    await page.waitForSelector('#s-history');
    await shotBoth(page, 'case-referred', '#s-history');
    await page.close();
  });

  await test('auditor sees unusual look-up flags', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-auditor');
    await page.goto(`${base}/audit`);
    await page.waitForSelector('main h2');
    await page.waitForLoadState('networkidle');
    await shotBoth(page, 'audit-flags');
    await page.close();
  });

  await (await import('./comms.mjs')).default({ test, newPage, loggedIn, setLangUI, shot, shotBoth, expect, base, englishOnScreen });

  await test('no console errors during the whole run', async () => {
    expect(allErrors.length === 0, `${allErrors.length} console or page errors: ${allErrors.slice(0, 3).join(' | ')}`);
  });
}

async function stop() {
  try { if (ctx) await ctx.close(); } catch (e) { /* */ }
  if (server && server.proc.exitCode === null) {
    server.proc.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(r, 5000); server.proc.on('exit', () => { clearTimeout(t); r(); }); });
  }
  rmSync(tmp, { recursive: true, force: true });
}

try {
  await main();
} catch (e) {
  tap(false, 'browser suite could not run', e.stack || e.message);
} finally {
  await stop();
  console.log(`1..${n}`);
  console.log(`# ${n - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
