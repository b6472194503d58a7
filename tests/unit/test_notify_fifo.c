/* Notify FIFO: the exact line formats keepalived readers expect, and a
 * writer that never blocks (no reader, full pipe), whose lines a reader
 * gets back whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/notify_fifo.h"

/* ---- formats -------------------------------------------------------------- */

static struct halo_addr A(const char *s)
{
	struct halo_addr a;
	assert_true(addr_parse(s, &a));
	return a;
}

static void test_fmt_vrrp(void **state)
{
	(void)state;
	char b[128];
	assert_int_equal(notify_fmt_instance(b, sizeof(b), "VI_1", NOTIFY_MASTER, 100), 27);
	assert_string_equal(b, "INSTANCE \"VI_1\" MASTER 100\n");
	notify_fmt_instance(b, sizeof(b), "web", NOTIFY_FAULT, 0);
	assert_string_equal(b, "INSTANCE \"web\" FAULT 0\n");
	notify_fmt_instance(b, sizeof(b), "VI_1", NOTIFY_MASTER_RX_LOWER_PRI, 254);
	assert_string_equal(b, "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 254\n");
	notify_fmt_instance(b, sizeof(b), "VI_1", NOTIFY_BACKUP_PRIORITY, 90);
	assert_string_equal(b, "INSTANCE \"VI_1\" BACKUP_PRIORITY 90\n");
	notify_fmt_instance(b, sizeof(b), "VI_1", NOTIFY_STOP, 100);
	assert_string_equal(b, "INSTANCE \"VI_1\" STOP 100\n");
	assert_int_equal(notify_fmt_group(b, sizeof(b), "VG_1", NOTIFY_BACKUP), 22);
	assert_string_equal(b, "GROUP \"VG_1\" BACKUP 0\n");

	assert_string_equal(notify_vrrp_state_name(NOTIFY_DELETED), "DELETED");
	assert_string_equal(notify_vrrp_state_name(NOTIFY_MASTER_PRIORITY), "MASTER_PRIORITY");

	/* Too small: an error and no partial line. */
	char s[10];
	assert_int_equal(notify_fmt_instance(s, sizeof(s), "VI_1", NOTIFY_MASTER, 100), -1);
	assert_string_equal(s, "");
}

static void test_fmt_lvs(void **state)
{
	(void)state;
	char b[256];
	struct notify_vs vs = { .kind = NOTIFY_VS_ADDR, .addr = A("10.0.0.1"), .port = 80,
				.protocol = IPPROTO_TCP };
	assert_int_equal(notify_fmt_vs(b, sizeof(b), &vs, true), 24);
	assert_string_equal(b, "VS [10.0.0.1]:tcp:80 UP\n");
	struct halo_addr rs = A("10.0.0.2");
	notify_fmt_rs(b, sizeof(b), &rs, 80, &vs, false);
	assert_string_equal(b, "RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n");

	struct notify_vs v6 = { .kind = NOTIFY_VS_ADDR, .addr = A("2001:db8::1"), .port = 53,
				.protocol = IPPROTO_UDP };
	notify_fmt_vs(b, sizeof(b), &v6, false);
	assert_string_equal(b, "VS [2001:db8::1]:udp:53 DOWN\n");
	struct halo_addr rs6 = A("2001:db8::a");
	notify_fmt_rs(b, sizeof(b), &rs6, 5353, &v6, true);
	assert_string_equal(b, "RS [2001:db8::a]:udp:5353 [2001:db8::1]:udp:53 UP\n");

	struct notify_vs sctp = { .kind = NOTIFY_VS_ADDR, .addr = A("192.0.2.1"), .port = 9,
				  .protocol = IPPROTO_SCTP };
	notify_fmt_vs(b, sizeof(b), &sctp, true);
	assert_string_equal(b, "VS [192.0.2.1]:sctp:9 UP\n");

	struct notify_vs fw = { .kind = NOTIFY_VS_FWMARK, .fwmark = 7, .protocol = IPPROTO_TCP };
	notify_fmt_vs(b, sizeof(b), &fw, true);
	assert_string_equal(b, "VS FWM 7 UP\n");
	struct halo_addr rs4 = A("10.1.1.1");
	notify_fmt_rs(b, sizeof(b), &rs4, 443, &fw, false);
	assert_string_equal(b, "RS [10.1.1.1]:tcp:443 FWM 7 DOWN\n");
	struct notify_vs fw0 = { .kind = NOTIFY_VS_FWMARK, .fwmark = 1 };
	notify_fmt_rs(b, sizeof(b), &rs4, 0, &fw0, true);
	assert_string_equal(b, "RS [10.1.1.1]:none:0 FWM 1 UP\n");

	struct notify_vs grp = { .kind = NOTIFY_VS_GROUP, .group = "VSG_1", .port = 0,
				 .protocol = IPPROTO_TCP };
	notify_fmt_vs(b, sizeof(b), &grp, false);
	assert_string_equal(b, "VS [VSG_1]:0 DOWN\n");
	notify_fmt_rs(b, sizeof(b), &rs4, 8080, &grp, true);
	assert_string_equal(b, "RS [10.1.1.1]:tcp:8080 [VSG_1]:0 UP\n");
}

