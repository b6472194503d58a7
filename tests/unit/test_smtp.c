/* SMTP alerts, the pure half: the reply parser (pieces, multi-line,
 * malformed input), dot-stuffing and CRLF, the message headers, dates and
 * the alert subjects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/smtp_msg.h"

/* ---- reply parser ---------------------------------------------------------- */

static void test_reply_single(void **state)
{
	(void)state;
	struct smtp_rp p;
	struct smtp_reply r;
	size_t used;
	smtp_rp_init(&p);
	const char *in = "220 mail.example ESMTP ready\r\n";
	assert_int_equal(smtp_rp_feed(&p, in, strlen(in), &used, &r), SMTP_RP_REPLY);
	assert_int_equal(used, strlen(in));
	assert_int_equal(r.code, 220);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.line, "220 mail.example ESMTP ready");

	/* A bare code is a complete reply; a bare LF ends a line. */
	in = "250\n";
	assert_int_equal(smtp_rp_feed(&p, in, strlen(in), &used, &r), SMTP_RP_REPLY);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.line, "250");
}

static void test_reply_multiline(void **state)
{
	(void)state;
	struct smtp_rp p;
	struct smtp_reply r;
	size_t used;
	smtp_rp_init(&p);
	const char *in = "250-mail.example Hello\r\n250-SIZE 1000\r\n250-8BITMIME\r\n"
			 "250 HELP\r\n354 go on\r\n";
	assert_int_equal(smtp_rp_feed(&p, in, strlen(in), &used, &r), SMTP_RP_REPLY);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 4);
	assert_string_equal(r.line, "250 HELP");
	/* The next reply is left unconsumed, then read on its own. */
	assert_int_equal(used, strlen(in) - strlen("354 go on\r\n"));
	assert_int_equal(smtp_rp_feed(&p, in + used, strlen(in) - used, &used, &r),
			 SMTP_RP_REPLY);
	assert_int_equal(r.code, 354);
	assert_int_equal(r.nlines, 1);
}

/* TCP may cut a reply anywhere, even between CR and LF: byte by byte, the
 * parser must see exactly one reply, at the last byte. */
static void test_reply_byte_by_byte(void **state)
{
	(void)state;
	struct smtp_rp p;
	struct smtp_reply r;
	size_t used;
	smtp_rp_init(&p);
	const char *in = "250-first\r\n250-second\r\n250 third\r\n";
	size_t n = strlen(in);
	for (size_t i = 0; i < n; i++) {
		enum smtp_rp_status st = smtp_rp_feed(&p, in + i, 1, &used, &r);
		assert_int_equal(used, 1);
		assert_int_equal(st, i + 1 == n ? SMTP_RP_REPLY : SMTP_RP_MORE);
	}
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.line, "250 third");
}

static void expect_error(const char *in, const char *err_part)
{
	struct smtp_rp p;
	struct smtp_reply r;
	size_t used;
	smtp_rp_init(&p);
	assert_int_equal(smtp_rp_feed(&p, in, strlen(in), &used, &r), SMTP_RP_ERROR);
	assert_non_null(strstr(p.err, err_part));
}

static void test_reply_malformed(void **state)
{
	(void)state;
	expect_error("hello\r\n", "malformed reply line 'hello'");
	expect_error("25\r\n", "malformed");
	expect_error("2x0 ok\r\n", "malformed");
	expect_error("250_ok\r\n", "malformed");
	expect_error("150 no such class\r\n", "malformed");
	expect_error("650 no such class\r\n", "malformed");
	expect_error("\r\n", "malformed");
	expect_error("250-a\r\n251 b\r\n", "changes code from 250 to 251");

	char *big = malloc(SMTP_LINE_MAX + 10);
	memset(big, 'x', SMTP_LINE_MAX + 9);
	memcpy(big, "250 ", 4);
	big[SMTP_LINE_MAX + 9] = '\0';
	expect_error(big, "longer than");
	free(big);
}

/* ---- dot-stuffing and line ends ------------------------------------------- */

static void expect_stuffed(const char *body, const char *want)
{
	size_t len;
	char *s = smtp_dot_stuff(body, &len);
	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(len, strlen(want));
	free(s);
}

