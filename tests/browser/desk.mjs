// desk.mjs — the front desk in the browser (issue 13), run by run.mjs: a
// theft declaration typed in French (a bad IMEI refused next to its field,
// then a phone and a bank card), its receipt printed to PDF by Chromium,
// rendered to PNG (pdftoppm) and its QR code read back (zbarimg) as the
// verification URL; a residence certificate in Arabic from request to issue,
// printed the same way; the verification page opened from the QR's URL
// without logging in shows validity and no personal data. The PNGs are kept
// in tests/artifacts/desk/ to be looked at.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

// printed(page, url, name): url printed to A4 PDF by the browser, page 1 as
// PNG; returns [pdf, png, the QR code's text].
async function printed(h, page, url, name) {
  const dir = join(h.root, 'tests', 'artifacts', 'desk');
  mkdirSync(dir, { recursive: true });
  const pdf = join(dir, `${name}.pdf`);
  await page.goto(url);
  await page.waitForSelector('svg.qr');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number((/Pages:\s+(\d+)/.exec(info.stdout) || [])[1]);
  h.expect(pages === 1, `${name}: ${pages} pages, one A4 page expected`);
  const ppm = spawnSync('pdftoppm', ['-png', '-r', '110', '-singlefile', pdf, join(dir, name)], { encoding: 'utf8' });
  h.expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
  const png = join(dir, `${name}.png`);
  const z = spawnSync('zbarimg', ['--quiet', '--raw', png], { encoding: 'utf8' });
  h.expect(z.status === 0, `zbarimg read no code in ${png}: ${z.stderr}`);
  return [pdf, png, z.stdout.trim()];
}

