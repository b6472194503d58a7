/* SMTP alerts, the asynchronous client: see smtp.h.
 *
 * Lifetimes.  A session (one message on one connection) owns libuv
 * handles and requests whose callbacks can still arrive after the session
 * has finished, so it is reference-counted: each open timer, the TCP
 * handle, a pending getaddrinfo and each pending write holds a reference,
 * and the memory goes when the last one is dropped — always inside a libuv
 * callback, never while a caller up the stack still uses the session.
 * The client itself goes once it is closing, its kick timer is closed and
 * no session is left. */
#include "core/smtp.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/model_global.h"
#include "core/clock.h"
#include "core/log.h"

struct job {
	uint64_t id;
	uint64_t t_queued_us; /* monotonic */
	char *subject;
	char *payload;        /* the DATA payload, built when queued */
	size_t payload_len;
	struct job *next;     /* dropped list */
};

enum sstate {
	S_RESOLVE, S_CONNECT, S_GREETING, S_EHLO, S_HELO, S_MAIL, S_RCPT, S_DATA, S_BODY, S_QUIT,
};

/* What each state waits for, for the reasons. */
static const char *const sstate_wait[] = {
	[S_RESOLVE] = "name resolution", [S_CONNECT] = "the TCP connection",
	[S_GREETING] = "the greeting",   [S_EHLO] = "the reply to EHLO",
	[S_HELO] = "the reply to HELO",  [S_MAIL] = "the reply to MAIL FROM",
	[S_RCPT] = "the reply to RCPT TO", [S_DATA] = "the reply to DATA",
	[S_BODY] = "the reply to the message", [S_QUIT] = "the reply to QUIT",
};

struct conn {
	uv_tcp_t tcp;
	uv_connect_t req;
	struct session *s;
};

struct session {
	struct smtp_client *c;
	struct job *job;
	enum sstate st;
	int refs;
	bool reported, torn;
	uv_timer_t step, total;
	uv_getaddrinfo_t gai;
	bool gai_busy;
	struct addrinfo *ai_list, *ai_cur;
	struct conn *conn;
	char peer[INET6_ADDRSTRLEN + 8];
	struct smtp_rp rp;
	struct smtp_reply reply;
	size_t rcpt_i;
	unsigned rcpt_ok, rcpt_rej;
	char first_rej[384];
	char rbuf[2048];
};

struct smtp_client {
	uv_loop_t *loop;
	char *server, *helo, *from;
	char **to;
	size_t n_to;
	char port[8];
	uint64_t connect_us, total_us;
	smtp_result_cb cb;
	void *ud;
	/* Ring of queued jobs, oldest at head. */
	struct job **q;
	unsigned qmax, qhead, qcount;
	struct job *dropped, **dropped_tail; /* reported from the kick */
	struct session *cur;
	unsigned sessions;  /* allocated, including closing ones */
	uv_timer_t kick;    /* runs the queue from the loop, never from smtp_send() */
	bool closing, kick_closed, drop_logged;
	uint64_t next_id;
	struct smtp_stats st;
};

const char *smtp_status_name(enum smtp_status s)
{
	static const char *const n[] = { "ok", "resolve", "connect", "timeout", "reply",
					 "protocol", "io", "dropped", "cancelled" };
	return (unsigned)s < SMTP_STATUS__COUNT ? n[s] : "?";
}

/* ---- jobs and results ----------------------------------------------------- */

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->subject);
	free(j->payload);
	free(j);
}

static void report_job(struct smtp_client *c, struct job *j, enum smtp_status status,
		       const char *reason, unsigned ok, unsigned rej)
{
	struct smtp_result r = {
		.id = j->id, .status = status, .reason = reason, .rcpt_ok = ok,
		.rcpt_rejected = rej, .elapsed_us = clock_mono_us() - j->t_queued_us,
	};
	switch (status) {
	case SMTP_OK: c->st.sent++; break;
	case SMTP_ERR_DROPPED: c->st.dropped++; break;
	case SMTP_ERR_CANCELLED: c->st.cancelled++; break;
	default: c->st.failed++; break;
	}
	if (status == SMTP_OK)
		log_info("SMTP alert \"%s\" sent via %s: %s", j->subject, c->server, reason);
	else if (status != SMTP_ERR_CANCELLED && status != SMTP_ERR_DROPPED)
		log_warn("SMTP alert \"%s\" not sent via %s: %s", j->subject, c->server, reason);
	if (c->cb)
		c->cb(c->ud, &r);
}

