/*
 * test_escape.c — escaping for the SVG and HTML writers: markup, quotes,
 * "]]>", control characters and broken UTF-8 in text and attributes; ids
 * made valid and safe; JSON that cannot end its <script> element; links
 * that are http(s) or nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/escape.h"

typedef void (*escaper)(pst_buf *b, const char *s);

/* @p fn applied to @p in, compared with @p want. */
static void check(escaper fn, const char *in, const char *want)
{
	pst_buf b;
	pst_buf_init(&b);
	fn(&b, in);
	pst_buf_puts(&b, "");
	assert_false(b.failed);
	assert_string_equal(b.data, want);
	pst_buf_free(&b);
}

static void test_escape_text_markup(void **state)
{
	(void)state;
	check(pst_esc_text, "<script>alert(\"x\")</script>", "&lt;script&gt;alert(\"x\")&lt;/script&gt;");
	check(pst_esc_text, "A & B ]]> C", "A &amp; B ]]&gt; C");
	check(pst_esc_text, "Qurghonteppa \xE2\x80\x93 \xC2\xB0 \xE2\x80\x9Cok\xE2\x80\x9D",
	      "Qurghonteppa \xE2\x80\x93 \xC2\xB0 \xE2\x80\x9Cok\xE2\x80\x9D");
	check(pst_esc_text, "two\nlines", "two\nlines");
	check(pst_esc_text, "", "");
	check(pst_esc_text, NULL, "");
}

static void test_escape_text_invalid_characters(void **state)
{
	(void)state;
	/* C0 controls, a lone continuation byte, a truncated sequence, U+FFFE */
	check(pst_esc_text, "a\x01" "b\x1F" "c", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
	check(pst_esc_text, "x\x80y", "x\xEF\xBF\xBDy");
	check(pst_esc_text, "x\xE2\x80", "x\xEF\xBF\xBD\xEF\xBF\xBD");
	check(pst_esc_text, "\xEF\xBF\xBE", "\xEF\xBF\xBD");
	check(pst_esc_text, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* a surrogate */
	check(pst_esc_text, "tab\there", "tab\there");
	check(pst_esc_text, "cr\rlf", "cr&#13;lf");
}

static void test_escape_attr_quotes(void **state)
{
	(void)state;
	check(pst_esc_attr, "\" onload=\"alert(1)", "&quot; onload=&quot;alert(1)");
	check(pst_esc_attr, "it's <b>", "it's &lt;b&gt;");
	check(pst_esc_attr, "a\tb\nc", "a&#9;b&#10;c");
}

static void test_escape_id(void **state)
{
	(void)state;
	check(pst_esc_id, "kant-air-base", "kant-air-base");
	check(pst_esc_id, "AFG", "AFG");
	check(pst_esc_id, "201st", "_201st");
	check(pst_esc_id, "-x", "_-x");
	check(pst_esc_id, "a b\"<c>", "a_b__c_");
	check(pst_esc_id, "Qurghonteppa\xE2\x80\x93x", "Qurghonteppa___x");
	check(pst_esc_id, "", "_");
	check(pst_esc_id, NULL, "_");
}

static void test_escape_json_script(void **state)
{
	(void)state;
	check(pst_esc_json_script, "{\"n\":\"</script><script>alert(1)</script>\"}",
	      "{\"n\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}");
	check(pst_esc_json_script, "[\"<!-- a & b -->\"]",
	      "[\"\\u003c!-- a \\u0026 b --\\u003e\"]");
	check(pst_esc_json_script, "[\"\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\x93\"]",
	      "[\"\\u2028\\u2029\xE2\x80\x93\"]");
}

/* pst_link_url(url, doi) compared with @p want (NULL: no link). */
static void check_link(const char *url, const char *doi, const char *want)
{
	char *got = pst_link_url(url, doi);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void test_escape_links_web_only(void **state)
{
	(void)state;
	check_link("https://www.rferl.org/a/x.html", NULL, "https://www.rferl.org/a/x.html");
	check_link("HTTP://EXAMPLE.ORG/", NULL, "HTTP://EXAMPLE.ORG/");
	check_link("javascript:alert(1)", NULL, NULL);
	check_link("JavaScript:alert(1)//http://x", NULL, NULL);
	check_link(" javascript:alert(1)", NULL, NULL);
	check_link("data:text/html,<script>alert(1)</script>", NULL, NULL);
	check_link("vbscript:msgbox", NULL, NULL);
	check_link("//evil.example/x", NULL, NULL);
	check_link("/relative/path", NULL, NULL);
	check_link("https://", NULL, NULL);
	check_link("https://x.org/a b", NULL, NULL);
	check_link("https://x.org/\"onmouseover=\"x", NULL, NULL);
	check_link("https://x.org/\nx", NULL, NULL);
	check_link(NULL, NULL, NULL);
}

static void test_escape_links_doi(void **state)
{
	(void)state;
	check_link(NULL, "10.1000/xyz-123", "https://doi.org/10.1000/xyz-123");
	check_link(NULL, "doi:10.1000/a b<c>", "https://doi.org/10.1000/a%20b%3Cc%3E");
	check_link(NULL, "https://doi.org/10.5/x", "https://doi.org/10.5/x");
	check_link("javascript:alert(1)", "10.1/x", "https://doi.org/10.1/x");
	check_link(NULL, "javascript:alert(1)", NULL);
	check_link(NULL, "", NULL);
	check_link("https://doi.org/10.1/a\"b<c> d", NULL, "https://doi.org/10.1/a%22b%3Cc%3E%20d");
	check_link("https://doi.org/10.1/a%20b", NULL, "https://doi.org/10.1/a%20b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_text_markup),
		cmocka_unit_test(test_escape_text_invalid_characters),
		cmocka_unit_test(test_escape_attr_quotes),
		cmocka_unit_test(test_escape_id),
		cmocka_unit_test(test_escape_json_script),
		cmocka_unit_test(test_escape_links_web_only),
		cmocka_unit_test(test_escape_links_doi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
