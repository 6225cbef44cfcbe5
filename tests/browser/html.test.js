'use strict';
/*
 * html.test.js — the interactive HTML map and the structured SVG in a real
 * browser: Debian's Chromium, headless, driven by playwright-core.
 *
 * The default map is rendered to HTML, SVG, PNG and map data; the page is
 * opened from a file with a fresh profile, every request recorded and every
 * non-file request aborted.  Each test checks one behaviour a reader relies
 * on (tooltips with full citations on hover and on keyboard focus, pinning,
 * Escape, layer toggles, the date filter, search, printing (what the filters
 * show), scaling,
 * accessibility) and, after it, that the page logged no console error,
 * opened no dialog and made no request but for itself.  The SVG, in
 * Chromium, must differ from the Cairo PNG in at most 2% of pixels (by more
 * than 32 levels); the page's map, loosely (4%).  Hostile names, quotes and
 * titles (tests/cli/svg_hostile.py) must show as text and run nothing, even
 * with a javascript: link smuggled into the page's data.
 *
 * Run by ctest (label browser) through run.sh, which sets CHROMIUM.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SRC = process.env.POSTURE_SOURCE_DIR;
const POSTURE = process.env.POSTURE;
const PNGDIFF = process.env.PNGDIFF;
const TMP = process.env.POSTURE_TEST_TMP;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync'];

let context;
let mapdata;
const file = (name) => path.join(TMP, name);

function render(map, outputs) {
	const args = ['render', map];
	outputs.forEach((o) => args.push('-o', file(o)));
	execFileSync(POSTURE, args, { stdio: 'pipe' });
}

/* The hostile layers of tests/cli/svg_hostile.py, as a map file. */
function hostileMap() {
	const layers = file('hostile-layers');
	fs.mkdirSync(layers, { recursive: true });
	for (const f of fs.readdirSync(path.join(SRC, 'layers')))
		if (/\.(geo)?json$/.test(f)) fs.copyFileSync(path.join(SRC, 'layers', f), path.join(layers, f));
	execFileSync('python3', [path.join(SRC, 'tests/cli/svg_hostile.py'), layers]);
	const ini = fs.readFileSync(path.join(SRC, 'maps/central-asia.ini'), 'utf8')
		.replace(/^shapes *=.*$/m, `shapes = ${path.join(SRC, 'shapes')}`)
		.replace(/^layers *=.*$/m, `layers = ${layers}`)
		.replace(/^sources *=.*$/m, `sources = ${path.join(layers, 'sources.json')}`);
	fs.writeFileSync(file('hostile.ini'), ini);
	return file('hostile.ini');
}

test.before(async () => {
	fs.rmSync(TMP, { recursive: true, force: true });
	fs.mkdirSync(TMP, { recursive: true });
	const map = path.join(SRC, 'maps/central-asia.ini');
	render(map, ['map.html', 'map.svg', 'map.png', 'map.json']);
	render(path.join(SRC, 'maps/tajik-afghan-border.ini'), ['border.svg', 'border.png']);
	render(hostileMap(), ['hostile.html']);
	mapdata = JSON.parse(fs.readFileSync(file('map.json'), 'utf8'));
	context = await chromium.launchPersistentContext(file('profile'), {
		executablePath: CHROMIUM, headless: true, args: FLAGS,
		viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1,
	});
});

test.after(async () => {
	if (context) await context.close();
});

/*
 * Open @p name (a file in TMP) in a new page, recording console errors,
 * dialogs and requests; every request other than the page itself is aborted.
 */