/* ---- client memory -------------------------------------------------------- */

static void client_free_if_done(struct smtp_client *c)
{
	if (!c->closing || !c->kick_closed || c->sessions)
		return;
	for (size_t i = 0; i < c->n_to; i++)
		free(c->to[i]);
	free(c->to);
	free(c->server);
	free(c->helo);
	free(c->from);
	free(c->q);
	free(c);
}

static void session_unref(struct session *s)
{
	if (--s->refs > 0)
		return;
	struct smtp_client *c = s->c;
	if (s->ai_list)
		uv_freeaddrinfo(s->ai_list);
	job_free(s->job);
	free(s);
	c->sessions--;
	client_free_if_done(c);
}

static void on_handle_closed(uv_handle_t *h)
{
	session_unref(h->data);
}

static void on_conn_closed(uv_handle_t *h)
{
	struct conn *k = h->data;
	struct session *s = k->s;
	free(k);
	session_unref(s);
}

static void conn_close(struct session *s)
{
	if (!s->conn)
		return;
	uv_close((uv_handle_t *)&s->conn->tcp, on_conn_closed);
	s->conn = NULL;
}

static void on_kick(uv_timer_t *t);

static void kick(struct smtp_client *c)
{
	if (!c->closing)
		uv_timer_start(&c->kick, on_kick, 0, 0);
}

/* Ends the session's I/O; the result must have been reported (or the
 * client be closing).  Idempotent. */
static void teardown(struct session *s)
{
	if (s->torn)
		return;
	s->torn = true;
	uv_close((uv_handle_t *)&s->step, on_handle_closed);
	uv_close((uv_handle_t *)&s->total, on_handle_closed);
	if (s->gai_busy)
		uv_cancel((uv_req_t *)&s->gai);
	conn_close(s);
	if (s->c->cur == s) {
		s->c->cur = NULL;
		kick(s->c);
	}
}

static void report(struct session *s, enum smtp_status status, const char *reason)
{
	if (s->reported)
		return;
	s->reported = true;
	report_job(s->c, s->job, status, reason, s->rcpt_ok, s->rcpt_rej);
}

