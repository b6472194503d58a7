/* The control socket server: framing, limits and dispatch for the protocol
 * described in control.h and docs/control.md.
 *
 * Every connection owns a fixed input buffer of CTL_MAX_REQUEST + 1 bytes
 * (room for the longest request and its newline).  Lines are taken from the
 * front of the buffer one at a time; while a request waits for its reply the
 * connection keeps reading until the buffer is full and then stops, so a
 * client that pipelines requests is slowed down by the kernel rather than by
 * memory.  A buffer that is full and holds no newline is a request that is
 * too large.
 *
 * A request handle (struct ctl_req) lives from dispatch until its handler
 * replies, whatever happens to the connection in between: a connection that
 * goes away only detaches itself from the handle, and the reply is dropped.
 * Nothing is ever freed from inside a libuv callback chain that could still
 * touch it: connections and the server are freed from close callbacks, and
 * the server only once its listener and every connection are closed. */
#include "daemon/control.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_BUF_SIZE (CTL_MAX_REQUEST + 1)
#define CTL_MAX_CONNS 64
#define CTL_IDLE_MS 30000
/* How long a connection being closed may take to flush its last reply. */
#define CTL_DRAIN_MS 1000
/* Output queued on one connection beyond this means the client is not
 * reading its replies; it is disconnected instead of buffered without end. */
#define CTL_MAX_OUTPUT (4u * 1024 * 1024)
#define CTL_BACKLOG 16

struct ctl_conn;

struct ctl_req {
	struct ctl_conn *conn; /* NULL once the connection is gone */
};

struct ctl_conn {
	uv_pipe_t pipe;
	uv_timer_t timer; /* idle timeout, then drain deadline */
	struct ctl_server *srv;
	struct ctl_conn *prev, *next;
	char *buf; /* CTL_BUF_SIZE bytes, NULL for a refused connection */
	size_t len;
	struct ctl_req *pending;
	unsigned writes; /* uv_write requests in flight */
	int handles;     /* libuv handles still open (pipe, timer) */
	bool counted;    /* counts towards CTL_MAX_CONNS */
	bool reading, eof, processing, draining, closing;
};

struct ctl_server {
	uv_loop_t *loop;
	uv_pipe_t listener;
	char *path;
	dev_t dev; /* identity of the socket file we created, so that */
	ino_t ino; /* closing never unlinks somebody else's file */
	const struct ctl_cmd *table;
	void *ctx;
	struct ctl_conn *conns;
	unsigned nconns;
	unsigned refs; /* the listener plus every connection not yet freed */
	bool closing;
};

struct ctl_write {
	uv_write_t w;
	struct ctl_conn *c;
	size_t len;
	char data[];
};

static void conn_process(struct ctl_conn *c);
static void conn_update_reading(struct ctl_conn *c);

/* ---- server lifetime ---------------------------------------------------- */

static void server_release(struct ctl_server *s)
{
	if (--s->refs > 0)
		return;
	free(s->path);
	free(s);
}

static void on_listener_closed(uv_handle_t *h)
{
	server_release(h->data);
}

/* ---- connection lifetime ------------------------------------------------ */

static void on_conn_handle_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;

	if (--c->handles > 0)
		return;
	struct ctl_server *s = c->srv;
	free(c->buf);
	free(c);
	server_release(s);
}

/* Closes at once, cancelling queued writes.  A request still waiting for
 * its handler is detached: the handle stays valid and its reply is dropped. */
static void conn_close(struct ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->pending) {
		c->pending->conn = NULL;
		c->pending = NULL;
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->counted)
		c->srv->nconns--;
	uv_close((uv_handle_t *)&c->pipe, on_conn_handle_closed);
	uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
}

static void on_timer(uv_timer_t *t)
{
	/* Either the client stayed silent for CTL_IDLE_MS, or it did not take
	 * its last reply within CTL_DRAIN_MS: in both cases it is dropped. */
	conn_close(t->data);
}

/* Stops reading and closes once the replies already queued are written,
 * or after CTL_DRAIN_MS, whichever comes first. */
static void conn_finish(struct ctl_conn *c)
{
	if (c->closing || c->draining)
		return;
	c->draining = true;
	/* Whatever a pending request's handler replies later would come after
	 * the last line this client is meant to see: it is dropped. */
	if (c->pending) {
		c->pending->conn = NULL;
		c->pending = NULL;
	}
	conn_update_reading(c);
	if (c->writes == 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, on_timer, CTL_DRAIN_MS, 0);
}

