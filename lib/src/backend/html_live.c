/*
 * html_live.c — what turns the HTML page into a live preview
 * (posture_render_opts.live_events): a banner over the map for the errors
 * of a broken edit, and a script that listens to the preview server's
 * Server-Sent Events.
 *
 * The server sends two events.  "errors" carries a JSON array of
 * diagnostic lines (FILE:LINE:COLUMN: error: …), empty when the latest
 * render succeeded; the banner shows them, as text, over the last good map.
 * "reload" says a newer map is ready: the script saves what the reader set
 * (layer toggles, the date range when changed, the search and whether it
 * was run, the zoom) in sessionStorage, reloads the page, and the new page
 * puts it all back through the controls themselves, so the page's own
 * script stays the one source of its state.  The zoom goes back through the
 * page's "pst-view" event.  Like the page's own script, this one is named
 * by its SHA-256 in the Content-Security-Policy, which allows connections
 * to the page's own origin only.
 */
#include "html_assets.h"

const char pst_html_live_style[] =
	"#pst-live { position: sticky; top: 0; z-index: 20; margin: 0 auto; max-width: 72rem;\n"
	"  box-sizing: border-box; padding: 0.5rem 1rem; background: #fde7e9; color: #5c0011;\n"
	"  border: 2px solid #a50e0e; border-radius: 4px; }\n"
	"#pst-live[hidden] { display: none; }\n"
	"#pst-live p { margin: 0 0 0.25rem; font-weight: bold; }\n"
	"#pst-live pre { margin: 0; white-space: pre-wrap; font: 0.9rem/1.4 monospace; }\n";

const char pst_html_live_script[] =
	"(function () {\n"
	"'use strict';\n"
	"var doc = document;\n"
	"var banner = doc.getElementById('pst-live');\n"
	"var svg = doc.getElementById('pst-map');\n"
	"var KEY = 'pst-live-state';\n"
	"\n"
	"function byId(id) { return doc.getElementById(id); }\n"
	"\n"
	"/* What the reader set, in terms of the page's controls. */\n"
	"function state() {\n"
	"	var s = { layers: {}, scroll: [window.scrollX, window.scrollY] };\n"
	"	Array.prototype.forEach.call(doc.querySelectorAll('input[data-layer]'), function (b) {\n"
	"		s.layers[b.getAttribute('data-layer')] = b.checked;\n"
	"	});\n"
	"	var from = byId('pst-from'), to = byId('pst-to'), undated = byId('pst-undated');\n"
	"	if (from && from.value !== from.min) s.from = from.value;\n"
	"	if (to && to.value !== to.max) s.to = to.value;\n"
	"	if (undated) s.undated = undated.checked;\n"
	"	var search = byId('pst-search');\n"
	"	if (search) s.search = search.value;\n"
	"	s.searched = !!search && search.value !== '' && search.value === asked;\n"
	"	if (svg) s.view = svg.getAttribute('viewBox');\n"
	"	return s;\n"
	"}\n"
	"\n"
	"function setValue(input, value) {\n"
	"	if (!input || typeof value !== 'string' || input.value === value) return;\n"
	"	input.value = value;\n"
	"	input.dispatchEvent(new Event('change'));\n"
	"}\n"
	"\n"
	"function restore(s) {\n"
	"	Array.prototype.forEach.call(doc.querySelectorAll('input[data-layer]'), function (b) {\n"
	"		var id = b.getAttribute('data-layer');\n"
	"		if (Object.prototype.hasOwnProperty.call(s.layers || {}, id) && b.checked !== !!s.layers[id])\n"
	"			b.click();\n"
	"	});\n"
	"	setValue(byId('pst-from'), s.from);\n"
	"	setValue(byId('pst-to'), s.to);\n"
	"	var undated = byId('pst-undated');\n"
	"	if (undated && typeof s.undated === 'boolean' && undated.checked !== s.undated) undated.click();\n"
	"	var search = byId('pst-search');\n"
	"	if (search && typeof s.search === 'string') {\n"
	"		search.value = s.search;\n"
	"		if (s.searched && s.search && search.form) search.form.requestSubmit();\n"
	"	}\n"
	"	var vb = String(s.view || '').split(/[\\s,]+/).map(Number);\n"
	"	if (svg && vb.length === 4 && vb.every(isFinite))\n"
	"		svg.dispatchEvent(new CustomEvent('pst-view', { detail: { x: vb[0], y: vb[1], w: vb[2] } }));\n"
	"	if (s.scroll) window.scrollTo(s.scroll[0], s.scroll[1]);\n"
	"}\n"
	"\n"
	"function showErrors(lines) {\n"
	"	while (banner.firstChild) banner.removeChild(banner.firstChild);\n"
	"	banner.hidden = !lines.length;\n"
	"	if (!lines.length) return;\n"
	"	var head = doc.createElement('p');\n"
	"	head.textContent = 'The last edit does not render; the map below is the last one that did.';\n"
	"	var pre = doc.createElement('pre');\n"
	"	pre.textContent = lines.join('\\n');\n"
	"	banner.appendChild(head);\n"
	"	banner.appendChild(pre);\n"
	"}\n"
	"\n"
	"/* The search last run (Enter or Find), to run it again on the new map. */\n"
	"var asked = null;\n"
	"var searchInput = byId('pst-search');\n"
	"if (searchInput && searchInput.form)\n"
	"	searchInput.form.addEventListener('submit', function () { asked = searchInput.value; });\n"
	"\n"
	"var saved = null;\n"
	"try { saved = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { saved = null; }\n"
	"if (saved) {\n"
	"	try { restore(JSON.parse(saved)); } catch (e) { /* a state this page cannot take */ }\n"
	"}\n"
	"var events = new EventSource(banner.getAttribute('data-events'));\n"
	"events.addEventListener('errors', function (e) {\n"
	"	var lines = [];\n"
	"	try { lines = JSON.parse(e.data); } catch (err) { lines = ['(unreadable message from the server)']; }\n"
	"	showErrors(Array.isArray(lines) ? lines.map(String) : []);\n"
	"});\n"
	"events.addEventListener('reload', function () {\n"
	"	events.close();\n"
	"	try { sessionStorage.setItem(KEY, JSON.stringify(state())); } catch (e) { /* reload anyway */ }\n"
	"	window.location.reload();\n"
	"});\n"
	"}());\n";
