/*
 * escape.h — writing untrusted strings into the markup the SVG and HTML
 * writers produce: XML/HTML text and attribute values, element ids, JSON
 * inside a <script> element, and links.
 *
 * Every string that comes from data (names, kinds, quotes, citations, URLs)
 * passes through one of these on its way out; nothing is ever written raw.
 */
#ifndef POSTURE_ESCAPE_H
#define POSTURE_ESCAPE_H

#include "internal.h"
#include "scene/scene.h"

/**
 * Append @p s as XML (and HTML) character data: & < > become entity
 * references.  Bytes that are not valid UTF-8, and characters XML 1.0 does
 * not allow (C0 controls other than tab, newline and carriage return,
 * U+FFFE, U+FFFF), become U+FFFD.  NULL appends nothing.
 */
void pst_esc_text(pst_buf *b, const char *s);

/** "kind, date; position: precision" of an item, escaped as character data. */
void pst_esc_item_facts(pst_buf *b, const pst_item *it);


/**
 * Append @p s as the value of an attribute written in double quotes: as
 * pst_esc_text(), and " becomes &quot;, tab, newline and carriage return
 * become character references (so they survive attribute normalisation).
 */
void pst_esc_attr(pst_buf *b, const char *s);

/**
 * Append an element id made from @p s: ASCII letters, digits, '-' and '_'
 * are kept, every other byte becomes '_'; an id that would not start with a
 * letter or '_' is prefixed with "_".  The result is a valid XML Name
 * (NCName) and needs no escaping in a CSS selector beyond what '-' needs.
 */
void pst_esc_id(pst_buf *b, const char *s);

/**
 * Append the JSON text @p json for a <script type="application/json">
 * element: '<', '>' and '&' become \u003c, \u003e and \u0026, so neither
 * "</script" nor "<!--" can appear, and U+2028/U+2029 become \u2028 and
 * \u2029.  @p json must be valid JSON (those characters only ever occur
 * inside its strings, where the escapes mean the same).
 */
void pst_esc_json_script(pst_buf *b, const char *json);


#endif