static void conn_idle_restart(struct ctl_conn *c)
{
	if (!c->closing && !c->draining && !c->pending)
		uv_timer_start(&c->timer, on_timer, CTL_IDLE_MS, 0);
}

/* ---- output ------------------------------------------------------------- */

static void on_write(uv_write_t *w, int status)
{
	struct ctl_write *wr = (struct ctl_write *)w;
	struct ctl_conn *c = wr->c;

	c->writes--;
	free(wr);
	if (status < 0)
		conn_close(c); /* the peer is gone (EPIPE, ECONNRESET) or we closed */
	else if (c->draining && c->writes == 0)
		conn_close(c);
}

/* Queues one reply line.  Writes never block: libuv writes what the socket
 * takes and keeps the rest, which CTL_MAX_OUTPUT bounds (counting only what
 * the kernel has not accepted yet). */
static void conn_send(struct ctl_conn *c, json_object *reply)
{
	if (c->closing)
		return;
	size_t len;
	const char *text = json_object_to_json_string_length(
		reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	size_t backlog = uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
	if (!text || backlog + len + 1 > CTL_MAX_OUTPUT) {
		conn_close(c);
		return;
	}
	struct ctl_write *wr = malloc(sizeof(*wr) + len + 1);
	if (!wr) {
		conn_close(c);
		return;
	}
	memcpy(wr->data, text, len);
	wr->data[len] = '\n';
	wr->len = len + 1;
	wr->c = c;
	uv_buf_t b = uv_buf_init(wr->data, (unsigned)wr->len);
	if (uv_write(&wr->w, (uv_stream_t *)&c->pipe, &b, 1, on_write) < 0) {
		free(wr);
		conn_close(c);
		return;
	}
	c->writes++;
}

static json_object *error_reply(const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	json_object *r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

/* A protocol error: the client gets the reason, then the connection ends,
 * because after a framing error nothing later on the stream can be trusted. */
__attribute__((format(printf, 2, 3)))
static void conn_fail(struct ctl_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_object *r = error_reply(fmt, ap);
	va_end(ap);
	conn_send(c, r);
	json_object_put(r);
	conn_finish(c);
}

/* ---- replies ------------------------------------------------------------ */

static void req_complete(struct ctl_req *req, json_object *reply)
{
	struct ctl_conn *c = req->conn;

	free(req);
	if (c) {
		c->pending = NULL;
		conn_send(c, reply);
		conn_idle_restart(c);
		/* The next request may already be waiting in the buffer; when the
		 * reply came from inside the dispatch, conn_process is running
		 * further up the stack and this call returns at once. */
		conn_process(c);
	}
	json_object_put(reply);
}

void ctl_reply_ok(struct ctl_req *req, json_object *result)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "result", result ? result : json_object_new_object());
	req_complete(req, r);
}

void ctl_reply_err(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_object *r = error_reply(fmt, ap);
	va_end(ap);
	req_complete(req, r);
}

/* ---- requests ----------------------------------------------------------- */

static void builtin_help(struct ctl_server *s, struct ctl_req *req)
{
	json_object *list = json_object_new_array();
	json_object *h = json_object_new_object();
	json_object_object_add(h, "name", json_object_new_string("help"));
	json_object_object_add(h, "help", json_object_new_string("list the commands this daemon serves"));
	json_object_array_add(list, h);
	for (const struct ctl_cmd *cmd = s->table; cmd && cmd->name; cmd++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(cmd->name));
		json_object_object_add(e, "help", json_object_new_string(cmd->help ? cmd->help : ""));
		json_object_array_add(list, e);
	}
	json_object *result = json_object_new_object();
	json_object_object_add(result, "commands", list);
	ctl_reply_ok(req, result);
}