static void fail(struct session *s, enum smtp_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct session *s, enum smtp_status status, const char *fmt, ...)
{
	char reason[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	report(s, status, reason);
	teardown(s);
}

/* ---- writing -------------------------------------------------------------- */

struct wr {
	uv_write_t req;
	struct session *s;
	char data[];
};

static void on_written(uv_write_t *req, int status)
{
	struct wr *w = req->data;
	struct session *s = w->s;
	free(w);
	if (status < 0 && status != UV_ECANCELED && !s->torn)
		fail(s, SMTP_ERR_IO, "write to %s: %s", s->peer, uv_strerror(status));
	session_unref(s);
}

static void send_bytes(struct session *s, const char *data, size_t len)
{
	struct wr *w = malloc(sizeof(*w) + len);
	if (!w) {
		fail(s, SMTP_ERR_IO, "out of memory");
		return;
	}
	memcpy(w->data, data, len);
	w->s = s;
	w->req.data = w;
	uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
	int r = uv_write(&w->req, (uv_stream_t *)&s->conn->tcp, &b, 1, on_written);
	if (r < 0) {
		free(w);
		fail(s, SMTP_ERR_IO, "write to %s: %s", s->peer, uv_strerror(r));
		return;
	}
	s->refs++;
}

static void send_cmd(struct session *s, enum sstate next, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_cmd(struct session *s, enum sstate next, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		n = (int)sizeof(line) - 3;
	memcpy(line + n, "\r\n", 2);
	s->st = next;
	send_bytes(s, line, (size_t)n + 2);
}

/* ---- the dialogue --------------------------------------------------------- */

static void restart_step(struct session *s);

static void send_rcpt(struct session *s)
{
	send_cmd(s, S_RCPT, "RCPT TO:<%s>", s->c->to[s->rcpt_i]);
}

/* After the last RCPT: DATA when anyone accepted the message. */
static void rcpt_done(struct session *s)
{
	if (s->rcpt_ok == 0) {
		fail(s, SMTP_ERR_REPLY, "every recipient refused (first: %s)", s->first_rej);
		return;
	}
	send_cmd(s, S_DATA, "DATA");
}

static void on_rcpt_reply(struct session *s, const struct smtp_reply *r)
{
	const char *to = s->c->to[s->rcpt_i];
	if (r->code == 250 || r->code == 251) {
		s->rcpt_ok++;
	} else {
		/* One bad address must not cost the others their alert. */
		s->rcpt_rej++;
		log_warn("SMTP server %s refused recipient <%s>: %s", s->peer, to, r->line);
		if (s->rcpt_rej == 1)
			snprintf(s->first_rej, sizeof(s->first_rej), "<%.254s>: %.120s", to, r->line);
	}
	if (++s->rcpt_i < s->c->n_to)
		send_rcpt(s);
	else
		rcpt_done(s);
}

static void delivered(struct session *s)
{
	char reason[512];
	int n = snprintf(reason, sizeof(reason), "delivered to %u recipient(s)", s->rcpt_ok);
	if (s->rcpt_rej && n > 0 && (size_t)n < sizeof(reason))
		snprintf(reason + n, sizeof(reason) - (size_t)n, "; %u refused (first: %s)",
			 s->rcpt_rej, s->first_rej);
	report(s, SMTP_OK, reason);
	if (!s->torn)
		send_cmd(s, S_QUIT, "QUIT");
}

static void unexpected(struct session *s, const char *what, const struct smtp_reply *r)
{
	fail(s, SMTP_ERR_REPLY, "unexpected reply to %s from %s: %s", what, s->peer, r->line);
}

static void on_reply(struct session *s, const struct smtp_reply *r)
{
	struct smtp_client *c = s->c;
	restart_step(s);
	switch (s->st) {
	case S_GREETING:
		if (r->code != 220)
			unexpected(s, "the connection (greeting)", r);
		else
			send_cmd(s, S_EHLO, "EHLO %s", c->helo);
		break;
	case S_EHLO:
	case S_HELO:
		/* A server without ESMTP says 5xx to EHLO: fall back to HELO
		 * (RFC 5321 3.2). */
		if (s->st == S_EHLO && r->code / 100 == 5)
			send_cmd(s, S_HELO, "HELO %s", c->helo);
		else if (r->code != 250)
			unexpected(s, s->st == S_EHLO ? "EHLO" : "HELO", r);
		else
			send_cmd(s, S_MAIL, "MAIL FROM:<%s>", c->from);
		break;
	case S_MAIL:
		if (r->code != 250)
			unexpected(s, "MAIL FROM", r);
		else
			send_rcpt(s);
		break;
	case S_RCPT:
		on_rcpt_reply(s, r);
		break;
	case S_DATA:
		if (r->code != 354) {
			unexpected(s, "DATA", r);
			break;
		}
		s->st = S_BODY;
		send_bytes(s, s->job->payload, s->job->payload_len);
		break;
	case S_BODY:
		if (r->code != 250)
			unexpected(s, "the message", r);
		else
			delivered(s);
		break;
	case S_QUIT:
		teardown(s);
		break;
	default:
		fail(s, SMTP_ERR_PROTOCOL, "reply from %s before the connection: %s", s->peer,
		     r->line);
		break;
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)suggested;
	struct session *s = ((struct conn *)h->data)->s;
	*buf = uv_buf_init(s->rbuf, sizeof(s->rbuf));
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct session *s = ((struct conn *)st->data)->s;
	if (s->torn || nread == 0)
		return;
	if (nread < 0) {
		if (s->reported)
			teardown(s);
		else if (nread == UV_EOF)
			fail(s, SMTP_ERR_IO, "%s closed the connection while we waited for %s",
			     s->peer, sstate_wait[s->st]);
		else
			fail(s, SMTP_ERR_IO, "read from %s: %s", s->peer, uv_strerror((int)nread));
		return;
	}
	size_t off = 0;
	while (off < (size_t)nread && !s->torn) {
		size_t used = 0;
		enum smtp_rp_status r = smtp_rp_feed(&s->rp, buf->base + off, (size_t)nread - off,
						     &used, &s->reply);
		off += used;
		if (r == SMTP_RP_ERROR) {
			fail(s, SMTP_ERR_PROTOCOL, "bad reply from %s while waiting for %s: %s",
			     s->peer, sstate_wait[s->st], s->rp.err);
			return;
		}
		if (r == SMTP_RP_REPLY)
			on_reply(s, &s->reply);
	}
}

/* ---- timers --------------------------------------------------------------- */

static void on_step_timeout(uv_timer_t *t)
{
	struct session *s = t->data;
	if (s->st == S_QUIT) {
		teardown(s);
		return;
	}
	fail(s, SMTP_ERR_TIMEOUT, "no progress within %.1f s waiting for %s from %s",
	     (double)s->c->connect_us / 1e6, sstate_wait[s->st],
	     s->st == S_RESOLVE ? s->c->server : s->peer);
}

static void on_total_timeout(uv_timer_t *t)
{
	struct session *s = t->data;
	if (s->st == S_QUIT) {
		teardown(s);
		return;
	}
	fail(s, SMTP_ERR_TIMEOUT, "message not sent within %.1f s (waiting for %s from %s)",
	     (double)s->c->total_us / 1e6, sstate_wait[s->st],
	     s->st == S_RESOLVE ? s->c->server : s->peer);
}

static uint64_t us_to_ms(uint64_t us)
{
	return us / 1000 ? us / 1000 : 1;
}

static void restart_step(struct session *s)
{
	uv_timer_start(&s->step, on_step_timeout, us_to_ms(s->c->connect_us), 0);
}

/* ---- connecting ----------------------------------------------------------- */

static void try_connect(struct session *s, int last_err);

static void on_connect(uv_connect_t *req, int status)
{
	struct conn *k = req->data;
	struct session *s = k->s;
	if (s->torn || s->conn != k)
		return;
	if (status < 0) {
		conn_close(s);
		s->ai_cur = s->ai_cur->ai_next;
		try_connect(s, status);
		return;
	}
	s->st = S_GREETING;
	restart_step(s);
	int r = uv_read_start((uv_stream_t *)&k->tcp, on_alloc, on_read);
	if (r < 0)
		fail(s, SMTP_ERR_IO, "read from %s: %s", s->peer, uv_strerror(r));
}

static void peer_name(struct session *s, const struct sockaddr *sa)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET6) {
		uv_ip6_name((const struct sockaddr_in6 *)sa, ip, sizeof(ip));
		snprintf(s->peer, sizeof(s->peer), "[%s]:%s", ip, s->c->port);
	} else {
		uv_ip4_name((const struct sockaddr_in *)sa, ip, sizeof(ip));
		snprintf(s->peer, sizeof(s->peer), "%s:%s", ip, s->c->port);
	}
}

