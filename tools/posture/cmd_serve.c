/*
 * cmd_serve.c — `posture serve MAP.ini [--port N]`: a live preview of one
 * map in the browser, on 127.0.0.1 only.
 *
 * The main thread builds the map, watches its inputs (live.c) and builds it
 * again when one changes; GNU libmicrohttpd answers the browser from its
 * own threads, one per connection.  The two meet in one `server` under a
 * mutex: the main thread publishes each good render's page (generation
 * 1, 2, …) and the latest errors, and wakes every waiting connection with a
 * condition variable.  Only the main thread calls posture: a request for
 * /map.png, /map.svg or /map.pdf asks it (through a pipe) to write that
 * format of the latest scene, and waits for the bytes.
 *
 * What is served, and nothing else: GET or HEAD of
 *   /            the interactive HTML page with its inline SVG, in its live
 *                form (posture_render_opts.live_events): an error banner,
 *                and, on each new render, the new map fetched and swapped
 *                in place, keeping the reader's toggles, dates, search and
 *                zoom;
 *   /map.png, /map.svg, /map.pdf   the latest good render in that format;
 *   /events      Server-Sent Events: "errors" (a JSON array of the latest
 *                render's diagnostic lines, [] when it drew) at once and
 *                whenever they change, and when a newer page exists than
 *                the one whose generation the page gives in ?since= (or
 *                was last told of): "patch", that page as the lines that
 *                changed since the page before it (delta.c), when the
 *                stream's page is that one, else "reload".  GET / says
 *                which generation it is in X-Posture-Generation.
 * Any other path is 404, any other method 405, and a Host header naming
 * another host is 403 (a page elsewhere cannot reach the preview through a
 * DNS name of its own).  libmicrohttpd bounds the rest: a request's head
 * must fit in 32 KiB (a longer request line is refused with an error
 * status), at most 32 connections at once, and a connection idle for 20 s
 * is closed, so a slow client holds only its own thread, for a while.
 *
 * Nothing is written to disk: the pages and files are made in memory
 * (posture_scene_write_buffer).
 */
#define _GNU_SOURCE /* pipe2(), realpath(), signalfd() */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "cmd.h"
#include "delta.h"
#include "live.h"

static const char usage[] =
	"usage: posture serve [options] MAP.ini\n"
	"\n"
	"Preview the map in a browser while you edit it: draws it, serves it on\n"
	"http://127.0.0.1:PORT/ (loopback only; the address is printed), and draws it\n"
	"again whenever a file it read changes, as 'posture watch' does.  The open\n"
	"page swaps in the new map (Server-Sent Events; no reload) keeping its layer\n"
	"toggles, dates, search and zoom; a broken edit shows its errors in a banner\n"
	"over the last good map.  GET / is the HTML map; /map.png, /map.svg and\n"
	"/map.pdf are the latest render in those formats.  Writes no files.  Ctrl-C\n"
	"stops it.\n"
	"\n"
	"options:\n"
	"  -p, --port N          TCP port on 127.0.0.1 (default: 8000; 0 picks a free one)\n"
	"      --hold-labels     hold each label where the draw before put it: after an\n"
	"                        edit, only the labels it leaves no room for move\n"
	"      --allow-path DIR  let layer, theme and sources files that are symbolic\n"
	"                        links lead into DIR (repeatable)\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 stopped by Ctrl-C (or SIGTERM), 2 usage, 3 I/O or system error\n"
	"(such as a port in use).\n";

#define MAX_ALLOW 16
#define N_FORMATS 3
#define WAIT_FORMAT_S 60 /* longest a request waits for a format to be written */
#define KEEPALIVE_S 10   /* an idle event stream gets a comment this often */

static const struct {
	const char *path;
	const char *type;
	posture_format format;
} formats[N_FORMATS] = { { "/map.png", "image/png", POSTURE_FORMAT_PNG },
	                 { "/map.svg", "image/svg+xml", POSTURE_FORMAT_SVG },
	                 { "/map.pdf", "application/pdf", POSTURE_FORMAT_PDF } };

/* Bytes made from one generation of the map. */
typedef struct {
	char *data;
	size_t len;
	unsigned long gen; /* the generation they show; 0: none */
	bool failed;       /* writing that generation in this format failed */
} blob;

