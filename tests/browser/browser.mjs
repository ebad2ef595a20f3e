// browser.mjs: the site in a real browser (Debian's Chromium driven by playwright-core), with
// axe-core for WCAG 2.1 A and AA. Started by run.py with a running httpd:
//
//   RC_BASE_URL     http://127.0.0.1:PORT        RC_MOUNT        /rootcauses
//   RC_PAGES        JSON [{name, path, status, lang, listing}]
//   RC_SCREENSHOTS  folder for the PNGs
//   RC_CHROMIUM     the browser (default /usr/bin/chromium)
//
// Prints "ok NAME" or "FAILED NAME: why" per test, then "N passed, N failed".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.RC_BASE_URL;
const B = process.env.RC_MOUNT || '/rootcauses';
const pages = JSON.parse(process.env.RC_PAGES || '[]');
const shots = process.env.RC_SCREENSHOTS;
const WIDE = { width: 1280, height: 900 };
// A phone: the first screen of a listing shows its first result.
const NARROW = { width: 375, height: 800 };
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Chromium as the machine has it: no downloads, no sandbox (root in a container), a fresh
// profile (playwright-core gives every launch() a new temporary --user-data-dir).
const LAUNCH = {
    executablePath: process.env.RC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

// ---------------------------------------------------------------- a tiny test runner

let passed = 0, failed = 0;

class Failure extends Error {}

function expect(cond, message) {
    if (!cond) throw new Failure(message);
}

function expectEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e) throw new Failure(`${what}: got ${a}, expected ${e}`);
}

async function test(name, fn) {
    try {
        await fn();
        passed++;
        console.log(`ok      ${name}`);
    } catch (e) {
        failed++;
        const why = e instanceof Failure ? e.message : (e && e.stack) || String(e);
        console.log(`FAILED  ${name}: ${why}`);
    }
}

// ---------------------------------------------------------------- helpers

// A new page in ctx that records console errors, page errors and failed sub-requests.
async function openPage(ctx) {
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    const problems = [];
    page.on('console', (m) => {
        if (m.type() === 'error') {
            const loc = m.location();
            problems.push({ text: m.text(), url: loc && loc.url });
        }
    });
    page.on('pageerror', (e) => problems.push({ text: `page error: ${e.message}` }));
    page.on('requestfailed', (r) => problems.push({
        text: `request failed: ${r.url()} ${r.failure() && r.failure().errorText}` }));
    page.on('response', (r) => {
        if (r.status() >= 400 && r.request().resourceType() !== 'document')
            problems.push({ text: `${r.status()} for ${r.url()}` });
    });
    return { page, problems };
}

// Console errors other than Chromium's note about the document's own (expected) error status.
function consoleErrors(problems, url, status) {
    return problems.filter((p) => !(status >= 400 && p.url === url &&
        p.text.startsWith(`Failed to load resource: the server responded with a status of ${status}`)))
        .map((p) => p.text);
}

