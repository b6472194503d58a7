/* Control socket server: framing, limits, asynchronous replies and the
 * socket file's life, driven in-process.  The clients are plain non-blocking
 * sockets; the tests turn the libuv loop by hand while waiting for bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "daemon/control.h"

struct fx {
	uv_loop_t loop;
	char dir[64];
	char path[96];
	struct ctl_server *srv;
	struct ctl_req *held; /* the request the "later" command keeps */
	int later_calls;
};

/* ---- commands served in the tests ---------------------------------------- */

static void cmd_echo(void *ctx, struct ctl_req *req, json_object *args)
{
	(void)ctx;
	ctl_reply_ok(req, args ? json_object_get(args) : NULL);
}

static void cmd_later(void *ctx, struct ctl_req *req, json_object *args)
{
	struct fx *f = ctx;
	(void)args;
	f->held = req;
	f->later_calls++;
}

static void cmd_fail(void *ctx, struct ctl_req *req, json_object *args)
{
	(void)ctx;
	(void)args;
	ctl_reply_err(req, "refused: %d", 42);
}

static const struct ctl_cmd table[] = {
	{ "echo", cmd_echo, "reply with the arguments" },
	{ "later", cmd_later, "reply when the test says so" },
	{ "fail", cmd_fail, "always an error" },
	{ NULL, NULL, NULL },
};

/* ---- fixture ------------------------------------------------------------- */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-ctl-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
	uv_loop_init(&f->loop);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->srv)
		ctl_server_close(f->srv);
	/* Every handle must close by itself, drain timers included. */
	uv_run(&f->loop, UV_RUN_DEFAULT);
	int rc = uv_loop_close(&f->loop);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void open_server(struct fx *f)
{
	char err[256] = "";
	f->srv = ctl_server_open(&f->loop, f->path, table, f, err, sizeof(err));
	if (!f->srv)
		fail_msg("ctl_server_open: %s", err);
}

/* ---- client side --------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pump(struct fx *f, double seconds)
{
	double end = now_s() + seconds;
	do {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(1000);
	} while (now_s() < end);
}

static int client(struct fx *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	/* A full backlog answers EAGAIN until the loop accepts. */
	double end = now_s() + 3;
	int rc;
	while ((rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0 && errno == EAGAIN &&
	       now_s() < end)
		uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(rc, 0);
	return fd;
}

/* Sends everything, turning the loop while the socket is full.  False
 * when the server closed the connection (the caller checks why). */
static bool send_all(struct fx *f, int fd, const char *data, size_t n)
{
	double end = now_s() + 5;
	while (n > 0 && now_s() < end) {
		ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
		if (w > 0) {
			data += w;
			n -= (size_t)w;
		} else if (w < 0 && errno != EAGAIN) {
			return false;
		}
		uv_run(&f->loop, UV_RUN_NOWAIT);
	}
	return n == 0;
}

static void send_str(struct fx *f, int fd, const char *s)
{
	send_all(f, fd, s, strlen(s));
}

/* Reads one reply line (without its newline) into buf.  Returns 1 for a
 * line, 0 on EOF, -1 when nothing complete came within `seconds`.  Bytes
 * are read one at a time so that a second line stays in the socket. */
static int recv_line(struct fx *f, int fd, char *buf, size_t len, double seconds)
{
	size_t n = 0;
	double end = now_s() + seconds;
	while (now_s() < end) {
		char ch;
		ssize_t r = recv(fd, &ch, 1, 0);
		if (r == 1) {
			if (ch == '\n') {
				buf[n] = '\0';
				return 1;
			}
			if (n + 1 < len)
				buf[n++] = ch;
			continue;
		}
		if (r == 0 || (r < 0 && errno != EAGAIN))
			return 0;
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(500);
	}
	return -1;
}

/* Receives one reply and returns it parsed (caller puts it). */
static json_object *recv_reply(struct fx *f, int fd)
{
	static char buf[1 << 17];
	int rc = recv_line(f, fd, buf, sizeof(buf), 3);
	if (rc != 1)
		fail_msg("no reply line (rc %d)", rc);
	json_object *o = json_tokener_parse(buf);
	if (!o)
		fail_msg("reply is not JSON: %s", buf);
	return o;
}