/* What the main thread and the connections share; every field under lock. */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;    /* broadcast whenever anything below changes */
	unsigned long gen;         /* generation of the latest good render; 0: none yet */
	blob page;                 /* its live HTML page */
	char *patch;               /* the page as a delta of the one before (delta.h); NULL: none */
	unsigned long patch_from;  /* the generation that delta applies to */
	blob files[N_FORMATS];     /* its other formats, made on request */
	bool want[N_FORMATS];      /* a request waits for this format of gen */
	char *errors;              /* the latest render's diagnostics, a JSON array */
	unsigned long errors_gen;  /* bumped each time errors is replaced */
	bool stopping;             /* shutting down: streams end, waits give up */
	int wake_w;                /* written to (one byte) to wake the main thread */
	char host[2][64];          /* Host header values that name this server */
} server;

typedef struct {
	const char *map;
	long port;
	const char *allow[MAX_ALLOW];
	size_t n_allow;
	bool hold_labels; /* --hold-labels */
} serve_args;

static int parse_port(serve_args *a, const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (!*text || *end || n < 0 || n > 65535)
		return cli_usage_error("serve", "--port wants a number from 0 to 65535, not '%s'", text);
	a->port = n;
	return EXIT_OK;
}

static int parse_args(serve_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int rc = EXIT_OK;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage, stdout);
			return -1;
		} else if ((v = cli_option_value(argc, argv, &i, "-p")) ||
		           (v = cli_option_value(argc, argv, &i, "--port"))) {
			rc = parse_port(a, v);
		} else if (!strcmp(arg, "--hold-labels")) {
			a->hold_labels = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-path"))) {
			if (!*v)
				return cli_usage_error("serve", "--allow-path needs a folder");
			if (a->n_allow >= MAX_ALLOW)
				return cli_usage_error("serve", "at most %d --allow-path folders", MAX_ALLOW);
			a->allow[a->n_allow++] = v;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_unknown_option("serve", arg, usage);
		} else if (a->map) {
			return cli_usage_error("serve", "one map at a time ('%s' and '%s')", a->map, arg);
		} else {
			a->map = arg;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	if (!a->map)
		return cli_usage_error("serve", "which map? (for example: posture serve maps/central-asia.ini)");
	return EXIT_OK;
}

/* --- the main thread: renders ----------------------------------------------- */

/* What the main thread keeps. */
typedef struct {
	server *srv;
	cli_live *lw;
	const char *map_path;
	posture_scene *scene;  /* the latest good scene */
	unsigned long gen;     /* its generation */
} renderer;

/* Write @p scene in @p format into memory. */
static int make_blob(blob *out, posture_ctx *ctx, const posture_scene *scene,
                     posture_format format, unsigned long gen)
{
	char name[32], events[64];
	snprintf(name, sizeof(name), "map.%s", posture_format_extension(format));
	snprintf(events, sizeof(events), "/events?since=%lu", gen);
	posture_render_opts opts = POSTURE_RENDER_OPTS_INIT;
	if (format == POSTURE_FORMAT_HTML)
		opts.live_events = events;
	*out = (blob){ NULL, 0, gen, false };
	if (posture_scene_write_buffer(&out->data, &out->len, ctx, scene, name, format, &opts) !=
	    POSTURE_OK) {
		out->failed = true;
		return -1;
	}
	return 0;
}

static void blob_free(blob *b)
{
	free(b->data);
	*b = (blob){ 0 };
}