/* Tries the current address, moving on to the next one when an attempt
 * cannot even start; reports the last error when none is left.  A host
 * name with both an IPv6 and an IPv4 address still works when one of the
 * two is unreachable. */
static void try_connect(struct session *s, int last_err)
{
	for (; s->ai_cur; s->ai_cur = s->ai_cur->ai_next) {
		peer_name(s, s->ai_cur->ai_addr);
		struct conn *k = calloc(1, sizeof(*k));
		if (!k) {
			fail(s, SMTP_ERR_IO, "out of memory");
			return;
		}
		k->s = s;
		if (uv_tcp_init(s->c->loop, &k->tcp) < 0) {
			free(k);
			fail(s, SMTP_ERR_IO, "cannot create a TCP socket");
			return;
		}
		k->tcp.data = k;
		k->req.data = k;
		s->conn = k;
		s->refs++;
		last_err = uv_tcp_connect(&k->req, &k->tcp, s->ai_cur->ai_addr, on_connect);
		if (last_err == 0)
			return;
		conn_close(s);
	}
	fail(s, SMTP_ERR_CONNECT, "connect to %s: %s", s->peer[0] ? s->peer : s->c->server,
	     uv_strerror(last_err));
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct session *s = req->data;
	s->gai_busy = false;
	if (s->torn) {
		if (res)
			uv_freeaddrinfo(res);
	} else if (status < 0) {
		fail(s, SMTP_ERR_RESOLVE, "cannot resolve %s: %s", s->c->server, uv_strerror(status));
	} else {
		s->ai_list = s->ai_cur = res;
		s->st = S_CONNECT;
		try_connect(s, UV_EADDRNOTAVAIL);
	}
	session_unref(s);
}