static void test_dot_stuff(void **state)
{
	(void)state;
	expect_stuffed("", "");
	expect_stuffed("one line", "one line\r\n");
	expect_stuffed("a\nb\n", "a\r\nb\r\n");
	expect_stuffed("a\r\nb\rc", "a\r\nb\r\nc\r\n");
	/* A line that is only "." would end the message early. */
	expect_stuffed(".\n..x\n.y\nz.\n", "..\r\n...x\r\n..y\r\nz.\r\n");
	expect_stuffed("a\r\n.\r\nb", "a\r\n..\r\nb\r\n");
	expect_stuffed("\n\n", "\r\n\r\n");
}

/* ---- message -------------------------------------------------------------- */

static void test_msg_build(void **state)
{
	(void)state;
	const char *to[] = { "ops@example.com", "oncall@example.com" };
	struct smtp_msg m = {
		.from = "halo@lb1", .to = to, .n_to = 2,
		.subject = "[lb1] VRRP Instance VI_1 - Entering MASTER state",
		.date = "Sun, 22 Nov 2026 01:01:35 +0000", .message_id = "<x.1@lb1>",
		.body = "line one\n.hidden\n",
	};
	size_t len;
	char *s = smtp_msg_build(&m, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(s));
	assert_string_equal(s,
		"From: halo@lb1\r\n"
		"To: ops@example.com, oncall@example.com\r\n"
		"Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\n"
		"Date: Sun, 22 Nov 2026 01:01:35 +0000\r\n"
		"Message-ID: <x.1@lb1>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"X-Mailer: halo\r\n"
		"\r\n"
		"line one\r\n"
		"..hidden\r\n"
		".\r\n");
	free(s);
}

/* A subject holding CR LF must not add a header (or end the headers). */
static void test_msg_header_injection(void **state)
{
	(void)state;
	const char *to[] = { "a@b" };
	struct smtp_msg m = {
		.from = "f@b", .to = to, .n_to = 1, .subject = "x\r\nBcc: evil@x\n",
		.date = "d", .body = NULL,
	};
	char *s = smtp_msg_build(&m, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "Subject: x  Bcc: evil@x \r\n"));
	assert_null(strstr(s, "\nBcc"));
	assert_null(strstr(s, "Message-ID"));
	/* No body: the blank line, then the terminator. */
	assert_non_null(strstr(s, "X-Mailer: halo\r\n\r\n.\r\n"));
	free(s);
}

/* Many recipients: To: folds before 78 columns, every line ends in CRLF. */
static void test_msg_to_folding(void **state)
{
	(void)state;
	const char *to[] = { "aaaaaaaaaaaaaaaaaaaa@example.com", "bbbbbbbbbbbbbbbbbbbb@example.com",
			     "cccccccccccccccccccc@example.com", "d@e" };
	struct smtp_msg m = { .from = "f@b", .to = to, .n_to = 4, .subject = "s", .date = "d" };
	char *s = smtp_msg_build(&m, NULL);
	assert_non_null(s);
	const char *t = strstr(s, "To: ");
	assert_non_null(t);
	assert_non_null(strstr(t, "To: aaaaaaaaaaaaaaaaaaaa@example.com, "
				  "bbbbbbbbbbbbbbbbbbbb@example.com,\r\n "
				  "cccccccccccccccccccc@example.com, d@e\r\nSubject: s\r\n"));
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			assert_true(p > s && p[-1] == '\r');
	}
	free(s);
}

static void test_addr_valid(void **state)
{
	(void)state;
	assert_true(smtp_addr_valid("ops@example.com"));
	assert_true(smtp_addr_valid("a+b.c@[10.0.0.1]"));
	assert_false(smtp_addr_valid(""));
	assert_false(smtp_addr_valid(NULL));
	assert_false(smtp_addr_valid("a b@c"));
	assert_false(smtp_addr_valid("a@c>\r\nRCPT TO:<x@y"));
	assert_false(smtp_addr_valid("<a@b>"));
	assert_false(smtp_addr_valid("a\\b@c"));
	char big[300];
	memset(big, 'a', 255);
	big[255] = '\0';
	assert_false(smtp_addr_valid(big));
}

