// docs-screenshots.mjs: the README's screenshots: the first screen of a filtered listing, an item
// page and a Spanish listing in a 1280x900 window, and of the same listing on a 375x800 phone
// (as it loads, with the menu open, with the filter open), made smaller with pngquant when it is
// installed (Debian package pngquant; the tests do not need it). Not a test:
//   python3 tests/browser/run.py docs      (after make; RC_* as for make check)
// Environment: RC_BASE_URL, RC_MOUNT and RC_DOCS (the docs/ folder), set by run.py.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.RC_BASE_URL;
const B = process.env.RC_MOUNT || '/rootcauses';
const docs = process.env.RC_DOCS;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 800 };
const FILTERED = 'section-353?country=GT&from=2021&to=2021';
// [file, path, window, the disclosure to open with the keyboard (a summary's selector)]
const SHOTS = [
    ['listing.png', `${B}/${FILTERED}`, WIDE],
    ['item.png', `${B}/reports/2022-07-progress-report`, WIDE],
    ['listing-es.png', `${B}/es/${FILTERED}`, WIDE],
    ['phone-listing.png', `${B}/${FILTERED}`, PHONE],
    ['phone-menu.png', `${B}/${FILTERED}`, PHONE, '.site-menu > summary'],
    ['phone-filter.png', `${B}/${FILTERED}`, PHONE, '.filter-panel > summary'],
];

const browser = await chromium.launch({
    executablePath: process.env.RC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
    for (const [file, path, viewport, open] of SHOTS) {
        const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
        const resp = await page.goto(base + path);
        const out = join(docs, file);
        if (resp.status() !== 200) {
            failed++;
            console.log(`FAILED  ${file}: ${path} answered ${resp.status()}`);
            await page.close();
            continue;
        }
        if (open) {
            // Opened as a reader would, with the keyboard; no focus ring left in the picture.
            await page.locator(open).focus();
            await page.keyboard.press('Enter');
            await page.evaluate(() => document.activeElement.blur());
        }
        await page.screenshot({ path: out, clip: { x: 0, y: 0, ...viewport } });
        await page.close();
        // A 256-colour palette is plenty for flat UI colours and text (status 99: already small).
        spawnSync('pngquant', ['--quality=80-98', '--speed=1', '--strip', '--skip-if-larger',
            '--force', '--output', out, out], { stdio: 'inherit' });
        console.log(`ok      ${out} (${Math.round(statSync(out).size / 1024)} KiB)`);
    }
} finally {
    await browser.close();
}
console.log(`${SHOTS.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