static const struct ctl_cmd *find_cmd(const struct ctl_server *s, const char *name)
{
	for (const struct ctl_cmd *cmd = s->table; cmd && cmd->name; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	return NULL;
}

/* Checks the request's shape; on success returns the command name and sets
 * *args (NULL when absent or null). */
static const char *request_check(json_object *obj, json_object **args, const char **why)
{
	json_object *cmd;

	*args = NULL;
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "not a JSON object";
		return NULL;
	}
	if (!json_object_object_get_ex(obj, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		*why = "\"cmd\" missing or not a string";
		return NULL;
	}
	if (json_object_object_get_ex(obj, "args", args) && *args &&
	    !json_object_is_type(*args, json_type_object)) {
		*why = "\"args\" is not an object";
		return NULL;
	}
	return json_object_get_string(cmd);
}

static void conn_dispatch(struct ctl_conn *c, json_object *obj)
{
	json_object *args;
	const char *why = NULL;
	const char *name = request_check(obj, &args, &why);

	if (!name) {
		conn_fail(c, "malformed request: %s", why);
		return;
	}
	struct ctl_req *req = calloc(1, sizeof(*req));
	if (!req) {
		conn_close(c);
		return;
	}
	req->conn = c;
	c->pending = req;
	uv_timer_stop(&c->timer);

	struct ctl_server *s = c->srv;
	const struct ctl_cmd *cmd = NULL;
	if (strcmp(name, "help") == 0)
		builtin_help(s, req);
	else if ((cmd = find_cmd(s, name)) != NULL)
		cmd->fn(s->ctx, req, args);
	else
		ctl_reply_err(req, "unknown command '%.64s%s'", name, strlen(name) > 64 ? "..." : "");
}

static bool is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* Parses one line into a JSON value; NULL with *why on failure. */
static json_object *line_parse(const char *line, size_t n, char *why, size_t whylen)
{
	if (memchr(line, '\0', n)) {
		snprintf(why, whylen, "NUL byte in request");
		return NULL;
	}
	json_tokener *tok = json_tokener_new();
	if (!tok) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *obj = json_tokener_parse_ex(tok, line, (int)n);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (e == json_tokener_continue) {
		snprintf(why, whylen, "invalid JSON: unexpected end of line");
		return NULL;
	}
	if (!obj || e != json_tokener_success) {
		snprintf(why, whylen, "invalid JSON: %s", json_tokener_error_desc(e));
		json_object_put(obj);
		return NULL;
	}
	if (!is_blank(line + used, n - used)) {
		snprintf(why, whylen, "invalid JSON: trailing characters after the value");
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static void conn_consume(struct ctl_conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Handles the line of n bytes at the front of the buffer, consuming `used`
 * bytes (the line and its newline, if any). */
static void conn_line(struct ctl_conn *c, size_t n, size_t used)
{
	char why[160];
	json_object *obj = NULL;
	bool blank = is_blank(c->buf, n);

	if (!blank)
		obj = line_parse(c->buf, n, why, sizeof(why));
	conn_consume(c, used);
	if (blank)
		return;
	if (!obj) {
		conn_fail(c, "malformed request: %s", why);
		return;
	}
	conn_dispatch(c, obj);
	json_object_put(obj);
}

/* Handles every complete request in the buffer, one at a time: the next
 * one only after the previous one's reply, which may come much later. */
static void conn_process(struct ctl_conn *c)
{
	if (c->processing)
		return;
	c->processing = true;
	while (!c->closing && !c->draining && !c->pending) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			conn_line(c, (size_t)(nl - c->buf), (size_t)(nl - c->buf) + 1);
		} else if (c->len == CTL_BUF_SIZE) {
			conn_fail(c, "request too large (the limit is %d bytes)", CTL_MAX_REQUEST);
		} else if (c->eof && c->len > 0) {
			/* The client half-closed after a last request without its
			 * newline; answering it is friendlier than ignoring it. */
			conn_line(c, c->len, c->len);
		} else {
			if (c->eof)
				conn_finish(c);
			break;
		}
	}
	conn_update_reading(c);
	c->processing = false;
}

/* ---- input -------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct ctl_conn *c = h->data;

	(void)suggested;
	*b = uv_buf_init(c->buf + c->len, (unsigned)(CTL_BUF_SIZE - c->len));
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	struct ctl_conn *c = st->data;

	(void)b;
	if (nread > 0) {
		c->len += (size_t)nread;
		conn_idle_restart(c);
		conn_process(c);
	} else if (nread == UV_EOF) {
		c->eof = true;
		conn_process(c);
	} else if (nread < 0) {
		conn_close(c);
	}
}

/* Reads while there is room in the buffer and input is still wanted. */
static void conn_update_reading(struct ctl_conn *c)
{
	bool want = !c->closing && !c->draining && !c->eof && c->len < CTL_BUF_SIZE;

	if (want == c->reading || c->closing)
		return;
	if (want && uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) < 0) {
		conn_close(c);
		return;
	}
	if (!want)
		uv_read_stop((uv_stream_t *)&c->pipe);
	c->reading = want;
}

/* ---- accepting ---------------------------------------------------------- */

static struct ctl_conn *conn_new(struct ctl_server *s)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->srv = s;
	uv_pipe_init(s->loop, &c->pipe, 0);
	uv_timer_init(s->loop, &c->timer);
	c->pipe.data = c;
	c->timer.data = c;
	c->handles = 2;
	s->refs++;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	return c;
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct ctl_server *s = listener->data;

	if (status < 0 || s->closing)
		return;
	struct ctl_conn *c = conn_new(s);
	if (!c)
		return;
	if (uv_accept(listener, (uv_stream_t *)&c->pipe) < 0) {
		conn_close(c);
		return;
	}
	if (s->nconns >= CTL_MAX_CONNS) {
		conn_fail(c, "too many control connections (the limit is %d)", CTL_MAX_CONNS);
		return;
	}
	c->buf = malloc(CTL_BUF_SIZE);
	if (!c->buf) {
		conn_close(c);
		return;
	}
	c->counted = true;
	s->nconns++;
	conn_idle_restart(c);
	conn_update_reading(c);
}

