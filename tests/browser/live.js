'use strict';
/*
 * live.js — what the live preview's browser test (serve.test.js) and its
 * benchmark (bench/live) share: a copy of the default map to edit, a
 * `posture serve` of it on a free port, and the layer edits an editor makes.
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/* A copy of maps/ and layers/ in @p dir whose default map reads the shipped shapes; its map file. */
function makeProject(src, dir) {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.cpSync(path.join(src, 'maps'), path.join(dir, 'maps'), { recursive: true });
	fs.cpSync(path.join(src, 'layers'), path.join(dir, 'layers'), { recursive: true });
	const ini = path.join(dir, 'maps/central-asia.ini');
	fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8')
		.replace(/^shapes *=.*$/m, `shapes = ${path.join(src, 'shapes')}`));
	return ini;
}

/* Start `posture serve MAP --port 0` in @p cwd; resolves to { proc, url, log } once it prints its URL. */
function startServe(posture, map, cwd) {
	return new Promise((resolve, reject) => {
		const proc = spawn(posture, ['serve', map, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		const log = { out: '', err: '' };
		/* cleared once the URL is there: a pending timer would keep node running for its 60 s */
		const timer = setTimeout(() => reject(new Error('posture serve printed no URL in 60 s')), 60000);
		proc.stderr.on('data', (d) => { log.err += d; });
		proc.stdout.on('data', (d) => {
			log.out += d;
			const m = log.out.match(/^(http:\/\/127\.0\.0\.1:\d+\/)$/m);
			if (m) {
				clearTimeout(timer);
				resolve({ proc, url: m[1], log });
			}
		});
		proc.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`posture serve ended (${code}): ${log.out}${log.err}`));
		});
	});
}

/* Stop a server with SIGINT (Ctrl-C); resolves to its exit status. */
function stopServe(server) {
	return new Promise((resolve) => {
		server.proc.removeAllListeners('exit');
		server.proc.on('exit', (code, signal) => resolve(signal ? signal : code));
		server.proc.kill('SIGINT');
	});
}

/* tests/tools/edit-layer.py: change the incidents layer of the project in @p dir. */
function editLayer(src, dir, mode, what) {
	execFileSync('python3', [path.join(src, 'tests/tools/edit-layer.py'), mode, what,
		path.join(dir, 'layers/incidents.geojson')]);
}

module.exports = { makeProject, startServe, stopServe, editLayer };
