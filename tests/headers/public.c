/*
 * public.c — the public headers compile on their own, pedantically, as C99
 * and as C11 (built by tests/CMakeLists.txt with -pedantic -Werror).
 */
#include "posture/posture.h"

int posture_header_test(void);

int posture_header_test(void)
{
	posture_render_opts render = POSTURE_RENDER_OPTS_INIT;
	posture_check_opts check = POSTURE_CHECK_OPTS_INIT;
	return render.version + check.version;
}
