'use strict';
/*
 * live.js — the harness of bench/live.  A copy of the default map is served
 * by `posture serve`; the page is open in headless Chromium.  Each edit
 * names the test item of the incidents layer anew ("Edit 7"), staged in
 * layers/incidents.geojson.new and renamed over the layer at t0.  The page
 * swaps the new map in place and then sends "pst-updated" (html_live.c); an
 * init script in the page notes when the frame that shows it has been drawn
 * (a task queued from the next requestAnimationFrame callback runs after
 * that frame's style, layout and paint); the edit's latency is that instant
 * minus t0, both on the machine's clock.  The
 * server's own figures for the build and page (its "drawn (… s; … s CPU)"
 * line: wall time, and the CPU time of the thread that builds) are kept too.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require(path.join(process.env.POSTURE_SOURCE_DIR, 'node_modules/playwright-core'));
const { makeProject, startServe, stopServe } = require('../tests/browser/live.js');

const SRC = process.env.POSTURE_SOURCE_DIR;
const DIR = process.env.BENCH_TMP;
const EDITS = Number(process.argv[2] || 20);
const STAGES = ['event', 'headers', 'body', 'parsed', 'swapped', 'restored', 'drawn'];

const stats = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	return { median: mid, max: s[s.length - 1], min: s[0] };
};

async function main() {
	const map = makeProject(SRC, DIR);
	const layer = path.join(DIR, 'layers/incidents.geojson');
	/* BENCH_LIVE_MOVE=1: each edit also moves the item (round Dushanbe, 0.2° a
	 * step), so its symbol, every label's candidates and the solve change. */
	const move = process.env.BENCH_LIVE_MOVE === '1';
	let edits = 0;
	const stage = (name) => {
		const a = (edits++ % 12) * Math.PI / 6;
		const at = move ? `@${(69.0 + 0.2 * Math.cos(a)).toFixed(3)},${(38.6 + 0.2 * Math.sin(a)).toFixed(3)}` : '';
		execFileSync('python3', [path.join(SRC, 'tests/tools/edit-layer.py'), 'stage',
			'name=' + name + at, layer]);
	};
	stage('Edit 0');
	fs.renameSync(layer + '.new', layer);
	const server = await startServe(process.env.POSTURE, path.relative(DIR, map), DIR);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await page.addInitScript(() => {
		const now = () => performance.timeOrigin + performance.now();
		/* where the time goes in the page: the server's event, the fetch's
		 * headers and body, the parse, the swap, the page's script set up
		 * again, the frame drawn (each the first of its kind after an edit) */
		window.__marks = {};
		const mark = (name) => { if (window.__marks[name] === undefined) window.__marks[name] = now(); };
		const listen = EventSource.prototype.addEventListener;
		EventSource.prototype.addEventListener = function (type, fn, o) {
			return listen.call(this, type, (type === 'reload' || type === 'patch') ? function (e) { mark('event'); return fn.call(this, e); } : fn, o);
		};
		const fetch0 = window.fetch;
		window.fetch = function (...a) { return fetch0.apply(this, a).then((r) => { mark('headers'); return r; }); };
		const text0 = Response.prototype.text;
		Response.prototype.text = function () { return text0.call(this).then((t) => { mark('body'); return t; }); };
		const parse0 = DOMParser.prototype.parseFromString;
		DOMParser.prototype.parseFromString = function (...a) { const d = parse0.apply(this, a); mark('parsed'); return d; };
		document.addEventListener('pst-replaced', () => mark('swapped'));
		document.addEventListener('pst-updated', () => {
			mark('restored');
			requestAnimationFrame(() => setTimeout(() => {
				window.__shown = now();
			}, 0));
		});
	});
	await page.goto(server.url);
	await page.getByText('Edit 0').first().waitFor({ state: 'attached' });
	const total = [], build = [], cpu = [], stages = {};
	for (let i = 1; i <= EDITS; i++) {
		stage(`Edit ${i}`);
		await page.waitForTimeout(300); /* let the machine settle between edits */
		const drawn = (server.log.out.match(/drawn \(/g) || []).length;
		await page.evaluate(() => { window.__shown = undefined; window.__marks = {}; });
		const t0 = performance.timeOrigin + performance.now();
		fs.renameSync(layer + '.new', layer);
		await page.getByText(`Edit ${i}`, { exact: true }).first().waitFor({ state: 'attached', timeout: 30000 });
		await page.waitForFunction(() => window.__shown !== undefined);
		const shown = await page.evaluate(() => window.__shown);
		const marks = await page.evaluate(() => window.__marks);
		total.push(shown - t0);
		/* the server prints its line after it published the page: the
		 * browser may have shown it first */
		while ((server.log.out.match(/drawn \(/g) || []).length <= drawn)
			await new Promise((resolve) => setTimeout(resolve, 5));
		const line = server.log.out.match(/drawn \([0-9.]+ s; [0-9.]+ s CPU\)/g).slice(drawn)[0];
		const m = line.match(/([0-9.]+) s; ([0-9.]+) s CPU/);
		build.push(Number(m[1]) * 1000);
		cpu.push(Number(m[2]) * 1000);
		/* the stages, each from the one before: save to the event (the
		 * wait for quiet, the build and page, the event sent), then the page's */
		let prev = t0;
		const stage_ms = {};
		for (const k of STAGES) {
			const t = k === 'drawn' ? shown : marks[k];
			if (t === undefined) continue;
			stage_ms[k] = t - prev;
			prev = t;
			(stages[k] = stages[k] || []).push(stage_ms[k]);
		}
		console.log(`edit ${i}: ${Math.round(shown - t0)} ms to the browser (build and page ${Math.round(build[i - 1])} ms, ${Math.round(cpu[i - 1])} ms CPU; ` +
			STAGES.filter((k) => k in stage_ms).map((k) => `${k} +${Math.round(stage_ms[k])}`).join(', ') + ')');
	}
	await browser.close();
	await stopServe(server);
	const t = stats(total), b = stats(build), c = stats(cpu);
	console.log(`save to browser over ${EDITS} edits: median ${Math.round(t.median)} ms, max ${Math.round(t.max)} ms, min ${Math.round(t.min)} ms`);
	console.log(`server build + page: median ${Math.round(b.median)} ms, max ${Math.round(b.max)} ms; ` +
		`its CPU time: median ${Math.round(c.median)} ms, max ${Math.round(c.max)} ms`);
	console.log('stages, median / max (ms, each from the one before; event: from the save): ' +
		STAGES.filter((k) => stages[k]).map((k) => { const s = stats(stages[k]); return `${k} ${Math.round(s.median)} / ${Math.round(s.max)}`; }).join(', '));
}

main().catch((e) => { console.error(e); process.exit(1); });