/* Starts the dialogue for the oldest queued job. */
static void session_start(struct smtp_client *c, struct job *j)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s) {
		report_job(c, j, SMTP_ERR_IO, "out of memory", 0, 0);
		job_free(j);
		return;
	}
	s->c = c;
	s->job = j;
	s->st = S_RESOLVE;
	smtp_rp_init(&s->rp);
	c->sessions++;
	c->cur = s;
	uv_timer_init(c->loop, &s->step);
	uv_timer_init(c->loop, &s->total);
	s->step.data = s->total.data = s;
	s->refs = 2;
	restart_step(s);
	uv_timer_start(&s->total, on_total_timeout, us_to_ms(c->total_us), 0);

	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	s->gai.data = s;
	int r = uv_getaddrinfo(c->loop, &s->gai, on_resolved, c->server, c->port, &hints);
	if (r < 0) {
		fail(s, SMTP_ERR_RESOLVE, "cannot resolve %s: %s", c->server, uv_strerror(r));
		return;
	}
	s->gai_busy = true;
	s->refs++;
}

/* ---- the queue ------------------------------------------------------------ */

static struct job *queue_pop(struct smtp_client *c)
{
	if (!c->qcount)
		return NULL;
	struct job *j = c->q[c->qhead];
	c->qhead = (c->qhead + 1) % c->qmax;
	c->qcount--;
	return j;
}

static void on_kick(uv_timer_t *t)
{
	struct smtp_client *c = t->data;
	while (c->dropped && !c->closing) {
		struct job *j = c->dropped;
		c->dropped = j->next;
		if (!c->dropped)
			c->dropped_tail = &c->dropped;
		report_job(c, j, SMTP_ERR_DROPPED, "dropped: alert queue full", 0, 0);
		job_free(j);
	}
	if (!c->closing && !c->cur) {
		struct job *j = queue_pop(c);
		if (j)
			session_start(c, j);
		else
			c->drop_logged = false;
	}
}

static char *build_payload(struct smtp_client *c, uint64_t id, const char *subject,
			   const char *body, size_t *len)
{
	/* Wall-clock time for display only: when the event happened. */
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char date[64], msgid[320];
	smtp_fmt_date(date, sizeof(date), &tm, tm.tm_gmtoff);
	snprintf(msgid, sizeof(msgid), "<halo.%lld.%d.%" PRIu64 "@%s>", (long long)now,
		 (int)getpid(), id, c->helo);
	struct smtp_msg m = {
		.from = c->from, .to = (const char *const *)c->to, .n_to = c->n_to,
		.subject = subject, .date = date, .message_id = msgid, .body = body,
	};
	return smtp_msg_build(&m, len);
}

uint64_t smtp_send(struct smtp_client *c, const char *subject, const char *body)
{
	if (c->closing)
		return 0;
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return 0;
	j->id = c->next_id;
	j->t_queued_us = clock_mono_us();
	j->subject = strdup(subject ? subject : "");
	j->payload = build_payload(c, j->id, subject, body, &j->payload_len);
	if (!j->subject || !j->payload) {
		job_free(j);
		return 0;
	}
	c->next_id++;
	if (c->qcount == c->qmax) {
		/* The newest news matters most: the oldest alert makes room. */
		struct job *old = queue_pop(c);
		old->next = NULL;
		*c->dropped_tail = old;
		c->dropped_tail = &old->next;
		if (!c->drop_logged)
			log_warn("SMTP alert queue full (%u): dropping the oldest alerts", c->qmax);
		c->drop_logged = true;
	}
	c->q[(c->qhead + c->qcount) % c->qmax] = j;
	c->qcount++;
	c->st.queued++;
	if (c->dropped || !c->cur)
		kick(c);
	return j->id;
}

uint64_t smtp_send_alert(struct smtp_client *c, const struct smtp_alert *a)
{
	return smtp_send(c, a->subject, a->body);
}

unsigned smtp_client_pending(const struct smtp_client *c)
{
	return c->qcount + (c->cur && !c->cur->reported ? 1 : 0);
}

void smtp_client_stats(const struct smtp_client *c, struct smtp_stats *st)
{
	*st = c->st;
}

/* ---- set-up and close ----------------------------------------------------- */