async function open(name, viewport) {
	const url = 'file://' + file(name);
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

/* The page stayed quiet: no console error, no dialog, no request. */
async function quiet(page) {
	await page.waitForTimeout(100);
	assert.deepEqual(page.log.errors, [], 'console errors');
	assert.deepEqual(page.log.dialogs, [], 'dialogs');
	assert.deepEqual(page.log.requests, [], 'network requests');
	await page.close();
}

/*
 * Item @p id of @p layer as the map data has it, with its citations as the
 * curated data has them (layers/*.geojson: source id, locator, quote) and
 * the number the map gives each source.
 */
function item(layer, id) {
	const g = mapdata.layers.find((l) => l.name === layer && l.items.some((i) => i.id === id));
	const it = g.items.find((i) => i.id === id);
	const file = fs.readdirSync(path.join(SRC, 'layers')).find((f) => f.startsWith(layer) && f.endsWith('.geojson'));
	const features = JSON.parse(fs.readFileSync(path.join(SRC, 'layers', file), 'utf8')).features;
	const props = features.find((f) => f.properties.id === id).properties;
	const numbers = Object.fromEntries(mapdata.sources.map((s) => [s.id, s.number]));
	it.citations = props.sources.map((c) => ({ number: numbers[c.id], locator: c.locator, quote: c.quote }));
	return it;
}

function sourceText(n) {
	return mapdata.sources.find((s) => s.number === n).citation;
}

const tipText = (page) => page.locator('#pst-tip').innerText();

/* The tooltip names the item, its kind and precision, every quote and every source in full. */
async function assertFullCitation(page, it) {
	await page.locator('#pst-tip').waitFor({ state: 'visible' });
	const text = (await tipText(page)).replace(/\s+/g, ' ');
	assert.ok(text.includes(it.name), `tooltip names ${it.name}`);
	assert.ok(text.includes(it.kind.replace(/-/g, ' ')), 'tooltip gives the kind');
	if (it.precision) assert.ok(text.includes(it.precision.replace(/-/g, ' ')), 'tooltip gives the precision');
	assert.ok(it.citations.length > 0);
	for (const c of it.citations) {
		assert.ok(text.includes(c.quote.replace(/\s+/g, ' ')), `tooltip quotes "${c.quote}"`);
		assert.ok(text.includes(`[${c.number}] ${sourceText(c.number)}`.replace(/\s+/g, ' ')),
			`tooltip cites source ${c.number} in full`);
		assert.ok(text.includes(c.locator), `tooltip gives the locator ${c.locator}`);
	}
}

test('hover shows the item\'s full citation', async () => {
	const page = await open('map.html');
	const kant = item('bases', 'russia-kant-air-base');
	await (await labelLine(page, 'label--bases--russia-kant-air-base')).hover();
	await assertFullCitation(page, kant);
	/* the symbol too, and an incident with its date */
	const first = mapdata.layers.find((l) => l.name === 'incidents').items.find((i) => i.date && i.symbol_box);
	const dated = item('incidents', first.id);
	await page.hover(`#incidents--${dated.id}`, { force: true });
	await assertFullCitation(page, dated);
	assert.ok((await tipText(page)).includes(dated.date.replace('/', ' to ')), 'tooltip gives the date');
	await page.mouse.move(5, 5);
	await page.locator('#pst-tip').waitFor({ state: 'hidden' });
	await quiet(page);
});

test('click pins the tooltip, Escape closes it', async () => {
	const page = await open('map.html');
	await (await labelLine(page, 'label--bases--russia-201st-dushanbe')).click();
	await page.mouse.move(5, 5);
	await page.waitForTimeout(100);
	assert.ok(await page.locator('#pst-tip').isVisible(), 'pinned tooltip stays');
	assert.ok((await tipText(page)).includes('201st base (Dushanbe)'));
	await page.keyboard.press('Escape');
	assert.ok(await page.locator('#pst-tip').isHidden(), 'Escape closes');
	await quiet(page);
});

test('Tab reaches the map items and shows their citations', async () => {
	const page = await open('map.html');
	await page.focus('#pst-search');
	let id = null;
	for (let i = 0; i < 80 && !id; i++) {
		await page.keyboard.press('Tab');
		id = await page.evaluate(() => {
			const e = document.activeElement;
			return e && e.closest('#pst-map') ? e.id : null;
		});
	}
	assert.ok(id, 'Tab reached an item of the map');
	const a11y = await page.evaluate((i) => {
		const e = document.getElementById(i);
		return [e.getAttribute('role'), e.getAttribute('aria-describedby'), e.getAttribute('aria-label')];
	}, id);
	assert.deepEqual(a11y.slice(0, 2), ['button', 'pst-tip']);
	assert.ok(a11y[2].length > 0, 'the item has an accessible name');
	await page.locator('#pst-tip').waitFor({ state: 'visible' });
	const first = await page.evaluate(() => JSON.parse(document.getElementById('pst-data').textContent).items
		.find((i) => i.label === document.activeElement.id || i.el === document.activeElement.id));
	assert.ok((await tipText(page)).includes(first.name));
	/* the next Tab moves to the next item; Enter pins; Escape closes */
	await page.keyboard.press('Tab');
	const second = await page.evaluate(() => document.activeElement.id);
	assert.notEqual(second, id);
	assert.ok(await page.locator('#pst-tip').isVisible());
	/* every cited item on the map is reachable: as many focusable items as drawn items in the data */
	const counts = await page.evaluate(() => [document.querySelectorAll('#pst-map [tabindex="0"]').length,
		JSON.parse(document.getElementById('pst-data').textContent).items.filter((i) => i.el || i.label).length]);
	assert.equal(counts[0], counts[1]);
	await page.keyboard.press('Enter');
	assert.ok(await page.locator('#pst-tip.pst-pinned').isVisible());
	await page.keyboard.press('Escape');
	assert.ok(await page.locator('#pst-tip').isHidden());
	await quiet(page);
});

/* Whether each element of @p selector is displayed (checkVisibility() ignores SVG ancestors). */
async function visible(page, selector) {
	return page.evaluate((s) => Array.from(document.querySelectorAll(s)).map((e) => {
		for (let n = e; n; n = n.parentElement)
			if (getComputedStyle(n).display === 'none') return false;
		return true;
	}), selector);
}

/* The data-id of the displayed children of @p selector, sorted. */
async function shownIds(page, selector) {
	return page.evaluate((s) => Array.from(document.querySelectorAll(s)).filter((e) => {
		for (let n = e; n; n = n.parentElement)
			if (getComputedStyle(n).display === 'none') return false;
		return true;
	}).map((e) => e.getAttribute('data-id')).sort(), selector);
}

test('a layer toggle hides and shows the layer', async () => {
	const page = await open('map.html');
	const sel = '#pst-map [data-layer="incidents"]';
	assert.ok((await visible(page, sel)).every(Boolean), 'incidents shown at first');
	await page.uncheck('input[data-layer="incidents"]');
	const after = await visible(page, sel);
	assert.ok(after.length > 10 && after.every((v) => !v), 'incidents hidden, symbols and labels');
	assert.ok((await visible(page, '#pst-map [data-layer="bases"]')).every(Boolean), 'bases still shown');
	await page.check('input[data-layer="incidents"]');
	assert.ok((await visible(page, sel)).every(Boolean));
	await quiet(page);
});

/* Whether an ISO date or interval overlaps [from, to] (strings YYYY-MM-DD). */
function overlaps(date, from, to) {
	const [a, b = a] = date.split('/');
	const start = a.length === 4 ? a + '-01-01' : a.length === 7 ? a + '-01' : a;
	const end = b.length === 4 ? b + '-12-31' : b.length === 7 ? b + '-31' : b;
	return start <= to && end >= from;
}

test('the date range keeps the incidents it overlaps', async () => {
	const page = await open('map.html');
	/* the incidents' symbols (areas of imprecise position follow when they carry the date) */
	const incidents = mapdata.layers.find((l) => l.name === 'incidents').items.filter((i) => i.symbol_box);
	assert.ok(incidents.some((i) => !i.date), 'some incidents are undated');
	const symbols = incidents.map((i) => `#incidents--${i.id}`).join(', ');
	const want = (from, to, undated) => incidents
		.filter((i) => (i.date ? overlaps(i.date, from, to) : undated)).map((i) => i.id).sort();
	await page.fill('#pst-from', '2014-01-01');
	await page.fill('#pst-to', '2014-12-31');
	const y2014 = await shownIds(page, symbols);
	assert.deepEqual(y2014, want('2014-01-01', '2014-12-31', true));
	assert.ok(y2014.length < incidents.length, 'some incidents are filtered out');
	await page.uncheck('#pst-undated');
	assert.deepEqual(await shownIds(page, symbols), want('2014-01-01', '2014-12-31', false));
	await page.fill('#pst-from', '2015-03-10');
	await page.fill('#pst-to', '2015-03-20');
	assert.deepEqual(await shownIds(page, symbols), want('2015-03-10', '2015-03-20', false));
	/* labels follow their items; other layers are left alone */
	const labelled = new Set(incidents.filter((i) => i.label).map((i) => i.id));
	assert.deepEqual(await shownIds(page, '#labels--incidents > g'),
		want('2015-03-10', '2015-03-20', false).filter((i) => labelled.has(i)));
	assert.ok((await visible(page, '#pst-map [data-layer="bases"]')).every(Boolean));
	assert.match(await page.locator('#pst-status').innerText(), /shown/);
	await quiet(page);
});

test('search finds an item by name and focuses it', async () => {
	const page = await open('map.html');
	await page.fill('#pst-search', 'kant AIR');
	await page.press('#pst-search', 'Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'label--bases--russia-kant-air-base');
	await page.locator('#pst-tip').waitFor({ state: 'visible' });
	assert.ok((await tipText(page)).includes('Kant air base'));
	/* a dash typed as a hyphen finds the en dash; a missing name says so */
	await page.fill('#pst-search', 'Putin-Karimov');
	await page.click('.pst-search button');
	assert.match(await page.evaluate(() => document.activeElement.id), /putin-karimov/);
	await page.fill('#pst-search', 'no such place');
	await page.press('#pst-search', 'Enter');
	assert.match(await page.locator('#pst-status').innerText(), /Nothing on the map/);
	await quiet(page);
});

test('accessible: text alternative, names, contrast', async () => {
	const page = await open('map.html');
	const info = await page.evaluate(() => {
		const svg = document.getElementById('pst-map');
		const desc = document.getElementById(svg.getAttribute('aria-describedby'));
		const lum = (c) => {
			const v = c.match(/[\d.]+/g).slice(0, 3).map((x) => {
				const s = x / 255;
				return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
		};
		const ratio = (e) => {
			const st = getComputedStyle(e);
			let bg = 'rgb(255, 255, 255)';
			for (let n = e; n; n = n.parentElement) {
				const b = getComputedStyle(n).backgroundColor;
				if (b && b !== 'rgba(0, 0, 0, 0)') { bg = b; break; }
			}
			const [l1, l2] = [lum(st.color), lum(bg)].sort((x, y) => y - x);
			return (l1 + 0.05) / (l2 + 0.05);
		};
		const texts = Array.from(document.querySelectorAll('h1, header p, legend, label, summary, #pst-status, footer p'));
		return {
			title: document.getElementById(svg.getAttribute('aria-labelledby')).textContent,
			desc: desc.textContent,
			lang: document.documentElement.lang,
			minContrast: Math.min(...texts.map(ratio)),
			textVersion: document.querySelector('#pst-text').textContent,
			controlsLabelled: Array.from(document.querySelectorAll('#pst-controls input'))
				.every((i) => i.labels && i.labels.length > 0),
		};
	});
	assert.ok(info.title.length > 0);
	assert.ok(info.desc.length > 40, 'the map has a text alternative');
	assert.equal(info.lang, 'en');
	assert.ok(info.minContrast >= 4.5, `contrast ${info.minContrast} below 4.5:1`);
	assert.ok(info.controlsLabelled, 'every control has a label');
	assert.ok(info.textVersion.includes('Kant air base') && info.textVersion.includes('Sources'));
	await page.hover('#label--bases--russia-kant-air-base');
	const tip = await page.evaluate(() => {
		const t = document.getElementById('pst-tip');
		const lum = getComputedStyle(t);
		return [t.getAttribute('role'), lum.color, lum.backgroundColor];
	});
	assert.equal(tip[0], 'tooltip');
	await quiet(page);
});

test('scales to the window and prints what the filters show', async () => {
	const page = await open('map.html', { width: 700, height: 800 });
	const narrow = await page.evaluate(() => [document.getElementById('pst-map').getBoundingClientRect().width,
		document.scrollingElement.scrollWidth]);
	assert.ok(narrow[0] <= 700 && narrow[0] > 600, `map ${narrow[0]} px wide in a 700 px window`);
	assert.ok(narrow[1] <= 700, 'no sideways scrolling');
	await page.setViewportSize({ width: 1600, height: 900 });
	const wide = await page.evaluate(() => document.getElementById('pst-map').getBoundingClientRect().width);
	assert.ok(wide > 1500, 'the map grows with the window');
	await page.uncheck('input[data-layer="incidents"]');
	await page.emulateMedia({ media: 'print' });
	const print = await page.evaluate(() => [getComputedStyle(document.getElementById('pst-controls')).display,
		Array.from(document.querySelectorAll('#pst-map [data-layer="incidents"]')).some((e) => {
			for (let n = e; n; n = n.parentElement) if (getComputedStyle(n).display === 'none') return false;
			return true;
		}),
		getComputedStyle(document.getElementById('pst-text')).display]);
	assert.deepEqual(print, ['none', false, 'none'], 'a filtered page prints filtered');
	const pdf = await page.pdf({ format: 'A4', landscape: true });
	assert.ok(pdf.length > 10000, 'the page prints');
	await quiet(page);
});

/* Screenshot of @p selector at the page size of the map data, compared with @p png. */
async function compare(page, selector, png, maxPercent, label) {
	const shot = file(label + '.chromium.png');
	await page.locator(selector).screenshot({ path: shot });
	let out;
	try {
		out = execFileSync(PNGDIFF, ['--level', '32', '--max-percent', String(maxPercent), '--diff',
			file(label + '.diff.png'), png, shot], { encoding: 'utf8' });
	} catch (e) {
		assert.fail(`${label}: ${e.stdout || e.message} (see ${file(label + '.diff.png')})`);
	}
	console.log(`# ${label}: ${out.trim()}`);
}

test('the SVG renders in Chromium like the PNG (2%)', async () => {
	for (const [name, w, h] of [['map', 2000, 1400], ['border', 1600, 1100]]) {
		const page = await open(name + '.svg', { width: w, height: h });
		/* one CSS pixel per point, as the PNG has one pixel per point */
		await page.evaluate(() => {
			const r = document.documentElement;
			r.setAttribute('width', r.viewBox.baseVal.width);
			r.setAttribute('height', r.viewBox.baseVal.height);
		});
		await compare(page, 'svg', file(name + '.png'), 2, name + '.svg');
		await quiet(page);
	}
});

test('the page\'s map looks like the PNG (loosely)', async () => {
	const page = await open('map.html', { width: 2000, height: 1000 });
	const size = await page.evaluate(() => {
		/* the map on whole pixels, as the PNG is */
		const svg = document.getElementById('pst-map');
		const top = svg.getBoundingClientRect().top + window.scrollY;
		svg.parentElement.style.paddingTop = (Math.ceil(top) - top) + 'px';
		const r = svg.getBoundingClientRect();
		return [r.width, r.height];
	});
	assert.deepEqual(size, [2000, 1400]);
	await compare(page, '#pst-map', file('map.png'), 4, 'map.html');
	await quiet(page);
});

/* A label's first line: a label on two lines has nothing to point at
 * between them; a one-line label has no tspan. */
async function labelLine(page, id) {
	const lines = page.locator(`#${id} > text tspan`);
	return (await lines.count()) ? lines.first() : page.locator(`#${id} > text`).last();
}

/* The hostile strings of tests/cli/svg_hostile.py. */
const NAME = '<script>alert("name")</script> & ]]> "double" \'single\' <b onmouseover=alert(1)>x</b>';
const QUOTE = '</script><script>alert("quote")</script> <!-- <img src=x onerror=alert(2)> -->';

test('hostile names and citations show as text and run nothing', async () => {
	const page = await open('hostile.html');
	const target = await page.evaluate((name) => {
		const it = JSON.parse(document.getElementById('pst-data').textContent).items.find((i) => i.name === name);
		return it && (it.label || it.el);
	}, NAME);
	assert.ok(target, 'the hostile item is on the page');
	await page.focus('#' + target);
	await page.locator('#pst-tip').waitFor({ state: 'visible' });
	const tip = await page.evaluate(() => document.getElementById('pst-tip').textContent);
	assert.ok(tip.includes(NAME) && tip.includes(QUOTE), 'name and quote shown as plain text');
	const injected = await page.evaluate(() => [document.querySelectorAll('script').length,
		document.querySelectorAll('img, b, #pst-tip *[onmouseover], #pst-map *[onmouseover]').length]);
	assert.deepEqual(injected, [2, 0]);
	const text = await labelLine(page, target);
	await text.hover();
	await text.click();
	await quiet(page);
});

test('a javascript: link smuggled into the page data is not followed', async () => {
	const html = fs.readFileSync(file('hostile.html'), 'utf8');
	const tampered = html.replace(/"url":("[^"]*"|null)/g, '"url":"javascript:alert(\\"link\\")"');
	assert.notEqual(tampered, html);
	fs.writeFileSync(file('tampered.html'), tampered);
	const page = await open('tampered.html');
	await (await labelLine(page, 'label--bases--russia-kant-air-base')).click();
	const links = await page.evaluate(() => Array.from(document.querySelectorAll('#pst-tip a')).map((a) => a.href));
	assert.ok(links.every((h) => /^https?:/.test(h)), `links: ${links}`);
	await page.keyboard.press('Escape');
	await quiet(page);
});
