// docs-screenshots.mjs: the README's screenshots, docs/listing.png (a filtered listing) and
// docs/item.png (an item page): the top 900 px of a 1280 px wide window, made smaller with
// pngquant when it is installed (Debian package pngquant; the tests do not need it). Not a test:
//   python3 tests/browser/run.py docs      (after make; RC_* as for make check)
// Environment: RC_BASE_URL, RC_MOUNT and RC_DOCS (the docs/ folder), set by run.py.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.RC_BASE_URL;
const B = process.env.RC_MOUNT || '/rootcauses';
const docs = process.env.RC_DOCS;
const SHOTS = [
    ['listing.png', `${B}/section-353?country=GT&from=2021&to=2021`],
    ['item.png', `${B}/reports/2022-07-progress-report`],
];

const browser = await chromium.launch({
    executablePath: process.env.RC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    for (const [file, path] of SHOTS) {
        const resp = await page.goto(base + path);
        const out = join(docs, file);
        if (resp.status() !== 200) {
            failed++;
            console.log(`FAILED  ${file}: ${path} answered ${resp.status()}`);
            continue;
        }
        await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 900 } });
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