async function runAxe(page) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
        // Evaluated through the DevTools protocol: the page's CSP (default-src 'self') stays on.
        await page.evaluate(axeSource);
    }
    const r = await page.evaluate((tags) => window.axe.run(document, {
        runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
    }), WCAG);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ` +
        v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}

async function tabTo(page, selector, max = 120) {
    for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s),
            selector))
            return;
    }
    throw new Failure(`${selector} not reached with ${max} presses of Tab`);
}

const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

const focusedMatches = (page, selector) => page.evaluate((s) =>
    Boolean(document.activeElement && document.activeElement.matches(s)), selector);

// The top and bottom of the first element matching selector, from the top of the document.
const topOf = (page, selector) => page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: Math.round(r.top + window.scrollY), bottom: Math.round(r.bottom + window.scrollY) };
});

// What Chromium tells screen readers about the first element matching selector: its role, name,
// whether it is left out of the accessibility tree, and its expanded state.
async function axNode(page, selector) {
    const cdp = await page.context().newCDPSession(page);
    try {
        const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
        expect(nodeId, `${selector}: no such element`);
        const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
        const n = nodes[0];
        const prop = (name) => ((n.properties || []).find((x) => x.name === name) || {}).value;
        const expanded = prop('expanded');
        return { ignored: n.ignored, role: n.role && n.role.value, name: n.name && n.name.value,
            expanded: expanded ? expanded.value : undefined };
    } finally {
        await cdp.detach();
    }
}

// Opens the page's disclosures (the menu; the filter on listings) as a reader would: a click on
// each summary that is shown. Wide screens show none, and their content whatever the state, so
// there the open state is set directly. Returns how many were opened.
async function openDisclosures(page) {
    let opened = 0;
    for (;;) {
        const closed = page.locator('details.disclosure:not([open]) > summary');
        const n = await closed.count();
        let clicked = false;
        for (let i = 0; i < n && !clicked; i++) {
            if (await closed.nth(i).isVisible()) {
                await closed.nth(i).click();
                clicked = true;
                opened++;
            }
        }
        if (!clicked)
            break;
    }
    opened += await page.evaluate(() => {
        const closed = [...document.querySelectorAll('details.disclosure:not([open])')];
        closed.forEach((d) => { d.open = true; });
        return closed.length;
    });
    return opened;
}

async function box(page, selector) {
    const b = await page.locator(selector).first().boundingBox();
    expect(b, `${selector} is not displayed`);
    return b;
}

// Whether the focused element shows a focus indicator of its own: an outline at least 2 px
// wide in a visible colour, a box shadow, or the focus highlight's background.
function focusIndicator() {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, what: 'nothing focused' };
    const cs = getComputedStyle(el);
    const transparent = (c) => c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 &&
        !transparent(cs.outlineColor);
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const what = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
        `${el.className ? '.' + String(el.className).split(' ').join('.') : ''}` +
        ` "${(el.textContent || el.value || '').trim().slice(0, 30)}"`;
    return { ok: Boolean(outline || shadow), what };
}

// ---------------------------------------------------------------- the tests

// Every page of RC_PAGES (every page type in every language) at both sizes, as it loads (menu and
// filter closed; the filter open on a 400) and with its disclosures open.
async function pageTests(browser) {
    for (const [label, viewport] of [['1280px', WIDE], ['375px', NARROW]]) {
        const ctx = await browser.newContext({ viewport });
        const phone = viewport === NARROW;
        for (const p of pages) {
            const { page, problems } = await openPage(ctx);
            const url = base + p.path;
            const screen = `${viewport.width}x${viewport.height}`;
            let status = 0;
            await test(`${p.name} @${label}: answers ${p.status}`, async () => {
                const resp = await page.goto(url, { waitUntil: 'load' });
                status = resp.status();
                expectEqual(status, p.status, 'status');
            });
            await test(`${p.name} @${label}: no axe-core violation of WCAG 2.1 A/AA (as loaded)`, async () => {
                const v = await runAxe(page);
                expect(v.length === 0, `${v.length} violation(s):\n    ${v.join('\n    ')}`);
            });
            await test(`${p.name} @${label}: no console error`, async () => {
                const errors = consoleErrors(problems, url, status);
                expect(errors.length === 0, errors.join('; '));
            });
            await test(`${p.name} @${label}: no horizontal scrolling`, async () => {
                const [sw, cw] = await page.evaluate(() =>
                    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
                expect(sw <= cw, `the page is ${sw}px wide in a ${cw}px viewport`);
            });
            if (phone) {
                await test(`${p.name} @${label}: the <h1> is on the first screen (${screen})`, async () => {
                    const h1 = await topOf(page, 'h1');
                    expect(h1.bottom <= viewport.height, `the h1 spans ${h1.top}..${h1.bottom}px`);
                });
                if (p.listing && p.status === 200)
                    await test(`${p.name} @${label}: the first result starts on the first screen (${screen})`, async () => {
                        const first = await topOf(page, '.items > .item');
                        const title = await topOf(page, '.items > .item .item-title');
                        expect(first.top < viewport.height && title.bottom <= viewport.height,
                            `the first result starts at ${first.top}px, its title ends at ${title.bottom}px`);
                    });
            }
            if (shots)
                await page.screenshot({ path: join(shots, `${p.name}-${label}.png`), fullPage: true });
            // Wide screens draw the same page in either state: there the listings stand for all
            // (the time goes to the phone's states).
            if (phone || p.listing)
                await test(`${p.name} @${label}: no axe-core violation of WCAG 2.1 A/AA (menu and filter open)`, async () => {
                    const opened = await openDisclosures(page);
                    // The menu on every page; on a listing the filter too, which a 400 opens itself.
                    expectEqual(opened, p.listing && p.status === 200 ? 2 : 1, 'disclosures opened');
                    const v = await runAxe(page);
                    expect(v.length === 0, `${v.length} violation(s):\n    ${v.join('\n    ')}`);
                    const [sw, cw] = await page.evaluate(() =>
                        [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
                    expect(sw <= cw, `open: the page is ${sw}px wide in a ${cw}px viewport`);
                });
            if (shots && phone)
                await page.screenshot({ path: join(shots, `${p.name}-${label}-open.png`), fullPage: true });
            await page.close();
        }
        await ctx.close();
    }
}

async function layoutTests(browser) {
    const wide = await browser.newContext({ viewport: WIDE });
    const narrow = await browser.newContext({ viewport: NARROW });
    const listing = `${base}${B}/section-353`;

    await test('landmarks: banner, main navigation, main, contentinfo, search; one h1', async () => {
        const { page } = await openPage(wide);
        for (const path of [`${B}/`, `${B}/section-353`, `${B}/reports/2022-07-progress-report`]) {
            await page.goto(base + path);
            for (const [role, opts] of [['banner', {}], ['navigation', { name: 'Main' }],
                ['main', {}], ['contentinfo', {}]])
                expectEqual(await page.getByRole(role, opts).count(), 1, `${path}: ${role} count`);
            expectEqual(await page.locator('h1').count(), 1, `${path}: h1 count`);
            expectEqual(await page.getAttribute('html', 'lang'), 'en', `${path}: lang`);
        }
        expectEqual(await page.getByRole('search').count(), 0, 'search landmarks on an item page');
        await page.goto(listing);
        expectEqual(await page.getByRole('search', { name: 'Filter' }).count(), 1, 'filter form');
        await page.close();
    });

    await test('skip link: first Tab stop, visible when focused, Enter moves focus to main', async () => {
        const { page } = await openPage(wide);
        await page.goto(listing);
        const hidden = await box(page, '.skip-link');
        expect(hidden.y + hidden.height <= 0, 'the skip link is visible before it has focus');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement.matches('a.skip-link')),
            'the first Tab stop is not the skip link');
        expectEqual(await page.locator('.skip-link').textContent(), 'Skip to main content', 'text');
        const shown = await box(page, '.skip-link');
        expect(shown.y >= 0 && shown.y + shown.height <= WIDE.height,
            `the focused skip link is outside the viewport (${JSON.stringify(shown)})`);
        await page.keyboard.press('Enter');
        expectEqual(await activeId(page), 'content', 'focus after Enter');
        expect(page.url().endsWith('#content'), `url ${page.url()}`);
        await page.close();
    });

    await test('visible focus on every Tab stop of a listing (1280px and 375px, menu and filter open)', async () => {
        for (const ctx of [wide, narrow]) {
            const { page } = await openPage(ctx);
            await page.goto(`${listing}?country=GT&per_page=1`);
            // Opened without a click, so that Tab starts from the top of the page.
            await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
            const bad = [];
            let stops = 0;
            for (let i = 0; i < 80; i++) {
                await page.keyboard.press('Tab');
                const f = await page.evaluate(focusIndicator);
                if (f.what === 'nothing focused' || (stops > 0 && f.what.startsWith('a.skip-link')))
                    break; // wrapped round to the start
                stops++;
                if (!f.ok) bad.push(f.what);
            }
            expect(stops > 20, `only ${stops} Tab stops`);
            expect(bad.length === 0, `no visible focus indicator on: ${bad.join(', ')}`);
            await page.close();
        }
    });

    await test('filter form: a sidebar at 1280px; at 375px behind a "Filter" control above the results', async () => {
        let { page } = await openPage(wide);
        await page.goto(listing);
        let f = await box(page, 'form.filters'), r = await box(page, 'section.results');
        expect(f.x + f.width <= r.x, `form ${JSON.stringify(f)} not left of results ${JSON.stringify(r)}`);
        expect(Math.abs(f.y - r.y) < 40, `form top ${f.y}, results top ${r.y}`);
        expect(f.width >= 220 && f.width <= 400, `sidebar width ${f.width}`);
        await page.close();
        ({ page } = await openPage(narrow));
        await page.goto(listing);
        expect(!(await page.locator('form.filters').isVisible()), 'the form is shown before the Filter control is opened');
        const s = await box(page, '.filter-panel > summary');
        r = await box(page, 'section.results');
        expect(s.y + s.height <= r.y, `Filter control ${JSON.stringify(s)} not above results ${JSON.stringify(r)}`);
        expect(s.height >= 44 && s.width >= 300, `Filter control ${s.width}x${s.height}px`);
        await page.locator('.filter-panel > summary').click();
        f = await box(page, 'form.filters');
        r = await box(page, 'section.results');
        expect(f.y + f.height <= r.y, `form ${JSON.stringify(f)} not above results ${JSON.stringify(r)}`);
        expect(f.width >= 300, `form width ${f.width} at 375px`);
        await page.close();
    });

    await test('1280px: no Menu or Filter control; the navigation and the form are shown, read and reached while their <details> are closed', async () => {
        const { page } = await openPage(wide);
        for (const prefix of ['', '/es']) {
            await page.goto(`${listing.replace(`${B}/`, `${B}${prefix}/`)}?country=GT`);
            expectEqual(await page.locator('details.disclosure[open]').count(), 0, `${prefix}: open disclosures`);
            for (const sel of ['.site-menu > summary', '.filter-panel > summary']) {
                expect(!(await page.locator(sel).isVisible()), `${prefix}: ${sel} is shown`);
                expect((await axNode(page, sel)).ignored, `${prefix}: ${sel} is in the accessibility tree`);
            }
            expectEqual(await page.locator('.site-nav a').evaluateAll((as) =>
                as.filter((a) => a.checkVisibility()).length), 10, `${prefix}: navigation links shown`);
            for (const sel of ['.site-nav a', '#f-country-GT', '#f-q', 'form.filters button[type=submit]']) {
                expect(await page.locator(sel).first().isVisible(), `${prefix}: ${sel} is not shown`);
                expect(!(await axNode(page, sel)).ignored, `${prefix}: ${sel} is not in the accessibility tree`);
            }
            // Tab goes from the language switch straight to the navigation's first link.
            await page.locator('.languages a').last().focus();
            await page.keyboard.press('Tab');
            expect(await focusedMatches(page, '.site-nav li:first-child a'), `${prefix}: Tab after the language switch`);
        }
        await page.close();
    });

    await test('the Filter control says how many filters are set, in English and Spanish', async () => {
        const { page } = await openPage(narrow);
        const cases = [
            ['', '', 'Filter'],
            ['', '?country=GT', 'Filter (1 active)'],
            ['', '?country=GT&country=hn&from=2021&q=&kind=action', 'Filter (4 active)'],
            ['/es', '', 'Filtrar'],
            ['/es', '?from=2021', 'Filtrar (1 activo)'],
            ['/es', '?country=GT,SV&to=2022', 'Filtrar (3 activos)'],
        ];
        for (const [prefix, query, text] of cases) {
            await page.goto(`${base}${B}${prefix}/section-353${query}`);
            const summary = await axNode(page, '.filter-panel > summary');
            expectEqual([summary.name, summary.expanded], [text, false], `${prefix}${query}: the control`);
            expectEqual((await page.locator('#filters-heading').textContent()).trim(), text,
                `${prefix}${query}: the form's heading`);
        }
        await page.close();
    });

    await test('facets: country checkboxes with the counts of the JSON facets', async () => {
        const { page } = await openPage(wide);
        const query = 'from=2021&to=2021';
        const facets = (await (await page.request.get(`${base}${B}/section-353.json?${query}`)).json())
            .facets.country;
        await page.goto(`${listing}?${query}`);
        const boxes = await page.locator('fieldset input[type=checkbox][name=country]').evaluateAll(
            (els) => els.map((e) => [e.value, e.labels[0].textContent.trim()]));
        expectEqual(boxes.map(([code]) => code), Object.keys(facets), 'checkboxes');
        for (const [code, label] of boxes)
            expect(label.endsWith(`(${facets[code]})`), `${code}: label "${label}", count ${facets[code]}`);
        expectEqual(boxes.map(([, l]) => l), ['Guatemala (3)', 'Honduras (3)', 'El Salvador (3)',
            'Nicaragua (2)'], 'labels');
        await page.close();
    });

    await test('result count: a polite live region with the number of results', async () => {
        const { page } = await openPage(wide);
        await page.goto(listing);
        const status = page.getByRole('status');
        expectEqual(await status.count(), 1, 'status regions');
        expectEqual(await status.getAttribute('aria-live'), 'polite', 'aria-live');
        expectEqual((await status.textContent()).trim(), '4 results', 'text');
        await page.close();
    });

    await test('dates: every listed item and item page has <time datetime> as in the data', async () => {
        const { page } = await openPage(wide);
        for (const path of [`${B}/section-353`, `${B}/reports`]) {
            await page.goto(base + path);
            const times = await page.locator('.item').evaluateAll((items) => items.map((li) => {
                const t = li.querySelector('time');
                return t ? [t.getAttribute('datetime'), t.textContent] : null;
            }));
            expect(times.length > 0 && times.every((t) => t && /^\d{4}(-\d\d){0,2}$/.test(t[0]) && t[1]),
                `${path}: ${JSON.stringify(times)}`);
        }
        await page.goto(`${listing}?country=NI&sort=date`);
        expectEqual(await page.locator('.item time').evaluateAll((ts) =>
            ts.map((t) => [t.getAttribute('datetime'), t.textContent])),
        [['2021', '2021'], ['2021-09-20', 'September 20, 2021'], ['2022-03-09', 'March 9, 2022']],
        'section-353 for Nicaragua, oldest first');
        await page.goto(`${base}${B}/reports/2022-07-progress-report`);
        expectEqual(await page.locator('.item-facts time').evaluate((t) =>
            [t.getAttribute('datetime'), t.textContent]), ['2022-07', 'July 2022'], 'item page');
        await page.close();
    });

    await test('print: navigation, filters, pagination and skip link are not printed', async () => {
        const { page } = await openPage(wide);
        await page.goto(`${listing}?per_page=1`);
        await page.emulateMedia({ media: 'print' });
        for (const sel of ['.skip-link', '.site-nav', '.languages', '.filter-panel', 'form.filters',
            '.pagination', '.formats'])
            expect(!(await page.locator(sel).first().isVisible()), `${sel} is printed`);
        for (const sel of ['h1', '.results', '.items', '.site-header'])
            expect(await page.locator(sel).first().isVisible(), `${sel} is not printed`);
        await page.close();
    });

    await wide.close();
    await narrow.close();
}