export async function deskTests(h) {
  const { test, newPage, loggedIn, setLangUI, expect } = h;
  const state = {};

  await test('desk: a theft declaration (French), bad IMEI refused in place, receipt printed with its QR code', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await setLangUI(page, 'fr');
    await page.goto(`${h.base()}/desk`);
    await page.waitForSelector('a[href="/desk/declare/theft"]');
    await h.shotBoth(page, 'desk-day');
    await page.click('a[href="/desk/declare/theft"]');
    await page.waitForSelector('select[name="items[0].item_type"]');
    await page.fill('input[name="declarant.last_name_lat"]', 'Chraibi');
    await page.fill('input[name="declarant.first_name_lat"]', 'Youssef');
    await page.fill('input[name="declarant.cin"]', 'BH551122');
    await page.fill('input[name="occurred_at"]', '2026-11-30T10:15');
    await page.fill('input[name="place"]', 'Place des Nations Unies');
    await page.selectOption('select[name="items[0].item_type"]', 'phone');
    await page.fill('input[name="items[0].imei"]', '490154203237519');
    await page.click('#add-item');
    await page.waitForSelector('select[name="items[1].item_type"]');
    await page.selectOption('select[name="items[1].item_type"]', 'card');
    await page.fill('input[name="items[1].card_last4"]', '4242');
    await page.click('main form button[type=submit]');
    const err = await page.waitForSelector('[data-field="items[0].imei"] .ferr:not(:empty)');
    const msg = await err.textContent();
    expect(/IMEI/.test(msg) && /chiffres/.test(msg), `the IMEI error in French: "${msg}"`);
    await h.shot(page, 'desk-declare-error');
    await page.fill('input[name="items[0].imei"]', '490154203237518');
    await page.click('main form button[type=submit]');
    await page.waitForURL(/\/desk\/declarations\//);
    state.declUrl = page.url();
    await page.waitForSelector('#receipt-no');
    state.receipt = (await page.textContent('#receipt-no')).trim();
    expect(/\/DC-\d{6}$/.test(state.receipt), `receipt number ${state.receipt}`);
    const href = await page.getAttribute('a.print-link', 'href');
    const [, png, qr] = await printed(h, page, `${h.base()}${href}`, 'receipt');
    const body = await page.textContent('body');
    expect(body.includes(state.receipt), 'the receipt shows its number');
    expect(body.includes('وصل التصريح بالسرقة') && body.includes('Récépissé de déclaration de vol'), 'the title in both languages');
    expect(qr.startsWith(`${h.base()}/verify/`) && body.includes(qr), `the QR code reads ${qr}, the URL printed on the receipt`);
    state.receiptPng = png;
    state.receiptQr = qr;
    await page.close();
  });

  await test('desk: a residence certificate in Arabic, request → check → issue, printed with its QR code', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await setLangUI(page, 'ar');
    await page.goto(`${h.base()}/desk/residence/new`);
    await page.waitForSelector('select[name=commune]');
    await page.fill('input[name="applicant.last_name_ar"]', 'الفاسي');
    await page.fill('input[name="applicant.first_name_ar"]', 'مريم');
    await page.fill('input[name="applicant.last_name_lat"]', 'Elfassi');
    await page.fill('input[name="applicant.first_name_lat"]', 'Meryem');
    await page.fill('input[name="applicant.cin"]', 'BE778899');
    await page.fill('input[name=address]', '25 زنقة الياسمين، المعاريف');
    await page.selectOption('select[name=commune]', 'COM-CASABLANCA');
    await page.selectOption('select[name=purpose]', 'cnie');
    await h.shot(page, 'desk-residence-new');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('select[name=check_kind]');
    await page.selectOption('select[name=check_kind]', 'visit');
    await page.fill('input[name=check_on]', '2026-11-30');
    await page.selectOption('select[name=check_result]', 'confirmed');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('select[name=decision]');
    await page.selectOption('select[name=decision]', 'issued');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#serial-no');
    const serial = (await page.textContent('#serial-no')).trim();
    expect(/\/CR-\d{6}$/.test(serial), `serial ${serial}`);
    await h.shot(page, 'desk-residence-issued');
    state.certUrl = page.url();
    const href = await page.getAttribute('a.print-link', 'href');
    const [, png, qr] = await printed(h, page, `${h.base()}${href}`, 'certificate');
    const body = await page.textContent('body');
    expect(body.includes('شهادة السكنى') && body.includes('Certificat de résidence'), 'the certificate in both languages');
    expect(body.includes(serial) && body.includes(qr), 'serial number and verification URL printed');
    state.certPng = png;
    state.certQr = qr;
    await page.close();
  });

  await test('desk: the QR URL opens the public verification without login: valid, no personal data (ar and fr)', async () => {
    expect(state.certQr, 'a certificate was printed');
    const page = await newPage();
    await h.context().clearCookies();
    for (const lang of ['fr', 'ar']) {
      await page.goto(state.certQr);
      await page.evaluate((l) => { try { localStorage.setItem('sijill.lang', l); } catch (e) { /* */ } }, lang);
      await page.goto(state.certQr);
      await page.waitForSelector('#verify-result');
      const found = await page.getAttribute('#verify-result', 'data-found');
      const valid = await page.getAttribute('#verify-result', 'data-valid');
      expect(found === 'true' && valid === 'true', `verification: found=${found} valid=${valid}`);
      const text = await page.textContent('main');
      for (const pii of ['Elfassi', 'Meryem', 'الفاسي', 'مريم', 'BE778899', 'الياسمين']) expect(!text.includes(pii), `the verification page shows ${pii}`);
      await h.shot(page, 'desk-verify');
    }
    await page.goto(state.receiptQr.replace(/c=[^&]+/, 'c=ZZZZZZZZ'));
    await page.waitForSelector('#verify-result');
    expect(await page.getAttribute('#verify-result', 'data-found') === 'false', 'a forged code is not found');
    await page.close();
  });

  // nothing is deleted: the chief revokes the issued certificate with its
  // reason, the desk corrects it by a new request that names it; the
  // officer cancels their declaration the same day; the public verification
  // and the reprinted receipt say the paper no longer holds
  await test('desk: a certificate revoked (fr) and corrected (ar), a declaration cancelled; the verification says so', async () => {
    expect(state.certUrl && state.declUrl, 'a certificate was issued and a declaration made');
    const page = await newPage();
    await loggedIn(page, 'demo-chief');
    await setLangUI(page, 'fr');
    await page.goto(state.certUrl);
    await page.waitForSelector('#revoke-card');
    await h.shot(page, 'desk-residence-revoke');
    await page.click('#revoke-card button[type=submit]');
    const ferr = await page.waitForSelector('#revoke-card [data-field="reason"] .ferr:not(:empty)');
    expect((await ferr.textContent()).length > 3, 'a revocation without its reason is refused next to the field');
    await page.fill('#revoke-card [name=reason]', 'Adresse erronée : 25, et non 52, rue des Jasmins');
    await page.click('#revoke-card button[type=submit]');
    await page.click('dialog [data-confirm=yes]');
    await page.waitForSelector('#revoked');
    const status = await page.textContent('#res-status');
    expect(/Révoqué/.test(status), `the status reads "${status}"`);
    await h.shotBoth(page, 'desk-residence-revoked');
    await setLangUI(page, 'ar');
    await page.click('a[href^="/desk/residence/new?replaces="]');
    await page.waitForSelector('#replaces-note');
    const addr = await page.inputValue('input[name=address]');
    const last = await page.inputValue('input[name="applicant.last_name_ar"]');
    expect(addr.includes('الياسمين') && last === 'الفاسي', `the correction starts from the revoked one: "${addr}", "${last}"`);
    await page.fill('input[name=address]', '25 زنقة الياسمين، المعاريف، الطابق 2');
    await h.shot(page, 'desk-residence-correct');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('select[name=check_kind]');
    const body = await page.textContent('main');
    expect(body.includes('تعوض الشهادة رقم'), 'the new request names the certificate it replaces');
    await h.shot(page, 'desk-residence-replacing');
    await page.close();

    const pub = await newPage();
    await pub.goto(state.certQr);
    await pub.waitForSelector('#verify-result');
    expect(await pub.getAttribute('#verify-result', 'data-valid') === 'false', 'the revoked certificate no longer verifies as valid');
    expect(await pub.getAttribute('#verify-result p', 'data-cancelled') === 'true', 'the verification says it was revoked');
    await h.shot(pub, 'desk-verify-revoked');
    await pub.close();

    const desk = await newPage();
    await loggedIn(desk, 'demo-officer');
    await setLangUI(desk, 'fr');
    await desk.goto(state.declUrl);
    await desk.waitForSelector('#cancel-card');
    await desk.fill('#cancel-card [name=reason]', 'Le déclarant a retrouvé son téléphone au guichet');
    await desk.click('#cancel-card button[type=submit]');
    await desk.click('dialog [data-confirm=yes]');
    await desk.waitForSelector('#cancelled');
    expect(!(await desk.$('#cancel-card')), 'no second cancellation offered');
    await h.shotBoth(desk, 'desk-declaration-cancelled');
    const href = await desk.getAttribute('a.print-link', 'href');
    const [, png] = await printed(h, desk, `${h.base()}${href}`, 'receipt-cancelled');
    const printedText = await desk.textContent('body');
    expect(printedText.includes('Déclaration annulée') && printedText.includes('تصريح ملغى') && printedText.includes('retrouvé son téléphone'),
      'the reprint says it was cancelled, and why, in both languages');
    state.cancelledPng = png;
    await desk.close();
  });
}