/* Seconds on @p clock since @p t0 (taken on the same clock). */
static double seconds_since(clockid_t clock, const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(clock, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Build the map again; publish its page, or its errors over the last good one. */
static void draw(renderer *r)
{
	struct timespec t0, cpu0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
	posture_scene *scene;
	posture_map *map;
	posture_ctx *ctx;
	blob page = { 0 };
	int rc = cli_live_build(&scene, &map, &ctx, r->lw, 0, r->map_path);
	if (rc == POSTURE_OK && make_blob(&page, ctx, scene, POSTURE_FORMAT_HTML, r->gen + 1))
		rc = POSTURE_EIO;
	char *errors = ctx ? cli_live_diags_json(ctx) : NULL;
	if (ctx)
		cli_print_diags(ctx);
	server *srv = r->srv;
	/* only this thread replaces the page: reading it here needs no lock */
	char *patch = rc == POSTURE_OK && srv->page.data
	              ? cli_delta_json(srv->page.data, srv->page.len, page.data, page.len, r->gen,
	                               r->gen + 1)
	              : NULL;
	pthread_mutex_lock(&srv->lock);
	if (rc == POSTURE_OK) {
		blob_free(&srv->page);
		srv->page = page;
		free(srv->patch);
		srv->patch = patch;
		srv->patch_from = r->gen;
		srv->gen = ++r->gen;
	}
	free(srv->errors);
	srv->errors = errors;
	srv->errors_gen++;
	pthread_cond_broadcast(&srv->changed);
	pthread_mutex_unlock(&srv->lock);
	if (rc == POSTURE_OK) {
		posture_scene_destroy(r->scene);
		r->scene = scene;
		printf("%s: drawn (%.3f s; %.3f s CPU)\n", r->map_path,
		       seconds_since(CLOCK_MONOTONIC, &t0), seconds_since(CLOCK_THREAD_CPUTIME_ID, &cpu0));
	} else {
		posture_scene_destroy(scene);
		blob_free(&page);
		printf("%s: not drawn; the page shows the errors over the last good map\n",
		       r->map_path);
	}
	fflush(stdout);
	fflush(stderr);
	posture_map_destroy(map);
	posture_ctx_destroy(ctx);
}

/* Write the formats requests are waiting for, from the latest good scene. */
static void make_wanted(renderer *r, int wake_r)
{
	char drain[64];
	while (read(wake_r, drain, sizeof(drain)) > 0)
		continue;
	server *srv = r->srv;
	for (size_t f = 0; f < N_FORMATS; f++) {
		pthread_mutex_lock(&srv->lock);
		bool wanted = srv->want[f] && srv->files[f].gen != r->gen && r->scene;
		srv->want[f] = false;
		pthread_mutex_unlock(&srv->lock);
		if (!wanted)
			continue;
		posture_ctx *ctx = NULL;
		blob b = { 0, 0, r->gen, true };
		if (posture_ctx_create(&ctx) == POSTURE_OK)
			make_blob(&b, ctx, r->scene, formats[f].format, r->gen);
		if (ctx)
			cli_print_diags(ctx);
		posture_ctx_destroy(ctx);
		pthread_mutex_lock(&srv->lock);
		blob_free(&srv->files[f]);
		srv->files[f] = b;
		pthread_cond_broadcast(&srv->changed);
		pthread_mutex_unlock(&srv->lock);
	}
}

/* --- the connections: answers ----------------------------------------------- */

/* An answer; @p gen (NULL: none) is the generation of the page it is, for the page's patches. */
static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *type,
                                  const void *data, size_t len, const char *gen)
{
	struct MHD_Response *res =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!res)
		return MHD_NO;
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	if (gen)
		MHD_add_response_header(res, "X-Posture-Generation", gen);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(res, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ok = MHD_queue_response(c, status, res);
	MHD_destroy_response(res);
	return ok;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return send_bytes(c, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
}

/*
 * Before the first good render there is no map page: this one shows the
 * errors the event stream sends and reloads when a map is ready.  It is
 * fixed text (the errors go in through textContent).
 */
static const char waiting_page[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>posture serve: no map yet</title>\n</head>\n<body>\n"
	"<h1>No map yet</h1>\n<div id=\"pst-live\" role=\"alert\"><p>The map does not render:</p>"
	"<pre id=\"pst-errors\"></pre></div>\n<script>\n"
	"var events = new EventSource('/events?since=0');\n"
	"events.addEventListener('errors', function (e) {\n"
	"  document.getElementById('pst-errors').textContent = JSON.parse(e.data).join('\\n');\n"
	"});\n"
	"events.addEventListener('reload', function () { events.close(); location.reload(); });\n"
	"</script>\n</body>\n</html>\n";

static enum MHD_Result send_page(struct MHD_Connection *c, server *srv)
{
	pthread_mutex_lock(&srv->lock);
	char gen[32];
	snprintf(gen, sizeof(gen), "%lu", srv->gen);
	enum MHD_Result ok =
		srv->gen ? send_bytes(c, MHD_HTTP_OK, "text/html; charset=utf-8", srv->page.data,
		                      srv->page.len, gen)
		         : send_bytes(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
		                      waiting_page, sizeof(waiting_page) - 1, NULL);
	pthread_mutex_unlock(&srv->lock);
	return ok;
}

static void add_seconds(struct timespec *t, int s)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += s;
}

/* Format @p f of the latest render: asked of the main thread, waited for. */
static enum MHD_Result send_format(struct MHD_Connection *c, server *srv, size_t f)
{
	struct timespec until;
	add_seconds(&until, WAIT_FORMAT_S);
	pthread_mutex_lock(&srv->lock);
	int wait = 0;
	while (srv->gen && srv->files[f].gen != srv->gen && !srv->stopping && wait == 0) {
		if (!srv->want[f]) {
			srv->want[f] = true;
			if (write(srv->wake_w, "", 1) < 0 && errno != EAGAIN)
				break;
		}
		wait = pthread_cond_timedwait(&srv->changed, &srv->lock, &until);
	}
	enum MHD_Result ok;
	if (!srv->gen)
		ok = send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no map yet: the map does not render\n");
	else if (srv->files[f].gen != srv->gen)
		ok = send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the map is being drawn; try again\n");
	else if (srv->files[f].failed)
		ok = send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		               "this format could not be written (the server's terminal says why)\n");
	else
		ok = send_bytes(c, MHD_HTTP_OK, formats[f].type, srv->files[f].data, srv->files[f].len,
		                NULL);
	pthread_mutex_unlock(&srv->lock);
	return ok;
}

/* One event stream: what it has sent, and the bytes still to send. */
typedef struct {
	server *srv;
	unsigned long since;       /* the page's generation, from ?since= */
	bool greeted;              /* the first errors (and reload) were sent */
	unsigned long errors_gen;  /* the errors last sent */
	char *pending;             /* event text not yet handed to libmicrohttpd */
	size_t len, at;
} stream;

static void stream_put(stream *s, const char *event, const char *data)
{
	size_t more = strlen(event) + strlen(data) + 32;
	char *p = realloc(s->pending, s->len + more);
	if (!p)
		return; /* the reader sees the events it has room for */
	s->pending = p;
	s->len += (size_t)snprintf(p + s->len, more, "event: %s\ndata: %s\n\n", event, data);
}

/* Called under lock: a newer page than the stream's: as a patch of its page when there is one. */
static void put_newer(stream *s, const char *gen)
{
	server *srv = s->srv;
	if (srv->patch && srv->patch_from == s->since)
		stream_put(s, "patch", srv->patch);
	else
		stream_put(s, "reload", gen);
	s->since = srv->gen;
}

/* Called under lock: queue what changed since the stream last looked; false: nothing did. */
static bool stream_news(stream *s)
{
	server *srv = s->srv;
	char gen[32];
	snprintf(gen, sizeof(gen), "%lu", srv->gen);
	if (!s->greeted) {
		s->greeted = true;
		s->errors_gen = srv->errors_gen;
		stream_put(s, "errors", srv->errors ? srv->errors : "[]");
		if (srv->gen != s->since)
			put_newer(s, gen);
		return true;
	}
	if (srv->gen != s->since) {
		put_newer(s, gen);
		return true;
	}
	if (srv->errors_gen != s->errors_gen) {
		s->errors_gen = srv->errors_gen;
		stream_put(s, "errors", srv->errors ? srv->errors : "[]");
		return true;
	}
	return false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	stream *s = cls;
	server *srv = s->srv;
	if (s->at == s->len) {
		s->at = s->len = 0;
		pthread_mutex_lock(&srv->lock);
		struct timespec until;
		add_seconds(&until, KEEPALIVE_S);
		bool news = false;
		while (!srv->stopping && !(news = stream_news(s)))
			if (pthread_cond_timedwait(&srv->changed, &srv->lock, &until) != 0)
				break;
		bool stop = srv->stopping;
		pthread_mutex_unlock(&srv->lock);
		if (stop)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (!news) {
			static const char keepalive[] = ": still here\n\n";
			memcpy(buf, keepalive, sizeof(keepalive) - 1 < max ? sizeof(keepalive) - 1 : max);
			return (ssize_t)(sizeof(keepalive) - 1 < max ? sizeof(keepalive) - 1 : max);
		}
	}
	size_t n = s->len - s->at < max ? s->len - s->at : max;
	memcpy(buf, s->pending + s->at, n);
	s->at += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream *s = cls;
	free(s->pending);
	free(s);
}

static enum MHD_Result send_events(struct MHD_Connection *c, server *srv)
{
	stream *s = calloc(1, sizeof(*s));
	if (!s)
		return MHD_NO;
	s->srv = srv;
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	s->since = since ? strtoul(since, NULL, 10) : 0;
	s->pending = malloc(32);
	if (s->pending)
		s->len = (size_t)snprintf(s->pending, 32, "retry: 1000\n\n");
	struct MHD_Response *res =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, s, stream_free);
	if (!res) {
		stream_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, res);
	MHD_destroy_response(res);
	return ok;
}