int smtp_opts_from_global(struct smtp_opts *o, const struct global_conf *g)
{
	memset(o, 0, sizeof(*o));
	o->server = g->smtp_server;
	o->port = (uint16_t)g->smtp_server_port;
	o->helo_name = g->smtp_helo_name;
	o->from = g->notification_email_from;
	o->to = (const char *const *)g->notification_email.v;
	o->n_to = g->notification_email.n;
	o->connect_timeout_us = g->smtp_connect_timeout_us;
	return o->server && o->n_to ? 0 : -1;
}

static int copy_opts(struct smtp_client *c, const struct smtp_opts *o, char *err, size_t errlen)
{
	char host[256] = "localhost";
	gethostname(host, sizeof(host) - 1);
	char from[300];
	snprintf(from, sizeof(from), "keepalived@%s", host);
	c->server = strdup(o->server);
	c->helo = strdup(o->helo_name ? o->helo_name : host);
	c->from = strdup(o->from ? o->from : from);
	c->to = calloc(o->n_to, sizeof(*c->to));
	c->n_to = o->n_to;
	c->q = calloc(c->qmax, sizeof(*c->q));
	if (!c->server || !c->helo || !c->from || !c->to || !c->q) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < o->n_to; i++) {
		if (!(c->to[i] = strdup(o->to[i]))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int check_opts(const struct smtp_opts *o, char *err, size_t errlen)
{
	if (!o->server || !*o->server) {
		snprintf(err, errlen, "no smtp_server");
		return -1;
	}
	if (!o->n_to) {
		snprintf(err, errlen, "no notification_email recipient");
		return -1;
	}
	for (size_t i = 0; i < o->n_to; i++) {
		if (!smtp_addr_valid(o->to[i])) {
			snprintf(err, errlen, "invalid recipient address '%s'", o->to[i]);
			return -1;
		}
	}
	if (o->from && !smtp_addr_valid(o->from)) {
		snprintf(err, errlen, "invalid sender address '%s'", o->from);
		return -1;
	}
	if (o->helo_name && !smtp_addr_valid(o->helo_name)) {
		snprintf(err, errlen, "invalid smtp_helo_name '%s'", o->helo_name);
		return -1;
	}
	return 0;
}

static void on_kick_closed(uv_handle_t *h)
{
	struct smtp_client *c = h->data;
	c->kick_closed = true;
	client_free_if_done(c);
}

int smtp_client_new(uv_loop_t *loop, const struct smtp_opts *o, smtp_result_cb cb, void *ud,
		    struct smtp_client **out, char *err, size_t errlen)
{
	*out = NULL;
	if (check_opts(o, err, errlen) < 0)
		return -1;
	struct smtp_client *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->loop = loop;
	c->cb = cb;
	c->ud = ud;
	c->qmax = o->queue_max ? o->queue_max : SMTP_DEFAULT_QUEUE_MAX;
	c->connect_us = o->connect_timeout_us ? o->connect_timeout_us
					      : SMTP_DEFAULT_CONNECT_TIMEOUT_US;
	c->total_us = o->timeout_us ? o->timeout_us : 3 * c->connect_us;
	snprintf(c->port, sizeof(c->port), "%u", o->port ? o->port : SMTP_DEFAULT_PORT);
	c->dropped_tail = &c->dropped;
	c->next_id = 1;
	if (copy_opts(c, o, err, errlen) < 0) {
		c->closing = c->kick_closed = true;
		client_free_if_done(c);
		return -1;
	}
	uv_timer_init(loop, &c->kick);
	c->kick.data = c;
	*out = c;
	return 0;
}

void smtp_client_close(struct smtp_client *c)
{
	if (c->closing)
		return;
	/* Flag first: a callback run from here that sends gets 0, and one
	 * that closes again does nothing. */
	c->closing = true;
	if (c->cur)
		report(c->cur, SMTP_ERR_CANCELLED, "cancelled: client closed");
	for (struct job *j; (j = queue_pop(c));) {
		report_job(c, j, SMTP_ERR_CANCELLED, "cancelled: client closed", 0, 0);
		job_free(j);
	}
	while (c->dropped) {
		struct job *j = c->dropped;
		c->dropped = j->next;
		report_job(c, j, SMTP_ERR_DROPPED, "dropped: alert queue full", 0, 0);
		job_free(j);
	}
	if (c->cur)
		teardown(c->cur);
	uv_close((uv_handle_t *)&c->kick, on_kick_closed);
}