static bool reply_ok(json_object *r)
{
	json_object *ok;
	return json_object_object_get_ex(r, "ok", &ok) && json_object_get_boolean(ok);
}

static const char *reply_error(json_object *r)
{
	json_object *e;
	if (reply_ok(r) || !json_object_object_get_ex(r, "error", &e))
		return "";
	return json_object_get_string(e);
}

static void expect_error(struct fx *f, int fd, const char *prefix)
{
	json_object *r = recv_reply(f, fd);
	const char *e = reply_error(r);
	if (strncmp(e, prefix, strlen(prefix)) != 0)
		fail_msg("error '%s' does not start with '%s'", e, prefix);
	json_object_put(r);
}

static void expect_eof(struct fx *f, int fd)
{
	char buf[256];
	assert_int_equal(recv_line(f, fd, buf, sizeof(buf), 3), 0);
}

static int64_t result_int(json_object *r, const char *key)
{
	json_object *res, *v;
	assert_true(json_object_object_get_ex(r, "result", &res));
	assert_true(json_object_object_get_ex(res, key, &v));
	return json_object_get_int64(v);
}

/* ---- tests --------------------------------------------------------------- */

static void test_good_request(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	/* Two requests in one write: both answered, in order, on one stream. */
	send_str(f, fd, "{\"cmd\":\"echo\",\"args\":{\"n\":1}}\n{\"cmd\": \"echo\", \"args\": {\"n\": 2}}\r\n");
	json_object *r = recv_reply(f, fd);
	assert_true(reply_ok(r));
	assert_int_equal(result_int(r, "n"), 1);
	json_object_put(r);
	r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 2);
	json_object_put(r);

	/* Without args the result is an empty object, never null. */
	send_str(f, fd, "\n{\"cmd\":\"echo\"}\n");
	r = recv_reply(f, fd);
	json_object *res;
	assert_true(json_object_object_get_ex(r, "result", &res));
	assert_true(json_object_is_type(res, json_type_object));
	assert_int_equal(json_object_object_length(res), 0);
	json_object_put(r);

	send_str(f, fd, "{\"cmd\":\"fail\"}\n");
	expect_error(f, fd, "refused: 42");
	close(fd);
}

static void test_help(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"help\"}\n");
	json_object *r = recv_reply(f, fd), *res, *cmds;
	assert_true(json_object_object_get_ex(r, "result", &res));
	assert_true(json_object_object_get_ex(res, "commands", &cmds));
	assert_int_equal(json_object_array_length(cmds), 4);
	json_object *second = json_object_array_get_idx(cmds, 1), *v;
	assert_true(json_object_object_get_ex(second, "name", &v));
	assert_string_equal(json_object_get_string(v), "echo");
	assert_true(json_object_object_get_ex(second, "help", &v));
	assert_string_equal(json_object_get_string(v), "reply with the arguments");
	json_object_put(r);
	close(fd);
}

static void test_async_reply_orders_requests(void **state)
{
	struct fx *f = *state;
	char buf[256];
	open_server(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"later\"}\n{\"cmd\":\"echo\",\"args\":{\"n\":2}}\n");
	/* The second request must not be answered before the first. */
	assert_int_equal(recv_line(f, fd, buf, sizeof(buf), 0.2), -1);
	assert_int_equal(f->later_calls, 1);
	assert_non_null(f->held);

	json_object *res = json_object_new_object();
	json_object_object_add(res, "n", json_object_new_int(1));
	ctl_reply_ok(f->held, res);
	f->held = NULL;
	json_object *r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 1);
	json_object_put(r);
	r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 2);
	json_object_put(r);
	close(fd);
}

