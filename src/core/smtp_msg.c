/* SMTP alerts, the pure half: see smtp_msg.h. */
#include "core/smtp_msg.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- replies -------------------------------------------------------------- */

void smtp_rp_init(struct smtp_rp *p)
{
	memset(p, 0, sizeof(*p));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One received line (CR already removed): either a continuation, which
 * only updates the parser, or the last line, which completes *out.
 * Returns -1 (with p->err), 0 for a continuation, 1 for a complete reply. */
static int rp_line(struct smtp_rp *p, struct smtp_reply *out)
{
	const char *l = p->buf;
	if (p->len < 3 || l[0] < '2' || l[0] > '5' || !is_digit(l[1]) || !is_digit(l[2]) ||
	    (p->len > 3 && l[3] != ' ' && l[3] != '-')) {
		snprintf(p->err, sizeof(p->err), "malformed reply line '%.60s'", l);
		return -1;
	}
	int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (p->code && code != p->code) {
		snprintf(p->err, sizeof(p->err), "multi-line reply changes code from %d to %d",
			 p->code, code);
		return -1;
	}
	p->code = code;
	p->nlines++;
	if (p->len > 3 && l[3] == '-') {
		p->len = 0;
		return 0;
	}
	out->code = code;
	out->nlines = p->nlines;
	memcpy(out->line, l, p->len + 1);
	p->len = 0;
	p->code = 0;
	p->nlines = 0;
	return 1;
}

enum smtp_rp_status smtp_rp_feed(struct smtp_rp *p, const char *data, size_t len, size_t *used,
				 struct smtp_reply *out)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '\n') {
			/* A bare LF ends a line too: lenient towards sloppy
			 * servers, and it costs nothing. */
			if (p->len && p->buf[p->len - 1] == '\r')
				p->len--;
			p->buf[p->len] = '\0';
			int r = rp_line(p, out);
			if (r < 0) {
				*used = i + 1;
				return SMTP_RP_ERROR;
			}
			if (r > 0) {
				*used = i + 1;
				return SMTP_RP_REPLY;
			}
			continue;
		}
		if (p->len >= SMTP_LINE_MAX - 1) {
			snprintf(p->err, sizeof(p->err), "reply line longer than %d octets",
				 SMTP_LINE_MAX - 1);
			*used = i;
			return SMTP_RP_ERROR;
		}
		/* A NUL would cut the line short when it is quoted in a report. */
		p->buf[p->len++] = c ? c : '?';
	}
	*used = len;
	return SMTP_RP_MORE;
}

/* ---- addresses and dates -------------------------------------------------- */

bool smtp_addr_valid(const char *addr)
{
	size_t n = addr ? strlen(addr) : 0;
	if (n == 0 || n > 254)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '\\')
			return false;
	}
	return true;
}

int smtp_fmt_date(char *buf, size_t len, const struct tm *tm, long gmtoff_s)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (len)
		buf[0] = '\0';
	if (tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_mon < 0 || tm->tm_mon > 11)
		return -1;
	char sign = gmtoff_s < 0 ? '-' : '+';
	long off = gmtoff_s < 0 ? -gmtoff_s : gmtoff_s;
	int n = snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
			 days[tm->tm_wday], tm->tm_mday, months[tm->tm_mon], tm->tm_year + 1900,
			 tm->tm_hour, tm->tm_min, tm->tm_sec, sign, off / 3600, off % 3600 / 60);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -1;
	}
	return n;
}

/* ---- message -------------------------------------------------------------- */

/* A growing malloc'd string; `failed` sticks after the first allocation
 * failure so callers check once at the end. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->failed = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static char *sb_finish(struct sbuf *b, size_t *len)
{
	if (!b->failed && !b->s)
		sb_put(b, "", 0);
	if (b->failed) {
		free(b->s);
		return NULL;
	}
	if (len)
		*len = b->len;
	return b->s;
}

static void stuff_into(struct sbuf *b, const char *body)
{
	bool bol = true;
	for (const char *p = body ? body : ""; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			sb_put(b, "\r\n", 2);
			bol = true;
			continue;
		}
		if (bol && *p == '.')
			sb_put(b, ".", 1);
		sb_put(b, p, 1);
		bol = false;
	}
	if (!bol)
		sb_put(b, "\r\n", 2);
}

char *smtp_dot_stuff(const char *body, size_t *len)
{
	struct sbuf b = { 0 };
	stuff_into(&b, body);
	return sb_finish(&b, len);
}

/* A header value on one line: controls (CR and LF above all, which would
 * start a new header) become spaces, and it is cut at a length every
 * server accepts (RFC 5322 2.1.1: 998 octets per line). */