static bool host_ok(struct MHD_Connection *c, const server *srv)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	return !host || !strcmp(host, srv->host[0]) || !strcmp(host, srv->host[1]);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size, void **state)
{
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)state;
	server *srv = cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!host_ok(c, srv))
		return send_text(c, MHD_HTTP_FORBIDDEN, "this server answers to 127.0.0.1 only\n");
	if (!strcmp(url, "/"))
		return send_page(c, srv);
	if (!strcmp(url, "/events"))
		return send_events(c, srv);
	for (size_t f = 0; f < N_FORMATS; f++)
		if (!strcmp(url, formats[f].path))
			return send_format(c, srv, f);
	return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* --- the server ---------------------------------------------------------------- */

/*
 * The listening socket, bound to 127.0.0.1 before the first render so that a
 * port in use is said at once rather than after the map is drawn; clients
 * that connect meanwhile wait in its backlog.  -1 with errno set on failure.
 */
static int listen_on(long port, unsigned *bound)
{
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never any other address */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	socklen_t len = sizeof(addr);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 32) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	*bound = ntohs(addr.sin_port);
	return fd;
}

/* The server on listening socket @p fd (which it closes when it stops), or NULL. */
static struct MHD_Daemon *start_daemon(server *srv, int fd, unsigned bound)
{
	snprintf(srv->host[0], sizeof(srv->host[0]), "127.0.0.1:%u", bound);
	snprintf(srv->host[1], sizeof(srv->host[1]), "localhost:%u", bound);
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
	                        NULL, NULL, answer, srv, MHD_OPTION_LISTEN_SOCKET, fd,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)20,
	                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024, MHD_OPTION_END);
}

