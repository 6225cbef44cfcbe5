/*
 * date.c — ISO 8601 calendar dates as the layers use them: YYYY, YYYY-MM,
 * YYYY-MM-DD, or an interval START/END of those ("2014-01/2014-06" for
 * "early 2014").  Each becomes a range of days (first and last day covered),
 * which is what date filters compare.  A date that is not valid says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pst_days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 (proleptic Gregorian). */
static int day_number(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void pst_date_format(char out[32], int day)
{
	/* The inverse of day_number (H. Hinnant's civil_from_days). */
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;
	int y = yoe + era * 400 + (m <= 2);
	snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static const char *const month_names[] = { "January", "February", "March",     "April",
	                                   "May",     "June",     "July",      "August",
	                                   "September", "October", "November", "December" };

/* One date of @p len bytes at @p s; on failure @p why says what is wrong. */
static bool parse_one(const char *s, size_t len, int *from, int *to, char *why, size_t n_why)
{
	if ((len != 4 && len != 7 && len != 10) || !digits(s, 4) ||
	    (len >= 7 && (s[4] != '-' || !digits(s + 5, 2))) ||
	    (len == 10 && (s[7] != '-' || !digits(s + 8, 2)))) {
		snprintf(why, n_why, "is not YYYY, YYYY-MM, YYYY-MM-DD or an interval START/END");
		return false;
	}
	int y = atoi(s), m1 = 1, m2 = 12, d1 = 1, d2;
	if (y < 1) {
		snprintf(why, n_why, "has year 0000");
		return false;
	}
	if (len >= 7) {
		m1 = m2 = (s[5] - '0') * 10 + (s[6] - '0');
		if (m1 < 1 || m1 > 12) {
			snprintf(why, n_why, "has month %02d: months are 01 to 12", m1);
			return false;
		}
	}
	d2 = pst_days_in_month(y, m2);
	if (len == 10) {
		d1 = d2 = (s[8] - '0') * 10 + (s[9] - '0');
		if (d1 < 1 || d1 > pst_days_in_month(y, m1)) {
			snprintf(why, n_why, "is not a calendar date: %s %d has %d days", month_names[m1 - 1],
			         y, pst_days_in_month(y, m1));
			return false;
		}
	}
	*from = day_number(y, m1, d1);
	*to = day_number(y, m2, d2);
	return true;
}

bool pst_date_parse(const char *text, int *from, int *to, char *why, size_t n_why)
{
	const char *slash = strchr(text, '/');
	if (!slash)
		return parse_one(text, strlen(text), from, to, why, n_why);
	int a0, a1, b0, b1;
	if (!parse_one(text, (size_t)(slash - text), &a0, &a1, why, n_why) ||
	    !parse_one(slash + 1, strlen(slash + 1), &b0, &b1, why, n_why))
		return false;
	if (b1 < a0 || b0 < a0) {
		snprintf(why, n_why, "ends before it starts");
		return false;
	}
	*from = a0;
	*to = b1;
	return true;
}
