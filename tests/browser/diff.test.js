'use strict';
/*
 * diff.test.js — the diff map's HTML page in Chromium: after moving one
 * incident, adding one and changing one quote in a git repository,
 * `posture diff git:HEAD~1 layers --map … -o diff.html` gives a page whose
 * marks show, on hover, what changed with the old and the new values, and
 * that logs no console error and makes no request but for itself.
 *
 * Run by ctest (label browser) through run.sh, which sets CHROMIUM.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SRC = process.env.POSTURE_SOURCE_DIR;
const POSTURE = process.env.POSTURE;
const TMP = process.env.POSTURE_TEST_TMP;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const repo = path.join(TMP, 'repo');
const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.email=test@example.org',
	'-c', 'user.name=test', ...args], { stdio: 'pipe' });

let browser, page;
const problems = [];

test.before(async () => {
	fs.rmSync(TMP, { recursive: true, force: true });
	fs.mkdirSync(repo, { recursive: true });
	for (const d of ['layers', 'shapes', 'maps'])
		fs.cpSync(path.join(SRC, d), path.join(repo, d), { recursive: true });
	git('init', '-q');
	git('add', '-A');
	git('commit', '-qm', 'v1');
	const p = path.join(repo, 'layers/incidents.geojson');
	const data = JSON.parse(fs.readFileSync(p, 'utf8'));
	for (const f of data.features) {
		if (f.properties.id === 'is-attack-tajik-uzbek-border-2019')
			f.geometry.coordinates = [f.geometry.coordinates[0] + 0.3, f.geometry.coordinates[1] + 0.1];
		if (f.properties.id === 'russia-201st-drill-tajik-afghan-border-2014')
			f.properties.sources[0].quote = f.properties.sources[0].quote.replace(/ that envisaged.*$/, '');
	}
	const added = JSON.parse(JSON.stringify(data.features.find((f) => f.properties.id === 'csto-drill-afghan-tajik-border')));
	added.properties.id = 'csto-drill-second';
	added.properties.name = 'Second CSTO drill';
	added.geometry.coordinates = [70.5, 37.6];
	data.features.push(added);
	fs.writeFileSync(p, JSON.stringify(data, null, 2));
	git('commit', '-qam', 'v2');
	const ini = path.join(repo, 'maps/tajik-afghan-border.ini');
	fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace(/^size .*$/m, 'size = 1000x700'));
	const run = spawnSync(POSTURE, ['diff', 'git:HEAD~1', 'layers', '--map', 'maps/tajik-afghan-border.ini',
		'-o', path.join(TMP, 'diff.html')], { cwd: repo, encoding: 'utf8' });
	assert.equal(run.status, 1, run.stderr);
	assert.equal(run.stdout.trim().split('\n').length, 3, run.stdout);

	browser = await chromium.launch({ executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
	const context = await browser.newContext();
	page = await context.newPage();
	page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
	page.on('pageerror', (e) => problems.push(String(e)));
	await context.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue()
		: (problems.push(`request ${r.request().url()}`), r.abort())));
	await page.goto(`file://${path.join(TMP, 'diff.html')}`);
});

test.after(async () => { if (browser) await browser.close(); });

/* Hover the marked item itself (its symbol, under the mark). */
async function tip(id) {
	await page.mouse.move(0, 0);
	await page.hover(`#${id}`, { force: true });
	const t = page.locator('#pst-tip');
	await t.waitFor({ state: 'visible' });
	return t.innerText();
}

test('a moved item says where it was and where it is', async () => {
	const text = await tip('incidents--is-attack-tajik-uzbek-border-2019');
	assert.match(text, /^Moved: Alleged IS attack on a border post — 2\d\.\d km, was at 68\.3300, 38\.2430, now at 68\.6300, 38\.3430/);
	assert.match(text, /Caravanserai/);
});

test('a changed quote shows the old and the new words', async () => {
	const text = await tip('incidents--russia-201st-drill-tajik-afghan-border-2014');
	assert.match(text, /was "In September 2014, servicemen from the 201st base took part in a training exercise on the Tajik-Afghan border that envisaged/);
	assert.match(text, /now "In September 2014, servicemen from the 201st base took part in a training exercise on the Tajik-Afghan border"/);
});

test('an added item says so', async () => {
	assert.match(await tip('incidents--csto-drill-second'), /^Added: Second CSTO drill/);
});

test('the legend of the marks is on the page, and nothing went wrong', async () => {
	assert.match(await page.locator('svg').first().innerHTML(), /Changes since HEAD~1/);
	assert.deepEqual(problems, []);
});