static void test_garbage_closes(void **state)
{
	struct fx *f = *state;
	open_server(f);
	static const struct {
		const char *req, *err;
	} cases[] = {
		{ "hello\n", "malformed request: invalid JSON" },
		{ "{\"cmd\":\"echo\"\n", "malformed request: invalid JSON" },
		{ "{\"cmd\":\"echo\"} x\n", "malformed request: invalid JSON" },
		{ "[1,2]\n", "malformed request: not a JSON object" },
		{ "{\"command\":\"echo\"}\n", "malformed request: \"cmd\" missing or not a string" },
		{ "{\"cmd\":7}\n", "malformed request: \"cmd\" missing or not a string" },
		{ "{\"cmd\":\"echo\",\"args\":[1]}\n", "malformed request: \"args\" is not an object" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = client(f);
		/* A good request first: the garbage must not undo it. */
		send_str(f, fd, "{\"cmd\":\"echo\"}\n");
		json_object *r = recv_reply(f, fd);
		assert_true(reply_ok(r));
		json_object_put(r);
		send_str(f, fd, cases[i].req);
		expect_error(f, fd, cases[i].err);
		expect_eof(f, fd);
		close(fd);
	}
	/* NUL bytes are refused before the JSON parser sees them. */
	int fd = client(f);
	send_all(f, fd, "{\"cmd\"\0:1}\n", 11);
	expect_error(f, fd, "malformed request: NUL byte");
	expect_eof(f, fd);
	close(fd);
}

static void test_oversize(void **state)
{
	struct fx *f = *state;
	open_server(f);

	/* Exactly CTL_MAX_REQUEST bytes before the newline is still accepted. */
	static char big[CTL_MAX_REQUEST + 2];
	const char *head = "{\"cmd\":\"echo\",\"args\":{\"pad\":\"";
	size_t hl = strlen(head);
	memcpy(big, head, hl);
	memset(big + hl, 'x', CTL_MAX_REQUEST - hl - 3);
	memcpy(big + CTL_MAX_REQUEST - 3, "\"}}\n", 4);
	int fd = client(f);
	send_all(f, fd, big, CTL_MAX_REQUEST + 1);
	json_object *r = recv_reply(f, fd);
	assert_true(reply_ok(r));
	json_object_put(r);

	/* One byte more is refused, and the connection closed. */
	memset(big, 'x', CTL_MAX_REQUEST + 2);
	send_all(f, fd, big, CTL_MAX_REQUEST + 2);
	expect_error(f, fd, "request too large");
	expect_eof(f, fd);
	close(fd);
}

static void test_unknown_command_keeps_connection(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"nope\"}\n");
	json_object *r = recv_reply(f, fd);
	assert_false(reply_ok(r));
	assert_string_equal(reply_error(r), "unknown command 'nope'");
	json_object_put(r);
	send_str(f, fd, "{\"cmd\":\"echo\",\"args\":{\"n\":5}}\n");
	r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 5);
	json_object_put(r);
	close(fd);
}

static void test_hangup_before_async_reply(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"later\"}\n");
	pump(f, 0.05);
	assert_non_null(f->held);
	close(fd);
	pump(f, 0.05);
	/* The handle is still valid; the reply goes nowhere. */
	ctl_reply_ok(f->held, json_object_new_object());
	f->held = NULL;
	pump(f, 0.05);

	fd = client(f);
	send_str(f, fd, "{\"cmd\":\"echo\",\"args\":{\"n\":9}}\n");
	json_object *r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 9);
	json_object_put(r);
	close(fd);
}

static void test_half_close_still_answered(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	/* The last request may lack its newline when the client shuts down. */
	send_str(f, fd, "{\"cmd\":\"later\"}\n{\"cmd\":\"echo\",\"args\":{\"n\":3}}");
	shutdown(fd, SHUT_WR);
	pump(f, 0.05);
	ctl_reply_ok(f->held, NULL);
	f->held = NULL;
	json_object *r = recv_reply(f, fd);
	assert_true(reply_ok(r));
	json_object_put(r);
	r = recv_reply(f, fd);
	assert_int_equal(result_int(r, "n"), 3);
	json_object_put(r);
	expect_eof(f, fd);
	close(fd);
}

