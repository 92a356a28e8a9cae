// guard.mjs — issue 10 item 8 in the browser, run by run.mjs: an officer of
// unit B adds to their own case, by CIN, a person unit A entered. The form
// asks for the purpose of the national look-up; the answer is shown in a
// dialog with what a person search shows, the unit holding the record and
// what was typed but not written into it — never unit A's address or phone.
// Screenshots in Arabic and French: tests/artifacts/screenshots/case-lookup-answer-*.png.

// apiAs(page, method, path, body): the JSON answer of a call made in the
// page's session (with its CSRF token).
async function apiAs(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: b ? JSON.stringify(b) : undefined });
    return { status: r.status, json: await r.json() };
  }, [method, path, body]);
}

export default async function guard({ test, newPage, loggedIn, setLangUI, shot, expect, base }) {
  await test('10.8: adding another unit\'s person by CIN asks the purpose and shows what came back (ar and fr)', async () => {
    const a = await newPage();
    await loggedIn(a, 'demo-officer');
    await a.goto(`${base()}/`);
    const offence = (await apiAs(a, 'GET', '/api/v1/offences')).json.offences[0].code;
    const caseA = (await apiAs(a, 'POST', '/api/v1/cases', { frame: 'preliminary', offences: [{ code: offence }], summary: 'Affaire de l’unité A' })).json.id;
    const cins = { ar: 'GD445566', fr: 'GD445567' };
    for (const cin of Object.values(cins)) {
      const r = await apiAs(a, 'POST', `/api/v1/cases/${caseA}/persons`, { role: 'victim', person: { cin, last_name_lat: 'Bennani', first_name_lat: 'Salma', address: '9 derb Sidi Maarouf', phone: '0661112233' } });
      expect(r.status === 201, `unit A's person: ${r.status}`);
    }
    await a.close();

    const page = await newPage();
    await loggedIn(page, 'demo-officer2');
    await page.goto(`${base()}/`);
    for (const lang of ['ar', 'fr']) {
      const id = (await apiAs(page, 'POST', '/api/v1/cases', { frame: 'preliminary', offences: [{ code: offence }], summary: `Affaire B ${lang}` })).json.id;
      await setLangUI(page, lang);
      await page.goto(`${base()}/cases/${id}`);
      await page.waitForSelector('#s-persons details.add summary');
      await page.click('#s-persons details.add summary');
      expect(await page.$('#s-persons details.add [name=purpose]'), `${lang}: the form does not ask for the purpose`);
      await page.selectOption('#s-persons select[name=role]', 'suspect');
      await page.fill('#s-persons details.add [name=purpose]', lang === 'ar' ? 'الاستماع في القضية' : 'audition dans l’affaire');
      await page.fill('#s-persons input[name="person.cin"]', cins[lang]);
      await page.fill('#s-persons input[name="person.last_name_lat"]', 'Bennani');
      await page.fill('#s-persons input[name="person.mother_name"]', 'Zahra');
      await page.click('#s-persons details.add button[type=submit]');
      await page.waitForSelector('dialog[open] .lookup-owner');
      const txt = await page.textContent('dialog[open]');
      expect(txt.includes('AR-CASA-OULFA'), `${lang}: the owning unit is not named: ${txt}`);
      expect(txt.includes(cins[lang]) && /BENNANI|Bennani/.test(txt), `${lang}: what came back is not shown: ${txt}`);
      expect(!txt.includes('Sidi Maarouf') && !txt.includes('0661112233'), `${lang}: unit A's address or phone shown`);
      expect(await page.$('dialog[open] .lookup-national'), `${lang}: not said to be a national look-up`);
      const na = await page.textContent('dialog[open] .lookup-not-applied');
      expect(lang === 'ar' ? na.includes('الأم') : /mère/.test(na), `${lang}: the mother's name is not listed as not written: ${na}`);
      await shot(page, 'case-lookup-answer');
      await page.click('dialog[open] .actions button');
      await page.waitForSelector('#s-persons td:has-text("Bennani"), #s-persons td:has-text("BENNANI")');
    }
    await page.close();
  });
}