/* ---- writer --------------------------------------------------------------- */

struct fx {
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-fifo-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/notify", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

struct reader {
	const char *path;
	char buf[65536];
	size_t n;
	size_t want;
};

/* Reads until `want` bytes arrived (bounded by 3 s). */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	int fd = open(r->path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	uint64_t end = clock_mono_us() + 3000000;
	while (r->n < r->want && clock_mono_us() < end) {
		ssize_t k = read(fd, r->buf + r->n, sizeof(r->buf) - 1 - r->n);
		if (k > 0)
			r->n += (size_t)k;
		else
			usleep(1000);
	}
	r->buf[r->n] = '\0';
	close(fd);
	return NULL;
}

static void test_lines_read_back(void **state)
{
	struct fx *f = *state;
	struct notify_fifo w;
	char err[256];
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_true(w.created);
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));

	char expect[4096] = "";
	char line[128];
	struct reader *r = calloc(1, sizeof(*r));
	r->path = f->path;
	for (int i = 0; i < 50; i++) {
		int n = notify_fmt_instance(line, sizeof(line), "VI_1",
					    i % 2 ? NOTIFY_MASTER : NOTIFY_BACKUP, i);
		strcat(expect, line);
		r->want += (size_t)n;
	}
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, reader_main, r), 0);
	for (int i = 0; i < 50; i++) {
		int n = notify_fmt_instance(line, sizeof(line), "VI_1",
					    i % 2 ? NOTIFY_MASTER : NOTIFY_BACKUP, i);
		assert_int_equal(notify_fifo_write(&w, line, (size_t)n), 0);
	}
	pthread_join(th, NULL);
	assert_string_equal(r->buf, expect);
	assert_int_equal(w.written, 50);
	assert_int_equal(w.dropped, 0);
	free(r);
	notify_fifo_close(&w, true);
	assert_int_equal(access(f->path, F_OK), -1); /* we created it: removed */
}

/* No reader at all: open and write return at once; a late reader gets
 * the lines written before it came. */