static void test_mode_0600(void **state)
{
	struct fx *f = *state;
	mode_t old = umask(0); /* the server must not depend on the caller's umask */
	open_server(f);
	umask(old);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_stale_socket_replaced(void **state)
{
	struct fx *f = *state;
	/* A socket file nobody listens on, as a crashed daemon leaves it. */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);

	/* Connecting succeeds only if the dead file was replaced. */
	open_server(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"echo\"}\n");
	json_object *r = recv_reply(f, fd);
	assert_true(reply_ok(r));
	json_object_put(r);
	close(fd);
}

static void test_in_use_refused(void **state)
{
	struct fx *f = *state;
	char err[256] = "", want[300];
	open_server(f);
	struct ctl_server *other = ctl_server_open(&f->loop, f->path, table, f, err, sizeof(err));
	assert_null(other);
	snprintf(want, sizeof(want), "control socket %s is in use by another process", f->path);
	assert_string_equal(err, want);
	/* The first server is untouched. */
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"echo\"}\n");
	json_object *r = recv_reply(f, fd);
	assert_true(reply_ok(r));
	json_object_put(r);
	close(fd);
}

static void test_not_a_socket_refused(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	int fd = open(f->path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_null(ctl_server_open(&f->loop, f->path, table, f, err, sizeof(err)));
	assert_non_null(strstr(err, "exists and is not a socket"));
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_close_answers_pending(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int idle = client(f);
	int fd = client(f);
	send_str(f, fd, "{\"cmd\":\"later\"}\n");
	pump(f, 0.05);
	assert_non_null(f->held);
	ctl_server_close(f->srv);
	f->srv = NULL;
	struct stat st;
	assert_int_equal(lstat(f->path, &st), -1);
	expect_error(f, fd, "the control server is shutting down");
	expect_eof(f, fd);
	expect_eof(f, idle);
	/* The handler's late reply is dropped, not sent after the error. */
	ctl_reply_ok(f->held, NULL);
	f->held = NULL;
	close(fd);
	close(idle);
}

static void test_connection_limit(void **state)
{
	struct fx *f = *state;
	int fds[64];
	open_server(f);
	for (int i = 0; i < 64; i++)
		fds[i] = client(f);
	pump(f, 0.1);
	int extra = client(f);
	expect_error(f, extra, "too many control connections");
	expect_eof(f, extra);
	close(extra);
	/* The 64 admitted connections still work; freeing one admits another. */
	send_str(f, fds[63], "{\"cmd\":\"echo\"}\n");
	json_object *r = recv_reply(f, fds[63]);
	assert_true(reply_ok(r));
	json_object_put(r);
	close(fds[0]);
	pump(f, 0.05);
	extra = client(f);
	send_str(f, extra, "{\"cmd\":\"echo\"}\n");
	r = recv_reply(f, extra);
	assert_true(reply_ok(r));
	json_object_put(r);
	close(extra);
	for (int i = 1; i < 64; i++)
		close(fds[i]);
}

static void test_unread_output_capped(void **state)
{
	struct fx *f = *state;
	open_server(f);
	int fd = client(f);
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	/* Pipelined requests whose ~60 KiB replies are never read: the server
	 * must drop the client once 4 MiB are queued, not grow without end. */
	static char req[CTL_MAX_REQUEST];
	const char *head = "{\"cmd\":\"echo\",\"args\":{\"pad\":\"";
	size_t hl = strlen(head), n = 60000;
	memcpy(req, head, hl);
	memset(req + hl, 'y', n);
	memcpy(req + hl + n, "\"}}\n", 4);
	bool closed = false;
	int sent = 0;
	for (; sent < 400 && !closed; sent++)
		closed = !send_all(f, fd, req, hl + n + 4);
	assert_true(closed);
	/* About 4 MiB of replies, give or take what the kernel buffers. */
	assert_true(sent > 40);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_reply_orders_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command_keeps_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hangup_before_async_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_close_still_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_socket_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_answers_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_output_capped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
