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

const stats = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	return { median: mid, max: s[s.length - 1], min: s[0] };
};

async function main() {
	const map = makeProject(SRC, DIR);
	const layer = path.join(DIR, 'layers/incidents.geojson');
	const stage = (name) => execFileSync('python3', [path.join(SRC, 'tests/tools/edit-layer.py'), 'stage',
		'name=' + name, layer]);
	stage('Edit 0');
	fs.renameSync(layer + '.new', layer);
	const server = await startServe(process.env.POSTURE, path.relative(DIR, map), DIR);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await page.addInitScript(() => {
		document.addEventListener('pst-updated', () => {
			requestAnimationFrame(() => setTimeout(() => {
				window.__shown = performance.timeOrigin + performance.now();
			}, 0));
		});
	});
	await page.goto(server.url);
	await page.getByText('Edit 0').first().waitFor({ state: 'attached' });
	const total = [], build = [], cpu = [];
	for (let i = 1; i <= EDITS; i++) {
		stage(`Edit ${i}`);
		await page.waitForTimeout(300); /* let the machine settle between edits */
		const drawn = (server.log.out.match(/drawn \(/g) || []).length;
		await page.evaluate(() => { window.__shown = undefined; });
		const t0 = performance.timeOrigin + performance.now();
		fs.renameSync(layer + '.new', layer);
		await page.getByText(`Edit ${i}`, { exact: true }).first().waitFor({ state: 'attached', timeout: 30000 });
		await page.waitForFunction(() => window.__shown !== undefined);
		const shown = await page.evaluate(() => window.__shown);
		total.push(shown - t0);
		const line = server.log.out.match(/drawn \([0-9.]+ s; [0-9.]+ s CPU\)/g).slice(drawn)[0];
		const m = line.match(/([0-9.]+) s; ([0-9.]+) s CPU/);
		build.push(Number(m[1]) * 1000);
		cpu.push(Number(m[2]) * 1000);
		console.log(`edit ${i}: ${Math.round(shown - t0)} ms to the browser (build and page ${Math.round(build[i - 1])} ms, ${Math.round(cpu[i - 1])} ms CPU)`);
	}
	await browser.close();
	await stopServe(server);
	const t = stats(total), b = stats(build), c = stats(cpu);
	console.log(`save to browser over ${EDITS} edits: median ${Math.round(t.median)} ms, max ${Math.round(t.max)} ms, min ${Math.round(t.min)} ms`);
	console.log(`server build + page: median ${Math.round(b.median)} ms, max ${Math.round(b.max)} ms; ` +
		`its CPU time: median ${Math.round(c.median)} ms, max ${Math.round(c.max)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