static void header_value(struct sbuf *b, const char *v)
{
	size_t n = 0;
	for (const char *p = v ? v : ""; *p && n < 900; p++, n++) {
		char c = (unsigned char)*p < ' ' || *p == 0x7f ? ' ' : *p;
		sb_put(b, &c, 1);
	}
}

static void header(struct sbuf *b, const char *name, const char *value)
{
	sb_str(b, name);
	sb_str(b, ": ");
	header_value(b, value);
	sb_str(b, "\r\n");
}

/* To: with every recipient, folded (RFC 5322 2.2.3) before a line would
 * pass 78 characters. */
static void header_to(struct sbuf *b, const char *const *to, size_t n)
{
	size_t col = 4;
	sb_str(b, "To: ");
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(to[i]);
		if (i > 0) {
			if (col + 2 + w > 78) {
				sb_str(b, ",\r\n ");
				col = 1;
			} else {
				sb_str(b, ", ");
				col += 2;
			}
		}
		header_value(b, to[i]);
		col += w;
	}
	sb_str(b, "\r\n");
}

char *smtp_msg_build(const struct smtp_msg *m, size_t *len)
{
	struct sbuf b = { 0 };
	header(&b, "From", m->from);
	header_to(&b, m->to, m->n_to);
	header(&b, "Subject", m->subject);
	header(&b, "Date", m->date);
	if (m->message_id)
		header(&b, "Message-ID", m->message_id);
	header(&b, "MIME-Version", "1.0");
	header(&b, "Content-Type", "text/plain; charset=utf-8");
	header(&b, "X-Mailer", "halo");
	sb_str(&b, "\r\n");
	stuff_into(&b, m->body);
	sb_str(&b, ".\r\n");
	return sb_finish(&b, len);
}

/* ---- alert texts ---------------------------------------------------------- */

static const char *nz(const char *s)
{
	return s && *s ? s : "-";
}

static void body_lines(char *buf, size_t len, const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void body_lines(char *buf, size_t len, const char *detail, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < len && detail && *detail)
		snprintf(buf + n, len - (size_t)n, "%s\n", detail);
}

void smtp_alert_vrrp(struct smtp_alert *out, const char *router_id, enum smtp_vrrp_kind kind,
		     const char *name, const char *state, const char *detail)
{
	bool group = kind == SMTP_VRRP_GROUP;
	snprintf(out->subject, sizeof(out->subject), "[%s] VRRP %s %s - Entering %s state",
		 nz(router_id), group ? "Group" : "Instance", nz(name), nz(state));
	bool master = state && strcmp(state, "MASTER") == 0;
	body_lines(out->body, sizeof(out->body), detail,
		   "VRRP %s %s on %s is now in %s state.\n%s", group ? "sync group" : "instance",
		   nz(name), nz(router_id), nz(state),
		   !master ? ""
		   : group ? "Its instances now hold their virtual addresses.\n"
			   : "This router now holds its virtual addresses.\n");
}

void smtp_alert_rs(struct smtp_alert *out, const char *router_id, const char *rs,
		   const char *vs, bool up, const char *detail)
{
	snprintf(out->subject, sizeof(out->subject), "[%s] Realserver %s of virtual server %s - %s",
		 nz(router_id), nz(rs), nz(vs), up ? "UP" : "DOWN");
	body_lines(out->body, sizeof(out->body), detail,
		   "Real server %s of virtual server %s on %s is %s: its health check %s.\n",
		   nz(rs), nz(vs), nz(router_id), up ? "UP" : "DOWN",
		   up ? "passes" : "fails");
}

void smtp_alert_vs(struct smtp_alert *out, const char *router_id, const char *vs, bool up,
		   const char *detail)
{
	snprintf(out->subject, sizeof(out->subject), "[%s] Virtualserver %s - %s", nz(router_id),
		 nz(vs), up ? "UP" : "DOWN");
	body_lines(out->body, sizeof(out->body), detail,
		   "Virtual server %s on %s is %s: its quorum is %s.\n", nz(vs), nz(router_id),
		   up ? "UP" : "DOWN", up ? "reached" : "lost");
}