static int serve_loop(renderer *r, int wake_r)
{
	bool changed = false;
	for (;;) {
		cli_live_event ev = cli_live_wait(r->lw, wake_r, &changed);
		if (ev == CLI_LIVE_STOP)
			return EXIT_OK;
		if (ev == CLI_LIVE_FAILED)
			return EXIT_IO;
		if (ev == CLI_LIVE_WAKE)
			make_wanted(r, wake_r);
		else if (changed)
			draw(r);
	}
}

static int serve(const serve_args *a, server *srv, int wake_r)
{
	renderer r = { .srv = srv, .map_path = a->map };
	int status = cli_live_create(&r.lw, "serve", 1, a->allow, a->n_allow);
	if (status == EXIT_OK && a->hold_labels)
		cli_live_hold_labels(r.lw);
	struct MHD_Daemon *d = NULL;
	unsigned port = 0;
	int fd = status == EXIT_OK ? listen_on(a->port, &port) : -1;
	if (status == EXIT_OK && fd < 0) {
		fprintf(stderr, "posture serve: cannot listen on 127.0.0.1:%ld: %s\n", a->port,
		        strerror(errno));
		status = EXIT_IO;
	}
	if (status == EXIT_OK)
		draw(&r);
	if (status == EXIT_OK && !(d = start_daemon(srv, fd, port))) {
		fprintf(stderr, "posture serve: cannot serve on 127.0.0.1:%u: libmicrohttpd refused\n",
		        port);
		close(fd);
		status = EXIT_IO;
	}
	if (status == EXIT_OK) {
		printf("http://127.0.0.1:%u/\n", port);
		fflush(stdout);
		status = serve_loop(&r, wake_r);
		pthread_mutex_lock(&srv->lock);
		srv->stopping = true;
		pthread_cond_broadcast(&srv->changed);
		pthread_mutex_unlock(&srv->lock);
		MHD_stop_daemon(d);
		printf("posture serve: stopped\n");
	}
	posture_scene_destroy(r.scene);
	cli_live_destroy(r.lw);
	return status;
}

static int run_serve(posture_ctx *ctx, int argc, char **argv)
{
	(void)ctx; /* each render gets a context of its own */
	serve_args a = { .port = 8000 };
	int status = parse_args(&a, argc, argv);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	int wake[2];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "posture serve: cannot make a pipe: %s\n", strerror(errno));
		return EXIT_IO;
	}
	server srv = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake_w = wake[1] };
	pthread_cond_init(&srv.changed, NULL);
	status = serve(&a, &srv, wake[0]);
	blob_free(&srv.page);
	free(srv.patch);
	for (size_t f = 0; f < N_FORMATS; f++)
		blob_free(&srv.files[f]);
	free(srv.errors);
	pthread_cond_destroy(&srv.changed);
	close(wake[0]);
	close(wake[1]);
	return status;
}

const cli_command cli_serve = {
	"serve", "preview a map in the browser, drawn again as you edit", usage, run_serve
};
