#include "core/chan.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* The input buffer's size between large messages. */
#define CHAN_BUF_KEEP (64 * 1024)

struct chan {
	uv_pipe_t pipe;
	struct chan_cbs cbs;
	void *ctx;
	char *buf; /* unparsed input: bytes after the last newline */
	size_t len, cap;
	bool closing;
};

struct chan_write {
	uv_write_t req;
	char data[]; /* the line, newline included */
};

struct chan *chan_new(uv_loop_t *loop, const struct chan_cbs *cbs, void *ctx)
{
	struct chan *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	uv_pipe_init(loop, &c->pipe, 0);
	c->pipe.data = c;
	c->cbs = *cbs;
	c->ctx = ctx;
	return c;
}

uv_stream_t *chan_stream(struct chan *c)
{
	return (uv_stream_t *)&c->pipe;
}

int chan_open_fd(struct chan *c, int fd)
{
	return uv_pipe_open(&c->pipe, fd);
}

static void on_closed(uv_handle_t *h)
{
	struct chan *c = h->data;
	free(c->buf);
	free(c);
}

void chan_close(struct chan *c)
{
	if (!c || c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->pipe, on_closed);
}

/* The peer went away or broke the framing: tell the owner, then close. */
static void fail(struct chan *c)
{
	if (c->closing)
		return;
	if (c->cbs.on_close)
		c->cbs.on_close(c->ctx);
	chan_close(c);
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *out)
{
	struct chan *c = h->data;
	(void)hint;
	if (c->cap - c->len < 4096) {
		size_t ncap = c->cap ? c->cap * 2 : 8192;
		char *nb = realloc(c->buf, ncap);
		if (!nb)
			abort();
		c->buf = nb;
		c->cap = ncap;
	}
	*out = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

static void deliver(struct chan *c, const char *line, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *msg = json_tokener_parse_ex(tok, line, (int)n);
	bool ok = msg && json_tokener_get_error(tok) == json_tokener_success &&
		  json_tokener_get_parse_end(tok) == n &&
		  json_object_is_type(msg, json_type_object);
	json_tokener_free(tok);
	if (ok)
		c->cbs.on_msg(c->ctx, msg);
	else
		log_warn("channel: ignoring a message that is not a JSON object");
	json_object_put(msg);
}

/* Delivers every complete line in the buffer and keeps the remainder. */
static void drain(struct chan *c)
{
	size_t start = 0;
	char *nl;
	while (!c->closing && (nl = memchr(c->buf + start, '\n', c->len - start))) {
		size_t n = (size_t)(nl - (c->buf + start));
		if (n)
			deliver(c, c->buf + start, n);
		start += n + 1;
	}
	if (c->closing)
		return;
	memmove(c->buf, c->buf + start, c->len - start);
	c->len -= start;
	/* A large message (the status of 1,000 instances is ~1 MB) grew the
	 * buffer; once it is consumed, go back to the usual size rather than
	 * keep that memory resident for the life of the process. */
	if (c->cap > CHAN_BUF_KEEP && c->len <= CHAN_BUF_KEEP / 2) {
		char *nb = realloc(c->buf, CHAN_BUF_KEEP);
		if (nb) {
			c->buf = nb;
			c->cap = CHAN_BUF_KEEP;
		}
	}
	if (c->len > CHAN_MAX_LINE) {
		log_warn("channel: message longer than %d bytes; closing", CHAN_MAX_LINE);
		fail(c);
	}
}

static void read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct chan *c = s->data;
	(void)b;
	if (n < 0) {
		if (n != UV_EOF)
			log_debug(LOGC_CTL, "channel read: %s", uv_strerror((int)n));
		fail(c);
		return;
	}
	c->len += (size_t)n;
	drain(c);
}

int chan_start(struct chan *c)
{
	return uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
}

static void write_cb(uv_write_t *req, int status)
{
	/* A failed write means the peer is gone; the read side reports it. */
	(void)status;
	free(req->data);
}

int chan_send(struct chan *c, json_object *msg)
{
	if (!c || c->closing)
		return -1;
	size_t n;
	const char *s = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN, &n);
	struct chan_write *w = malloc(sizeof(*w) + n + 1);
	if (!w)
		abort();
	memcpy(w->data, s, n);
	w->data[n] = '\n';
	w->req.data = w;
	uv_buf_t buf = uv_buf_init(w->data, (unsigned)(n + 1));
	int r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, write_cb);
	if (r < 0) {
		free(w);
		return -1;
	}
	return 0;
}
