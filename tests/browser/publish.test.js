'use strict';
/*
 * publish.test.js — the HTML page as a reader uses it on a real screen, in
 * Debian's Chromium (headless, fresh profile, no network): the date filter
 * takes the discs of imprecise positions with their items; a filtered page
 * prints filtered; layer toggles count what a reader counts; search lists
 * every match and moves between them; and the map zooms and pans (buttons,
 * wheel, pinch, drag, keyboard) in a 400 px window, tooltips beside their
 * items.  Each test ends with no console error, dialog or request.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SRC = process.env.POSTURE_SOURCE_DIR;
const POSTURE = process.env.POSTURE;
const TMP = process.env.POSTURE_TEST_TMP;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync'];
const file = (name) => path.join(TMP, name);
let context;
let mapdata;

test.before(async () => {
	fs.rmSync(TMP, { recursive: true, force: true });
	fs.mkdirSync(TMP, { recursive: true });
	execFileSync(POSTURE, ['render', path.join(SRC, 'maps/central-asia.ini'), '-o', file('map.html'),
		'-o', file('map.json')], { stdio: 'pipe' });
	mapdata = JSON.parse(fs.readFileSync(file('map.json'), 'utf8'));
	context = await chromium.launchPersistentContext(file('profile'), {
		executablePath: CHROMIUM, headless: true, args: FLAGS,
		viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, hasTouch: true,
	});
});

test.after(async () => {
	if (context) await context.close();
});

async function open(viewport) {
	const url = 'file://' + file('map.html');
	const page = await context.newPage();
	const log = { errors: [], dialogs: [], requests: [] };
	page.on('console', (m) => { if (m.type() === 'error') log.errors.push(m.text()); });
	page.on('pageerror', (e) => log.errors.push(e.message));
	page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	page.on('request', (r) => { if (r.url() !== url) log.requests.push(r.url()); });
	await page.route('**/*', (r) => (r.request().url() === url ? r.continue() : r.abort()));
	if (viewport) await page.setViewportSize(viewport);
	await page.goto(url);
	page.log = log;
	return page;
}

async function quiet(page) {
	await page.waitForTimeout(100);
	assert.deepEqual(page.log.errors, [], 'console errors');
	assert.deepEqual(page.log.dialogs, [], 'dialogs');
	assert.deepEqual(page.log.requests, [], 'network requests');
	await page.close();
}

const layer = (name) => mapdata.layers.find((l) => l.name === name);
const viewBox = (page) => page.evaluate(() => document.getElementById('pst-map').getAttribute('viewBox')
	.split(' ').map(Number));

test('the date filter hides the discs of the incidents it hides', async () => {
	const page = await open();
	const items = layer('incidents').items;
	const discs = items.filter((i) => i.kind === 'uncertainty');
	let hidden = 0;
	assert.ok(discs.length > 2, 'the map has imprecise incidents');
	await page.fill('#pst-from', '2015-01-01');
	await page.fill('#pst-to', '2015-12-31');
	for (const d of discs) {
		const owner = items.find((i) => 'area-' + i.id === d.id);
		const [disc, symbol] = await page.evaluate((ids) => ids.map((id) => {
			for (let n = document.getElementById(id); n; n = n.parentElement)
				if (getComputedStyle(n).display === 'none') return false;
			return true;
		}), [`incidents--${d.id}`, `incidents--${owner.id}`]);
		assert.equal(disc, symbol, `${d.id} shown ${disc}, its incident ${symbol}`);
		hidden += !disc;
	}
	assert.ok(hidden > 0, 'some discs are hidden with their incidents');
	await quiet(page);
});

test('a filtered page prints filtered, with what it shows', async () => {
	const page = await open();
	await page.fill('#pst-from', '2014-01-01');
	await page.fill('#pst-to', '2014-12-31');
	await page.emulateMedia({ media: 'print' });
	const shown = await page.evaluate(() => Array.from(document.querySelectorAll('#pst-map [data-layer="incidents"][data-date]'))
		.filter((e) => {
			for (let n = e; n; n = n.parentElement) if (getComputedStyle(n).display === 'none') return false;
			return true;
		}).map((e) => e.getAttribute('data-date')));
	assert.ok(shown.length > 0, 'some incidents print');
	assert.ok(shown.every((d) => d.includes('2014')), `printed dates ${shown}`);
	assert.match(await page.locator('#pst-status').innerText(), /of \d+ dated-layer items shown/);
	await quiet(page);
});

test('layer toggles count what a reader counts', async () => {
	const page = await open();
	const labels = await page.evaluate(() => Array.from(document.querySelectorAll('.pst-layers label'))
		.map((l) => l.textContent.trim()));
	const count = (title) => {
		const l = labels.find((t) => t.startsWith(title + ' (') || t === title);
		assert.ok(l, `a toggle for ${title} in ${labels}`);
		const m = l.match(/\((\d+)\)$/);
		return m ? Number(m[1]) : 0;
	};
	const incidents = layer('incidents').items.filter((i) => i.citations && i.kind !== 'uncertainty');
	assert.equal(count('Incidents'), incidents.length);
	const names = (g) => new Set(layer(g).items.filter((i) => i.name && !i.kind.endsWith('-outline')).map((i) => i.name)).size;
	assert.equal(count('Countries'), names('countries'));
	assert.equal(count('Rivers'), names('rivers'));
	assert.ok(count('Rivers') < 100, 'rivers are counted as rivers, not pieces');
	assert.ok(!labels.some((t) => t.startsWith('Not on the map')), 'no toggle for what is not drawn');
	await quiet(page);
});

