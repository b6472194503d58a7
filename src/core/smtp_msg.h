/* SMTP alerts, the pure half: reply parsing, message building and the
 * alert texts.  No socket, no clock, no log: bytes in, bytes or a named
 * reason out, so every rule here is unit-tested (tests/unit/test_smtp.c).
 * The asynchronous client that speaks the dialogue is core/smtp.h.
 *
 * Replies (RFC 5321 section 4.2): each line is a three-digit code, then
 * '-' when more lines follow or ' ' (or nothing) on the last line.  The
 * parser is incremental because TCP delivers a reply in any number of
 * pieces, several replies in one piece, or a line split anywhere. */
#ifndef HALO_CORE_SMTP_MSG_H
#define HALO_CORE_SMTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* RFC 5321 4.5.3.1.5 limits a reply line to 512 octets with CRLF; servers
 * exceed it in practice, so accept twice that before calling it garbage. */
#define SMTP_LINE_MAX 1024

/* One complete reply.  `line` is its last line as received without the
 * CRLF ("550 5.1.1 <x@y>: Recipient address rejected"): what a failure
 * report quotes. */
struct smtp_reply {
	int code;        /* 200..599 */
	unsigned nlines; /* 1 for a single-line reply */
	char line[SMTP_LINE_MAX];
};

enum smtp_rp_status {
	SMTP_RP_MORE,  /* every byte consumed, no complete reply yet */
	SMTP_RP_REPLY, /* *out holds a reply; bytes after it are not consumed */
	SMTP_RP_ERROR, /* malformed input; the reason is in the parser's err */
};

struct smtp_rp {
	char buf[SMTP_LINE_MAX]; /* the line being received */
	size_t len;
	int code;        /* code of the reply in progress, 0 before its first line */
	unsigned nlines; /* lines of the reply in progress */
	char err[128];
};

void smtp_rp_init(struct smtp_rp *p);
/* Consumes bytes from `data` up to the end of the first complete reply (or
 * all of them); *used says how many.  After SMTP_RP_ERROR the parser must
 * be re-initialised before reuse. */
enum smtp_rp_status smtp_rp_feed(struct smtp_rp *p, const char *data, size_t len, size_t *used,
				 struct smtp_reply *out);

/* True when `addr` can go between <> in MAIL FROM / RCPT TO and in a
 * header: non-empty, at most 254 octets, printable ASCII without blanks,
 * '<', '>', or a backslash.  What stops a configured address from injecting
 * a command or a header. */
bool smtp_addr_valid(const char *addr);

/* RFC 5322 3.3 date-time, "Sun, 22 Nov 2026 01:01:35 +0100", for `tm`
 * (broken-down local time) east of UTC by `gmtoff_s` seconds.  Names are
 * English whatever the locale.  Returns the length, or -1 when `len` is too
 * small (buf then holds ""). */
int smtp_fmt_date(char *buf, size_t len, const struct tm *tm, long gmtoff_s);

/* What goes into one message. */
struct smtp_msg {
	const char *from;           /* envelope and From: */
	const char *const *to;      /* every recipient, in To: */
	size_t n_to;
	const char *subject;        /* CR/LF and other controls become spaces */
	const char *date;           /* a smtp_fmt_date() string */
	const char *message_id;     /* "<...>", NULL for none */
	const char *body;           /* lines separated by LF or CRLF */
};

/* The DATA payload: headers (From, To, Subject, Date, Message-ID when
 * given, MIME-Version, Content-Type text/plain, X-Mailer: halo), a blank
 * line, the body with CRLF line ends and every line starting with '.'
 * given one more '.' (RFC 5321 4.5.2), then the terminating "\r\n.\r\n".
 * Returns a malloc'd string and its length in *len, or NULL when out of
 * memory. */
char *smtp_msg_build(const struct smtp_msg *m, size_t *len);

/* The body part alone: CRLF line ends (a bare LF or CR becomes CRLF, a
 * last line without one gets one), NUL bytes dropped, dot-stuffed, without
 * the terminator.  Malloc'd (NULL when out of memory); what
 * smtp_msg_build() uses, exposed for tests. */
char *smtp_dot_stuff(const char *body, size_t *len);

/* ---- alert texts ---------------------------------------------------------- */

struct smtp_alert {
	char subject[512];
	char body[1024];
};

enum smtp_vrrp_kind { SMTP_VRRP_INSTANCE, SMTP_VRRP_GROUP };

/* A VRRP instance or sync group entering `state` ("MASTER", "BACKUP",
 * "FAULT", "STOP").  Subject as keepalived writes it, so mail filters keep
 * working: "[router_id] VRRP Instance VI_1 - Entering MASTER state" (a
 * group says "VRRP Group").  `router_id` is what global_defs says, or the
 * local host name when it is unset (as keepalived does); `detail` (may be
 * NULL) is one more line for the body, such as "priority 100". */
void smtp_alert_vrrp(struct smtp_alert *out, const char *router_id, enum smtp_vrrp_kind kind,
		     const char *name, const char *state, const char *detail);

/* A real server going up or down, named as the notify FIFO names them
 * ("[10.0.0.2]:tcp:80"): "[router_id] Realserver RS of virtual server VS -
 * UP".  `detail` (may be NULL), e.g. the checker's failure reason. */
void smtp_alert_rs(struct smtp_alert *out, const char *router_id, const char *rs,
		   const char *vs, bool up, const char *detail);

/* A virtual server gaining or losing its quorum:
 * "[router_id] Virtualserver VS - UP". */
void smtp_alert_vs(struct smtp_alert *out, const char *router_id, const char *vs, bool up,
		   const char *detail);

#endif