static void test_date(void **state)
{
	(void)state;
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_wday = 0,
			 .tm_hour = 1, .tm_min = 1, .tm_sec = 35 };
	char b[64];
	assert_int_equal(smtp_fmt_date(b, sizeof(b), &tm, 0), 31);
	assert_string_equal(b, "Sun, 22 Nov 2026 01:01:35 +0000");
	tm = (struct tm){ .tm_year = 100, .tm_mon = 0, .tm_mday = 5, .tm_wday = 3,
			  .tm_hour = 23, .tm_min = 59, .tm_sec = 9 };
	smtp_fmt_date(b, sizeof(b), &tm, 5 * 3600 + 30 * 60);
	assert_string_equal(b, "Wed, 05 Jan 2000 23:59:09 +0530");
	smtp_fmt_date(b, sizeof(b), &tm, -(3 * 3600 + 45 * 60));
	assert_string_equal(b, "Wed, 05 Jan 2000 23:59:09 -0345");
	char small[10];
	assert_int_equal(smtp_fmt_date(small, sizeof(small), &tm, 0), -1);
	assert_string_equal(small, "");
	tm.tm_mon = 12;
	assert_int_equal(smtp_fmt_date(b, sizeof(b), &tm, 0), -1);
}

/* ---- alert texts ---------------------------------------------------------- */

static void test_alert_vrrp(void **state)
{
	(void)state;
	struct smtp_alert a;
	smtp_alert_vrrp(&a, "lb1", SMTP_VRRP_INSTANCE, "VI_1", "MASTER", "priority 150");
	assert_string_equal(a.subject, "[lb1] VRRP Instance VI_1 - Entering MASTER state");
	assert_non_null(strstr(a.body, "VI_1"));
	assert_non_null(strstr(a.body, "lb1"));
	assert_non_null(strstr(a.body, "MASTER"));
	assert_non_null(strstr(a.body, "priority 150\n"));

	smtp_alert_vrrp(&a, "lb2", SMTP_VRRP_GROUP, "VG_1", "BACKUP", NULL);
	assert_string_equal(a.subject, "[lb2] VRRP Group VG_1 - Entering BACKUP state");
	assert_non_null(strstr(a.body, "sync group VG_1"));
	assert_non_null(strstr(a.body, "BACKUP"));

	smtp_alert_vrrp(&a, NULL, SMTP_VRRP_INSTANCE, "VI_9", "FAULT", NULL);
	assert_string_equal(a.subject, "[-] VRRP Instance VI_9 - Entering FAULT state");
}

static void test_alert_lb(void **state)
{
	(void)state;
	struct smtp_alert a;
	smtp_alert_rs(&a, "lb1", "[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", false,
		      "connection refused");
	assert_string_equal(a.subject,
			    "[lb1] Realserver [10.0.0.2]:tcp:80 of virtual server "
			    "[10.0.0.1]:tcp:80 - DOWN");
	assert_non_null(strstr(a.body, "DOWN"));
	assert_non_null(strstr(a.body, "connection refused\n"));
	smtp_alert_rs(&a, "lb1", "[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", true, NULL);
	assert_non_null(strstr(a.subject, "- UP"));
	assert_null(strstr(a.body, "DOWN"));

	smtp_alert_vs(&a, "lb1", "[10.0.0.1]:tcp:80", false, NULL);
	assert_string_equal(a.subject, "[lb1] Virtualserver [10.0.0.1]:tcp:80 - DOWN");
	assert_non_null(strstr(a.body, "quorum is lost"));
}

/* An oversized name is cut, never overflows, and the subject stays a
 * string. */
static void test_alert_truncation(void **state)
{
	(void)state;
	char name[2000];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	struct smtp_alert a;
	smtp_alert_vrrp(&a, "lb1", SMTP_VRRP_INSTANCE, name, "MASTER", name);
	assert_int_equal(strlen(a.subject), sizeof(a.subject) - 1);
	assert_true(strlen(a.body) < sizeof(a.body));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_single),
		cmocka_unit_test(test_reply_multiline),
		cmocka_unit_test(test_reply_byte_by_byte),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_dot_stuff),
		cmocka_unit_test(test_msg_build),
		cmocka_unit_test(test_msg_header_injection),
		cmocka_unit_test(test_msg_to_folding),
		cmocka_unit_test(test_addr_valid),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_alert_vrrp),
		cmocka_unit_test(test_alert_lb),
		cmocka_unit_test(test_alert_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
