/*
 * html_assets.h — the HTML page's inline style sheet and script
 * (html_assets.c), written into every page verbatim.
 */
#ifndef POSTURE_HTML_ASSETS_H
#define POSTURE_HTML_ASSETS_H

/* CSS for the page: layout, controls, tooltip, focus rings, print. */
extern const char pst_html_style[];

/* The page's behaviour: tooltips, toggles, date filter, search. */
extern const char pst_html_script[];

/* The live preview's banner style and script (html_live.c). */
extern const char pst_html_live_style[];
extern const char pst_html_live_script[];

#endif