async function keyboardTests(browser) {
    const ctx = await browser.newContext({ viewport: WIDE });
    const phone = await browser.newContext({ viewport: NARROW });
    const listing = `${base}${B}/section-353`;

    // The phone's disclosures, in each language: a summary that Tab reaches, that Enter and Space
    // open and close, whose content is out of the Tab order and the accessibility tree when closed.
    for (const [prefix, menu, filter] of [['', 'Menu', 'Filter'], ['/es', 'Menú', 'Filtrar']]) {
        const at = `${base}${B}${prefix}`;
        await test(`keyboard @375px ${prefix || '/'}: the ${menu} opens with Enter and closes with Space; its links are Tab stops only when open`, async () => {
            const { page, problems } = await openPage(phone);
            await page.goto(`${at}/section-353`);
            const details = page.locator('details.site-menu');
            const isOpen = () => details.evaluate((d) => d.open);
            const links = page.locator('.site-nav li a');
            const shownLinks = () => links.evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
            expectEqual(await axNode(page, '.site-menu > summary'),
                { ignored: false, role: 'DisclosureTriangle', name: menu, expanded: false }, 'the control, closed');
            expectEqual(await shownLinks(), 0, 'links shown while closed');
            expect((await axNode(page, '.site-nav li a')).ignored, 'a link of the closed menu is in the accessibility tree');
            await tabTo(page, '.site-menu > summary', 10);
            await page.keyboard.press('Tab');
            expect(!(await focusedMatches(page, '.site-nav li a')), 'Tab went into the closed menu');
            await page.keyboard.press('Shift+Tab');
            expect(await focusedMatches(page, '.site-menu > summary'), 'Shift+Tab did not come back to the control');
            await page.keyboard.press('Enter');
            expect(await isOpen(), 'Enter did not open the menu');
            expectEqual((await axNode(page, '.site-menu > summary')).expanded, true, 'expanded state, open');
            expectEqual(await shownLinks(), 10, 'links shown while open');
            // Each label on the screen in full: no link wider than the screen or cut off.
            const clipped = await links.evaluateAll((as) => as.filter((a) => {
                const r = a.getBoundingClientRect();
                return r.right > window.innerWidth || a.scrollWidth > a.clientWidth;
            }).map((a) => a.textContent));
            expectEqual(clipped, [], 'labels that do not fit');
            await page.keyboard.press('Tab');
            expect(await focusedMatches(page, '.site-nav li:first-child a'), 'Tab from the open menu does not reach its first link');
            await page.keyboard.press('Shift+Tab');
            await page.keyboard.press('Space');
            expect(!(await isOpen()), 'Space did not close the menu');
            expectEqual(await shownLinks(), 0, 'links shown after closing');
            expect(await focusedMatches(page, '.site-menu > summary'), 'focus left the control when it closed');
            await page.keyboard.press('Space');
            expect(await isOpen(), 'Space did not open the menu');
            await page.keyboard.press('Enter');
            expect(!(await isOpen()), 'Enter did not close the menu');
            // Open, follow a link with the keyboard.
            await page.keyboard.press('Enter');
            await page.keyboard.press('Tab');
            await Promise.all([page.waitForURL(`${at}/`), page.keyboard.press('Enter')]);
            expectEqual(consoleErrors(problems, '', 0), [], 'console errors');
            await page.close();
        });

        await test(`keyboard @375px ${prefix || '/'}: the ${filter} control opens with Enter and Space, closes, and the form submits the expected URL`, async () => {
            const { page, problems } = await openPage(phone);
            await page.goto(`${at}/section-353?country=GT`);
            const details = page.locator('details.filter-panel');
            const isOpen = () => details.evaluate((d) => d.open);
            expect(!(await page.locator('#f-country-NI').isVisible()), 'the form is shown while the filter is closed');
            expect((await axNode(page, '#f-country-NI')).ignored, 'a field of the closed filter is in the accessibility tree');
            await tabTo(page, '.filter-panel > summary', 10);
            const control = await axNode(page, '.filter-panel > summary');
            expect(control.role === 'DisclosureTriangle' && control.name.startsWith(filter) &&
                control.expanded === false, `the control: ${JSON.stringify(control)}`);
            // Closed: the next Tab stop is in the results, not in the form.
            await page.keyboard.press('Tab');
            expect(await focusedMatches(page, '.results a'), 'Tab from the closed filter does not go to the results');
            await page.keyboard.press('Shift+Tab');
            await page.keyboard.press('Enter');
            expect(await isOpen(), 'Enter did not open the filter');
            expectEqual((await axNode(page, '.filter-panel > summary')).expanded, true, 'expanded state, open');
            await page.keyboard.press('Space');
            expect(!(await isOpen()), 'Space did not close the filter');
            await page.keyboard.press('Space');
            expect(await isOpen(), 'Space did not open the filter');
            // Tab into the form: Guatemala (ticked), then Nicaragua; untick one, tick the other.
            await page.keyboard.press('Tab');
            expectEqual(await activeId(page), 'f-country-GT', 'first Tab stop in the open filter');
            await page.keyboard.press('Space');
            await tabTo(page, '#f-country-NI', 5);
            await page.keyboard.press('Space');
            await tabTo(page, '#f-from', 5);
            await page.keyboard.type('2022');
            await Promise.all([page.waitForURL((u) => u.searchParams.get('from') === '2022'),
                page.keyboard.press('Enter')]);
            const u = new URL(page.url());
            expectEqual(u.pathname + u.search, `${B}${prefix}/section-353?country=NI&from=2022&to=&q=&sort=-date`, 'URL');
            expectEqual(await page.locator('.item-title').count(), 1, 'results');
            expect(!(await isOpen()), 'the filter is open on the result page');
            expect((await axNode(page, '.filter-panel > summary')).name.startsWith(`${filter} (2 `),
                'the control does not count 2 filters');
            expectEqual(consoleErrors(problems, '', 0), [], 'console errors');
            await page.close();
        });
    }

    await test('keyboard: Tab to a country, Space ticks it, type a date, Enter submits', async () => {
        const { page, problems } = await openPage(ctx);
        await page.goto(listing);
        await tabTo(page, '#f-country-NI');
        await page.keyboard.press('Space');
        expect(await page.isChecked('#f-country-NI'), 'Space did not tick Nicaragua');
        await tabTo(page, '#f-from');
        await page.keyboard.type('2022');
        await Promise.all([page.waitForURL((u) => u.searchParams.get('from') === '2022'),
            page.keyboard.press('Enter')]);
        const u = new URL(page.url());
        expectEqual(u.pathname + u.search, `${B}/section-353?country=NI&from=2022&to=&q=&sort=-date`, 'URL');
        expectEqual((await page.getByRole('status').textContent()).trim(), '1 result', 'result count');
        expectEqual(await page.locator('.item-title').allTextContents(),
            ['U.S. Action Against Corruption and Attacks on Democracy in Nicaragua'], 'results');
        expect(await page.isChecked('#f-country-NI'), 'Nicaragua is not ticked on the result page');
        expect(!(await page.isChecked('#f-country-GT')), 'Guatemala is ticked on the result page');
        expectEqual(await page.inputValue('#f-from'), '2022', 'from is not pre-filled');
        expectEqual(consoleErrors(problems, '', 0), [], 'console errors');
        await page.close();
    });

    await test('keyboard: a bad date gives the error summary; its link takes focus to the field', async () => {
        const { page } = await openPage(ctx);
        await page.goto(listing);
        await tabTo(page, '#f-to');
        await page.keyboard.type('2021-02-30');
        const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('to=2021-02-30')),
            page.waitForURL((u) => u.searchParams.get('to') === '2021-02-30', { waitUntil: 'load' }),
            page.keyboard.press('Enter')]);
        expectEqual(resp.status(), 400, 'status');
        // GOV.UK's pattern: the summary has focus when the page loads.
        await page.waitForFunction(() => document.activeElement &&
            document.activeElement.classList.contains('error-summary'));
        expect((await page.title()).startsWith('Error: '), `title "${await page.title()}"`);
        // The summary comes first in main, after the h1, before the form.
        const order = await page.evaluate(() => {
            const s = document.querySelector('.error-summary'), f = document.querySelector('form.filters');
            return s && f && (s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 &&
                s.previousElementSibling && s.previousElementSibling.tagName === 'H1';
        });
        expect(order, 'the error summary is not between the h1 and the form');
        const summary = page.locator('.error-summary');
        expectEqual(await summary.getAttribute('role'), 'alert', 'summary role');
        const links = await summary.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
        expectEqual(links.map(([h]) => h), ['#f-to'], 'summary links');
        expect(links[0][1].includes('2021-02-30'), `summary text "${links[0][1]}"`);
        // The message next to the field, tied to it, the field marked invalid.
        const field = await page.evaluate(() => {
            const i = document.getElementById('f-to');
            const ids = (i.getAttribute('aria-describedby') || '').split(/\s+/);
            const msg = i.parentElement.querySelector('.field-error');
            return { invalid: i.getAttribute('aria-invalid'), value: i.value,
                describedByMessage: Boolean(msg && ids.includes(msg.id)), text: msg && msg.textContent };
        });
        expectEqual([field.invalid, field.value, field.describedByMessage], ['true', '2021-02-30', true], 'field');
        expectEqual(field.text, 'Error: ' + links[0][1], 'the message beside the field');
        // Keyboard: reach the summary link and follow it.
        await page.locator('.error-summary a').first().focus();
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-to');
        await page.close();
    });

    await test('keyboard: a country error links to the first country checkbox, described by the message', async () => {
        const { page } = await openPage(ctx);
        const resp = await page.goto(`${listing}?country=ZZ`);
        expectEqual(resp.status(), 400, 'status');
        expectEqual(await page.locator('.error-summary a').getAttribute('href'), '#f-country-GT', 'link');
        const described = await page.evaluate(() => {
            const fs = document.getElementById('f-country-GT').closest('fieldset');
            const msg = fs.querySelector('.field-error');
            return Boolean(msg) && (fs.getAttribute('aria-describedby') || '').split(/\s+/).includes(msg.id);
        });
        expect(described, 'the country fieldset is not described by its error message');
        await page.locator('.error-summary a').first().focus();
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-country-GT');
        await page.close();
    });

    await test('keyboard @375px: a 400 opens the filter; the error summary comes first and its link takes focus to the field', async () => {
        const { page } = await openPage(phone);
        for (const [prefix, problem] of [['', 'There is a problem'], ['/es', 'Hay un problema']]) {
            const resp = await page.goto(`${base}${B}${prefix}/section-353?country=GT&to=2021-02-30`);
            expectEqual(resp.status(), 400, `${prefix}: status`);
            expect(await page.locator('.filter-panel').evaluate((d) => d.open), `${prefix}: the filter is closed`);
            await page.waitForFunction(() => document.activeElement &&
                document.activeElement.classList.contains('error-summary'));
            const summary = await topOf(page, '.error-summary'), h1 = await topOf(page, 'h1');
            const control = await topOf(page, '.filter-panel > summary');
            expect(h1.bottom <= summary.top && summary.bottom <= control.top && summary.bottom <= NARROW.height,
                `${prefix}: h1 ${JSON.stringify(h1)}, error summary ${JSON.stringify(summary)}, Filter ${JSON.stringify(control)}`);
            expectEqual((await page.locator('.error-summary h2').textContent()).trim(), problem, `${prefix}: summary heading`);
            expectEqual(await page.locator('.error-summary a').getAttribute('href'), '#f-to', `${prefix}: link`);
            await page.keyboard.press('Tab');
            expect(await focusedMatches(page, '.error-summary a'), `${prefix}: Tab from the summary does not reach its link`);
            await page.keyboard.press('Enter');
            await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-to');
            const field = await page.locator('#f-to').boundingBox();
            expect(field && field.y >= 0 && field.y + field.height <= NARROW.height,
                `${prefix}: the field is not on the screen after the link (${JSON.stringify(field)})`);
            expectEqual(await page.inputValue('#f-to'), '2021-02-30', `${prefix}: the field's value`);
        }
        await page.close();
    });

    await test('404: a page with a heading and a way back, status 404', async () => {
        const { page } = await openPage(ctx);
        const resp = await page.goto(`${base}${B}/no-such-page`);
        expectEqual(resp.status(), 404, 'status');
        expectEqual(await page.locator('h1').textContent(), 'Page not found', 'h1');
        await page.getByRole('link', { name: 'Go to the overview' }).focus();
        await Promise.all([page.waitForURL(`${base}${B}/`), page.keyboard.press('Enter')]);
        await page.close();
    });

    await ctx.close();
    await phone.close();
}

async function main() {
    if (!base) {
        console.log('FAILED  setup: RC_BASE_URL is not set (run.py sets it)');
        console.log('0 passed, 1 failed');
        process.exit(1);
    }
    let browser;
    try {
        browser = await chromium.launch(LAUNCH);
    } catch (e) {
        console.log(`FAILED  launch Chromium (${LAUNCH.executablePath}; Debian package chromium): ${e.message}`);
        console.log('0 passed, 1 failed');
        process.exit(1);
    }
    try {
        await pageTests(browser);
        await layoutTests(browser);
        await keyboardTests(browser);
    } finally {
        await browser.close();
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

main().catch((e) => {
    console.log(`FAILED  browser.mjs: ${e && e.stack}`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
});