static void test_no_reader_does_not_block(void **state)
{
	struct fx *f = *state;
	struct notify_fifo w;
	char err[256];
	uint64_t t0 = clock_mono_us();
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	const char *l = "GROUP \"VG_1\" BACKUP 0\n";
	assert_int_equal(notify_fifo_write(&w, l, strlen(l)), 0);
	assert_true(clock_mono_us() - t0 < 500000);

	int rd = open(f->path, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	char buf[64] = "";
	assert_int_equal(read(rd, buf, sizeof(buf) - 1), (ssize_t)strlen(l));
	assert_string_equal(buf, l);
	/* The reader goes away: writing still neither blocks nor raises
	 * SIGPIPE (this process would die of it). */
	close(rd);
	assert_int_equal(notify_fifo_write(&w, l, strlen(l)), 0);
	notify_fifo_close(&w, false);
	assert_int_equal(access(f->path, F_OK), 0); /* kept: remove not asked */
}

static void test_full_pipe_drops_counted(void **state)
{
	struct fx *f = *state;
	struct notify_fifo w;
	char err[256];
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	char line[100];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	/* 64 KiB default capacity: 2,000 lines of 100 bytes cannot all fit. */
	uint64_t t0 = clock_mono_us();
	int ok = 0, dropped = 0;
	for (int i = 0; i < 2000; i++) {
		if (notify_fifo_write(&w, line, sizeof(line)) == 0) {
			ok++;
		} else {
			assert_int_equal(errno, EAGAIN);
			dropped++;
		}
	}
	assert_true(clock_mono_us() - t0 < 1000000);
	assert_true(dropped > 0);
	assert_true(ok > 0);
	assert_int_equal(w.written, (uint64_t)ok);
	assert_int_equal(w.dropped, (uint64_t)dropped);

	/* Whole lines only: what is in the pipe is a multiple of a line. */
	int rd = open(f->path, O_RDONLY | O_NONBLOCK);
	char buf[4096];
	size_t total = 0;
	ssize_t k;
	while ((k = read(rd, buf, sizeof(buf))) > 0)
		total += (size_t)k;
	close(rd);
	assert_int_equal(total, (size_t)ok * sizeof(line));

	/* Longer than PIPE_BUF: refused, it could be split. */
	static char big[PIPE_BUF + 2];
	memset(big, 'y', sizeof(big));
	assert_int_equal(notify_fifo_write(&w, big, sizeof(big)), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(w.dropped, (uint64_t)dropped + 1);
	notify_fifo_close(&w, true);

	/* Closed writer: counted as a drop, no crash. */
	assert_int_equal(notify_fifo_write(&w, line, sizeof(line)), -1);
	assert_int_equal(errno, EBADF);
}

static void test_open_existing_and_refusals(void **state)
{
	struct fx *f = *state;
	struct notify_fifo w;
	char err[256];

	/* An existing FIFO is reused and not ours to remove. */
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_false(w.created);
	notify_fifo_close(&w, true);
	assert_int_equal(access(f->path, F_OK), 0);
	unlink(f->path);

	/* A regular file is refused and left alone. */
	FILE *fp = fopen(f->path, "w");
	fclose(fp);
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a FIFO"));
	assert_int_equal(w.fd, -1);
	notify_fifo_close(&w, true);
	assert_int_equal(access(f->path, F_OK), 0);
	unlink(f->path);

	/* A symlink to a FIFO is refused. */
	char target[128];
	snprintf(target, sizeof(target), "%s/real", f->dir);
	assert_int_equal(mkfifo(target, 0600), 0);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(notify_fifo_open(&w, f->path, (uid_t)-1, (gid_t)-1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	unlink(f->path);

	/* A missing directory: an error naming the path. */
	char bad[160];
	snprintf(bad, sizeof(bad), "%s/nodir/fifo", f->dir);
	assert_int_equal(notify_fifo_open(&w, bad, (uid_t)-1, (gid_t)-1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, bad));

	/* Created with keepalived's mode (before umask) and the owner asked. */
	mode_t old = umask(022);
	if (geteuid() == 0) {
		assert_int_equal(notify_fifo_open(&w, f->path, 65534, 65534, err, sizeof(err)), 0);
		struct stat st;
		assert_int_equal(stat(f->path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0644);
		assert_int_equal(st.st_uid, 65534);
		assert_int_equal(st.st_gid, 65534);
		notify_fifo_close(&w, true);
	}
	umask(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_vrrp),
		cmocka_unit_test(test_fmt_lvs),
		cmocka_unit_test_setup_teardown(test_lines_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_reader_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_pipe_drops_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_existing_and_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