test('search lists every match and moves between them', async () => {
	const page = await open();
	/* a name two drawn items share */
	const drawn = mapdata.layers.flatMap((l) => l.items).filter((i) => i.citations && (i.symbol_box || i.label));
	const shared = drawn.map((i) => i.name).find((n, k, all) => all.indexOf(n) !== k);
	assert.ok(shared, 'two items share a name');
	const named = drawn.filter((i) => i.name === shared);
	await page.fill('#pst-search', shared);
	await page.press('#pst-search', 'Enter');
	const results = await page.locator('#pst-results button').allInnerTexts();
	assert.equal(results.length, named.length, `matches listed: ${results}`);
	const first = await page.evaluate(() => document.activeElement.id);
	await page.click('.pst-next');
	const second = await page.evaluate(() => document.activeElement.id);
	assert.notEqual(first, second, 'Next moves to the other match');
	assert.match(await page.locator('#pst-status').innerText(), new RegExp(`2 of ${named.length}`));
	await page.click('.pst-prev');
	assert.equal(await page.evaluate(() => document.activeElement.id), first);
	await page.locator('#pst-results button').nth(1).click();
	assert.equal(await page.evaluate(() => document.activeElement.id), second);
	/* an item the sources place nowhere is found and said to be so */
	await page.fill('#pst-search', 'US bases in Tajikistan');
	await page.press('#pst-search', 'Enter');
	assert.match(await page.locator('#pst-status').innerText(), /not on the map/);
	await quiet(page);
});

test('zoom and pan in a 400 px window, tooltips beside their items', async () => {
	const page = await open({ width: 400, height: 700 });
	const whole = await viewBox(page);
	await page.click('button[aria-label="Zoom in"]');
	await page.click('button[aria-label="Zoom in"]');
	const zoomed = await viewBox(page);
	assert.ok(zoomed[2] < whole[2] * 0.5, `+ zooms in: ${zoomed}`);
	await page.click('button[aria-label="Zoom out"]');
	assert.ok((await viewBox(page))[2] > zoomed[2], '- zooms out');
	await page.click('button[aria-label="Show the whole map"]');
	assert.deepEqual(await viewBox(page), whole);
	/* the wheel zooms about the pointer */
	await page.locator('#pst-map').scrollIntoViewIfNeeded();
	const box = await page.locator('#pst-map').boundingBox();
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.wheel(0, -400);
	const wheeled = await viewBox(page);
	assert.ok(wheeled[2] < whole[2], `the wheel zooms: ${wheeled}`);
	/* a drag pans */
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 5 });
	await page.mouse.up();
	const dragged = await viewBox(page);
	assert.ok(dragged[0] < wheeled[0], `dragging right shows what is left: ${wheeled} -> ${dragged}`);
	/* the keyboard: 0 shows the whole map, + zooms, arrows pan */
	await page.evaluate(() => document.activeElement.blur());
	await page.keyboard.press('0');
	assert.deepEqual(await viewBox(page), whole);
	await page.keyboard.press('+');
	const keyed = await viewBox(page);
	assert.ok(keyed[2] < whole[2]);
	await page.keyboard.press('ArrowRight');
	assert.ok((await viewBox(page))[0] > keyed[0], 'an arrow pans');
	/* two fingers apart zoom in */
	await page.keyboard.press('0');
	await page.evaluate(() => {
		const svg = document.getElementById('pst-map');
		const r = svg.getBoundingClientRect();
		const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
		const ev = (type, id, x) => svg.dispatchEvent(new PointerEvent(type, {
			pointerId: id, pointerType: 'touch', clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1 }));
		ev('pointerdown', 1, cx - 20);
		ev('pointerdown', 2, cx + 20);
		for (let k = 1; k <= 5; k++) ev('pointermove', 2, cx + 20 + 12 * k);
		ev('pointerup', 2, cx + 80);
		ev('pointerup', 1, cx - 20);
	});
	const pinched = await viewBox(page);
	assert.ok(pinched[2] < whole[2] * 0.8, `a pinch zooms: ${pinched}`);
	/* zoomed, an item's tooltip still sits beside it */
	await page.click('button[aria-label="Show the whole map"]');
	for (let i = 0; i < 3; i++) await page.click('button[aria-label="Zoom in"]');
	await page.fill('#pst-search', 'Kant air base'); /* search brings it into the zoomed view */
	await page.press('#pst-search', 'Enter');
	const view = await viewBox(page);
	assert.ok(view[2] < whole[2] / 3, 'still zoomed in');
	await page.mouse.move(0, 0);
	await page.locator('#label--bases--russia-kant-air-base').hover();
	await page.locator('#pst-tip').waitFor({ state: 'visible' });
	const [item, tip] = await page.evaluate(() => ['label--bases--russia-kant-air-base', 'pst-tip']
		.map((id) => document.getElementById(id).getBoundingClientRect().toJSON()));
	const gap = Math.max(tip.left - item.right, item.left - tip.right, tip.top - item.bottom, item.top - tip.bottom);
	assert.ok(gap >= 0 && gap < 40, `the tooltip is beside its item (gap ${gap})`);
	assert.ok((await page.locator('#pst-tip').innerText()).includes('Kant air base'));
	await quiet(page);
});