/* ---- binding ------------------------------------------------------------ */

/* Decides what to do with an existing file at the socket path: 0 when the
 * path is free (a stale socket was removed), -1 with a message otherwise. */
static int clear_stale(const char *path, const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	/* Never unlink a regular file or anything else that a wrong path in
	 * the command line happens to name. */
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s exists and is not a socket", path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path, strerror(errno));
		return -1;
	}
	/* Non-blocking, so a listener with a full backlog cannot stall start-up:
	 * EAGAIN also means somebody is listening. */
	int rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	int e = errno;
	close(fd);
	if (rc == 0 || e == EAGAIN || e == EINPROGRESS) {
		snprintf(err, errlen, "control socket %s is in use by another process", path);
		return -1;
	}
	if (e != ECONNREFUSED && e != ENOENT) {
		snprintf(err, errlen, "cannot check control socket %s: %s", path, strerror(e));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale control socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Creates, binds and checks the listening socket; the file never exists
 * with a mode wider than 0600, thanks to the umask around bind(). */
static int bind_socket(struct ctl_server *s, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = s->path;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long (at most %zu bytes)", path,
			 sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (clear_stale(path, &sa, err, errlen) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path, strerror(errno));
		return -1;
	}
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (rc < 0) {
		snprintf(err, errlen, "cannot bind control socket %s: %s", path, strerror(e));
		close(fd);
		return -1;
	}
	/* The umask already did it; chmod and the check make sure of it. */
	struct stat st;
	bool mode_ok = chmod(sa.sun_path, 0600) == 0 && lstat(sa.sun_path, &st) == 0 &&
		       S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0600;
	if (!mode_ok) {
		snprintf(err, errlen, "control socket %s: cannot make it mode 0600", path);
		unlink(path);
		close(fd);
		return -1;
	}
	if (listen(fd, CTL_BACKLOG) < 0) {
		snprintf(err, errlen, "cannot listen on control socket %s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return fd;
}

static void unlink_own(const struct ctl_server *s)
{
	struct stat st;

	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
}

struct ctl_server *ctl_server_open(uv_loop_t *loop, const char *path,
				   const struct ctl_cmd *table, void *ctx,
				   char *err, size_t errlen)
{
	/* A client that hangs up before its reply turns the write into EPIPE;
	 * libuv writes with write(2), so without this the daemon would die of
	 * SIGPIPE.  Whoever execs a program must restore the default. */
	signal(SIGPIPE, SIG_IGN);

	struct ctl_server *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		snprintf(err, errlen, "control socket %s: out of memory", path);
		free(s);
		return NULL;
	}
	s->loop = loop;
	s->table = table;
	s->ctx = ctx;
	int fd = bind_socket(s, err, errlen);
	if (fd < 0) {
		free(s->path);
		free(s);
		return NULL;
	}
	uv_pipe_init(loop, &s->listener, 0);
	s->listener.data = s;
	s->refs = 1;
	int rc = uv_pipe_open(&s->listener, fd);
	if (rc < 0)
		close(fd); /* not adopted by the handle */
	else
		rc = uv_listen((uv_stream_t *)&s->listener, CTL_BACKLOG, on_connection);
	if (rc < 0) {
		snprintf(err, errlen, "cannot listen on control socket %s: %s", path, uv_strerror(rc));
		unlink_own(s);
		/* The server is freed by the close callback, when the loop runs. */
		uv_close((uv_handle_t *)&s->listener, on_listener_closed);
		return NULL;
	}
	return s;
}

void ctl_server_close(struct ctl_server *s)
{
	if (!s || s->closing)
		return;
	s->closing = true;
	unlink_own(s);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);

	struct ctl_conn *next;
	for (struct ctl_conn *c = s->conns; c; c = next) {
		next = c->next;
		/* The handler still holds the request and will reply some day;
		 * the client is told now, and that later reply is dropped. */
		if (c->pending)
			conn_fail(c, "the control server is shutting down");
		else
			conn_finish(c);
	}
}
