/*
 * test_cite.c — citations formatted from CSL-JSON (Chicago author-date):
 * what a reader sees in the sources panel and in `posture list`, with
 * missing fields left out cleanly and links only for http(s) and DOIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "layers/cite.h"

static void expect(char *(*fn)(json_t *), const char *csl_text, const char *want)
{
	json_t *csl = json_loads(csl_text, 0, NULL);
	assert_non_null(csl);
	char *got = fn(csl);
	assert_string_equal(got, want);
	free(got);
	json_decref(csl);
}

static void test_cite_full_with_authors(void **state)
{
	(void)state;
	expect(pst_cite_full,
	       "{\"type\": \"post-weblog\", \"title\": \"Putin Using Fear Of ISIS\", "
	       "\"container-title\": \"OTB\", \"author\": [{\"family\": \"Mataconis\", \"given\": \"Doug\"}]}",
	       "Mataconis, Doug. n.d. \xE2\x80\x9CPutin Using Fear Of ISIS.\xE2\x80\x9D OTB.");
	expect(pst_cite_full,
	       "{\"type\": \"article-newspaper\", \"title\": \"Kremlin seen using IS attack\", "
	       "\"container-title\": \"Caravanserai\", \"issued\": {\"date-parts\": [[2019, 11]]}, "
	       "\"author\": [{\"literal\": \"Caravanserai\"}, {\"literal\": \"AFP\"}]}",
	       "Caravanserai and AFP. 2019. \xE2\x80\x9CKremlin seen using IS attack.\xE2\x80\x9D "
	       "Caravanserai.");
	expect(pst_cite_full,
	       "{\"type\": \"book\", \"title\": \"Central Asia\", \"publisher\": \"Press\", "
	       "\"issued\": {\"date-parts\": [[2010]]}, \"author\": [{\"family\": \"A\", \"given\": "
	       "\"B\"}, {\"family\": \"C\", \"given\": \"D\"}, {\"family\": \"E\", \"given\": \"F\"}]}",
	       "A, B, D C, and F E. 2010. Central Asia. Press.");
}

static void test_cite_full_without_authors_or_fields(void **state)
{
	(void)state;
	expect(pst_cite_full,
	       "{\"type\": \"article-journal\", \"title\": \"[Russian security policy]\", "
	       "\"container-title\": \"Comillas Journal of International Relations\", \"issue\": \"3\", "
	       "\"page\": \"44-57\", \"issued\": {\"date-parts\": [[2015]]}}",
	       "\xE2\x80\x9C[Russian security policy].\xE2\x80\x9D 2015. Comillas Journal of "
	       "International Relations, no. 3: 44\xE2\x80\x93" "57.");
	/* Only a title: nothing empty, nothing doubled. */
	expect(pst_cite_full, "{\"type\": \"report\", \"title\": \"A report.\"}", "A report. n.d.");
	expect(pst_cite_full,
	       "{\"type\": \"article-journal\", \"title\": \"T\", \"container-title\": \"J\", "
	       "\"volume\": \"12\", \"issue\": \"4\", \"author\": [{\"family\": \"X\"}]}",
	       "X. n.d. \xE2\x80\x9CT.\xE2\x80\x9D J 12 (4).");
}

static void test_cite_short(void **state)
{
	(void)state;
	json_t *csl = json_loads("{\"title\": \"T\", \"container-title\": \"Russia Direct\", "
	                         "\"issued\": {\"date-parts\": [[2015]]}}", 0, NULL);
	char *s = pst_cite_short(csl, "para. 32");
	assert_string_equal(s, "Russia Direct 2015, para. 32");
	free(s);
	json_decref(csl);
}

static void expect_url(const char *csl_text, const char *want)
{
	json_t *csl = json_loads(csl_text, 0, NULL);
	char *got = pst_cite_url(csl);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
	json_decref(csl);
}

static void test_cite_links_http_and_doi_only(void **state)
{
	(void)state;
	expect_url("{\"URL\": \"https://example.org/a?b=1\"}", "https://example.org/a?b=1");
	expect_url("{\"URL\": \"  HTTP://Example.org/x  \"}", "HTTP://Example.org/x");
	expect_url("{\"URL\": \"javascript:alert(1)\"}", NULL);
	expect_url("{\"URL\": \" JavaScript:alert(1)\"}", NULL);
	expect_url("{\"URL\": \"https://a.org/\\\"><script>\"}", NULL);
	expect_url("{\"URL\": \"ftp://a.org/x\"}", NULL);
	expect_url("{\"DOI\": \"10.1234/abc.5\"}", "https://doi.org/10.1234/abc.5");
	expect_url("{\"DOI\": \"https://doi.org/10.1234/x\"}", "https://doi.org/10.1234/x");
	expect_url("{\"URL\": \"ftp://a.org\", \"DOI\": \"10.1/x\"}", "https://doi.org/10.1/x");
	expect_url("{\"title\": \"no link\"}", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cite_full_with_authors),
		cmocka_unit_test(test_cite_full_without_authors_or_fields),
		cmocka_unit_test(test_cite_short),
		cmocka_unit_test(test_cite_links_http_and_doi_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
