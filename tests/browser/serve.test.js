'use strict';
/*
 * serve.test.js — `posture serve` in a real browser (issue 14): Debian's
 * Chromium, headless, driven by playwright-core, on a copy of the default
 * map.  The reader hides a layer, narrows the dates, searches and zooms in;
 * an edit of the incidents layer then shows its new item by itself (on the
 * server's event the page fetches the new map and swaps it in, with no
 * reload, manual or not) with all of that kept; a broken edit shows its FILE:LINE:COLUMN error in the banner over
 * the map, which stays; the fix removes the banner and draws the map.  The
 * page logs no console error (a Content-Security-Policy violation would be
 * one) and asks for nothing but the server's own URLs.  Edits after the
 * page has its own text come as patches of it (the "patch" event): no page
 * is fetched for them, and the page they make is the one a fresh visit shows.
 *
 * Run by ctest (label browser) through run.sh, which sets CHROMIUM.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { makeProject, startServe, stopServe, editLayer } = require('./live.js');

const SRC = process.env.POSTURE_SOURCE_DIR;
const POSTURE = process.env.POSTURE;
const TMP = process.env.POSTURE_TEST_TMP;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync'];
const PROJECT = path.join(TMP || '', 'project');

let browser;
let server;

test.before(async () => {
	fs.rmSync(TMP, { recursive: true, force: true });
	const map = makeProject(SRC, PROJECT);
	server = await startServe(POSTURE, path.relative(PROJECT, map), PROJECT);
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
});

test.after(async () => {
	if (browser) await browser.close();
	if (server) {
		const status = await stopServe(server);
		assert.equal(status, 0, 'Ctrl-C ends posture serve with status 0');
		assert.match(server.log.out, /posture serve: stopped/);
	}
});

async function open() {
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	const log = { errors: [], foreign: [] };
	page.on('console', (m) => { if (m.type() === 'error') log.errors.push(m.text()); });
	page.on('pageerror', (e) => log.errors.push(e.message));
	page.on('request', (r) => { if (!r.url().startsWith(server.url)) log.foreign.push(r.url()); });
	await page.goto(server.url);
	page.log = log;
	return page;
}

const viewBox = (page) => page.locator('#pst-map').getAttribute('viewBox');
const shown = (page, sel) => page.locator(sel).first().isVisible();

test('an edit shows by itself, keeping toggles, dates, search and zoom; a broken edit shows its error', async () => {
	const page = await open();
	assert.equal(await page.locator('#incidents--live-test-drill').count(), 0);
	assert.ok(await page.locator('#pst-live').isHidden(), 'no banner while the map draws');

	await page.uncheck('input[data-layer="bases"]');
	await page.fill('#pst-to', '2016-12-31');
	await page.fill('#pst-search', 'Kant');
	await page.press('#pst-search', 'Enter');
	const status = await page.locator('#pst-status').innerText();
	await page.getByRole('button', { name: 'Zoom in' }).click();
	const zoomed = await viewBox(page);
	assert.ok(!(await shown(page, '#pst-map [data-layer="bases"]')), 'bases hidden');

	const count = async () => Number((await page.locator('label', { has: page.locator('input[data-layer="incidents"]') })
		.innerText()).match(/\((\d+)\)/)[1]);
	const before = await count();
	const loads = [];
	page.on('load', () => loads.push(Date.now()));
	editLayer(SRC, PROJECT, 'in-place', 'add');
	await page.locator('#incidents--live-test-drill').waitFor({ state: 'attached', timeout: 30000 });
	assert.deepEqual(loads, [], 'the new map was swapped into the page, not reloaded');
	assert.equal(await page.isChecked('input[data-layer="bases"]'), false, 'the bases toggle is kept');
	assert.ok(await page.isChecked('input[data-layer="incidents"]'));
	assert.ok(!(await shown(page, '#pst-map [data-layer="bases"]')), 'bases still hidden on the new map');
	assert.equal(await page.inputValue('#pst-to'), '2016-12-31', 'the date range is kept');
	assert.equal(await page.inputValue('#pst-search'), 'Kant', 'the search is kept');
	assert.equal(await page.locator('#pst-status').innerText(), status, 'and run again');
	assert.equal(await viewBox(page), zoomed, 'the zoom is kept');
	assert.equal(await count(), before + 1, 'the layer toggle counts the new item');
	assert.equal(await page.locator('fieldset.pst-layers').count(), 1, 'the controls once, not twice');
	assert.equal(await page.locator('.pst-zoom').count(), 1, 'one zoom bar');
	await page.getByRole('button', { name: 'Show the whole map' }).click();
	assert.notEqual(await viewBox(page), zoomed, 'the zoom buttons work on the new map');
	await page.keyboard.press('Escape');

	editLayer(SRC, PROJECT, 'rename', 'break');
	const banner = page.locator('#pst-live');
	await banner.waitFor({ state: 'visible', timeout: 30000 });
	const text = await banner.innerText();
	assert.match(text, /layers\/incidents\.geojson:\d+:\d+: error: /, 'the error with its position');
	assert.ok(await page.locator('#incidents--live-test-drill').count(), 'the last good map stays under it');
	const box = await banner.boundingBox();
	const map = await page.locator('#pst-map').boundingBox();
	assert.ok(box.y + box.height > 0 && box.y < 900 && map.y < 900, 'the banner is on screen with the map');

	editLayer(SRC, PROJECT, 'rename', 'fix');
	await page.getByText('Live drill, fixed').first().waitFor({ state: 'attached', timeout: 30000 });
	await banner.waitFor({ state: 'hidden', timeout: 30000 });
	assert.equal(await page.isChecked('input[data-layer="bases"]'), false, 'toggles kept again');

	assert.deepEqual(page.log.errors, [], 'console errors');
	assert.deepEqual(page.log.foreign, [], 'requests to anything but the server');
	await page.close();
});

test('the other formats are the latest render', async () => {
	const page = await browser.newPage();
	for (const [p, type, magic] of [['map.png', 'image/png', '\x89PNG'], ['map.svg', 'image/svg+xml', '<?xml'],
		['map.pdf', 'application/pdf', '%PDF']]) {
		const res = await page.request.get(server.url + p);
		assert.equal(res.status(), 200, p);
		assert.equal(res.headers()['content-type'], type);
		const body = await res.body();
		assert.equal(body.subarray(0, magic.length).toString('latin1'), magic, p);
		if (p === 'map.svg') assert.ok(body.toString().includes('Live drill, fixed'), 'the SVG is the latest');
	}
	await page.close();
});

test('an edit comes as a patch of the page the server sent before, and spells the server\'s page', async () => {
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const asked = [];
	page.on('request', (r) => { if (r.url() === server.url) asked.push(r.resourceType()); });
	await page.goto(server.url);
	/* the page fetches its own text once loaded, for the first patch */
	await page.waitForFunction(() => performance.getEntriesByType('resource')
		.some((e) => e.initiatorType === 'fetch'), null, { timeout: 30000 });
	const fetched = asked.filter((t) => t === 'fetch').length;
	assert.equal(fetched, 1, 'the page\'s text fetched once');
	for (const name of ['Patch one', 'Patch two']) {
		editLayer(SRC, PROJECT, 'rename', 'name=' + name);
		await page.getByText(name, { exact: true }).first().waitFor({ state: 'attached', timeout: 30000 });
		await page.waitForTimeout(100); /* the swap ends in the same task; give a stray fetch time to show */
		assert.equal(asked.filter((t) => t === 'fetch').length, fetched, `no page fetched for '${name}'`);
	}
	assert.equal(asked.filter((t) => t === 'document').length, 1, 'never reloaded');
	/* the same as a page opened afresh, after its script has set it up */
	const look = () => {
		const ids = Array.from(document.querySelectorAll('#pst-map [id]'), (e) => e.id).join(' ');
		return { data: document.getElementById('pst-data').textContent, ids, title: document.title,
			text: document.getElementById('pst-map').textContent, list: document.getElementById('pst-text').textContent };
	};
	const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await fresh.goto(server.url);
	const want = await fresh.evaluate(look);
	await fresh.close();
	const got = await page.evaluate(look);
	const same = Object.fromEntries(Object.keys(want).map((k) => [k, got[k] === want[k]]));
	assert.ok(want.data.includes('Patch two'));
	assert.deepEqual(same, { data: true, ids: true, title: true, text: true, list: true }, 'the patched page is the server\'s');
	assert.deepEqual(errors, []);
	await page.close();
});
