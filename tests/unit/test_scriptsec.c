/* Script security on real files in a temporary directory: the unsafe
 * permission rules, symlinks (the links' directories and owners count),
 * executability for the target user, and the PATH search.  Cases that
 * need chown are skipped when not run as root (CI runs them as root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/scriptsec.h"

#define NOBODY 65534

struct fx {
	char dir[64];
	char p[512]; /* scratch path */
};

static bool root(void)
{
	return geteuid() == 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-sec-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	/* mkdtemp makes it 0700: open it so other users can search it. */
	chmod(f->dir, 0755);
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

/* f->dir + "/" + rel, in a rotating buffer so several can be live. */
static const char *P(struct fx *f, const char *rel)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ % 8];
	snprintf(b, 512, "%s/%s", f->dir, rel);
	return b;
}

static void mkfile(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\nexit 0\n", fp);
	fclose(fp);
	if (root())
		assert_int_equal(chown(path, uid, gid), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void mkdir_as(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	assert_int_equal(mkdir(path, 0700), 0);
	if (root())
		assert_int_equal(chown(path, uid, gid), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static struct scriptsec_result R;

static enum scriptsec_verdict check(const char *prog, uid_t uid)
{
	return scriptsec_check(prog, uid, uid, NULL, &R);
}

static void test_safe(void **state)
{
	struct fx *f = *state;
	mkfile(P(f, "safe.sh"), 0755, 0, 0);
	assert_int_equal(check(P(f, "safe.sh"), 0), SCRIPTSEC_OK);
	assert_true(R.needs_protection);
	assert_false(R.unsafe);
	assert_string_equal(R.path, P(f, "safe.sh"));
	assert_string_equal(R.real, P(f, "safe.sh"));
	assert_string_equal(scriptsec_verdict_name(R.verdict), "ok");

	/* Group-writable is fine when the group is root. */
	mkfile(P(f, "g0.sh"), 0775, 0, 0);
	assert_int_equal(check(P(f, "g0.sh"), 0), SCRIPTSEC_OK);

	/* "." and ".." are resolved. */
	mkdir_as(P(f, "bin"), 0755, 0, 0);
	assert_int_equal(check(P(f, "bin/../bin/./../safe.sh"), 0), SCRIPTSEC_OK);
	assert_string_equal(R.real, P(f, "safe.sh"));

	/* A world-writable directory with the sticky bit (like /tmp). */
	mkdir_as(P(f, "sticky"), 01777, 0, 0);
	mkfile(P(f, "sticky/s.sh"), 0755, 0, 0);
	assert_int_equal(check(P(f, "sticky/s.sh"), 0), SCRIPTSEC_OK);
}

static void expect_insecure(const char *prog, const char *culprit, const char *why)
{
	assert_int_equal(check(prog, 0), SCRIPTSEC_INSECURE);
	assert_true(R.unsafe);
	assert_string_equal(R.culprit, culprit);
	assert_non_null(strstr(R.msg, culprit));
	assert_non_null(strstr(R.msg, why));
}

static void test_insecure_file(void **state)
{
	struct fx *f = *state;
	if (!root())
		skip();
	mkfile(P(f, "gw.sh"), 0775, 0, NOBODY);
	expect_insecure(P(f, "gw.sh"), P(f, "gw.sh"), "group-writable by gid 65534");
	mkfile(P(f, "ww.sh"), 0757, 0, 0);
	expect_insecure(P(f, "ww.sh"), P(f, "ww.sh"), "world-writable");
	mkfile(P(f, "own.sh"), 0755, NOBODY, 0);
	expect_insecure(P(f, "own.sh"), P(f, "own.sh"), "owned by uid 65534");
	assert_string_equal(scriptsec_verdict_name(R.verdict), "insecure");
}

static void test_insecure_dir(void **state)
{
	struct fx *f = *state;
	if (!root())
		skip();
	/* World-writable without sticky: anyone can replace the script. */
	mkdir_as(P(f, "open"), 0777, 0, 0);
	mkfile(P(f, "open/s.sh"), 0755, 0, 0);
	expect_insecure(P(f, "open/s.sh"), P(f, "open"), "world-writable");
	/* A directory owned by a user, even 0755. */
	mkdir_as(P(f, "mine"), 0755, NOBODY, NOBODY);
	mkfile(P(f, "mine/s.sh"), 0755, 0, 0);
	expect_insecure(P(f, "mine/s.sh"), P(f, "mine"), "owned by uid 65534");
	/* The first unsafe component is named: the outer one. */
	mkdir_as(P(f, "open/deeper"), 0755, NOBODY, 0);
	mkfile(P(f, "open/deeper/s.sh"), 0755, 0, 0);
	expect_insecure(P(f, "open/deeper/s.sh"), P(f, "open"), "world-writable");
	/* Group-writable dir with a non-root group, even sticky-less 0775. */
	mkdir_as(P(f, "grp"), 0775, 0, NOBODY);
	mkfile(P(f, "grp/s.sh"), 0755, 0, 0);
	expect_insecure(P(f, "grp/s.sh"), P(f, "grp"), "group-writable");
}

static void test_symlinks(void **state)
{
	struct fx *f = *state;
	if (!root())
		skip();
	mkfile(P(f, "safe.sh"), 0755, 0, 0);
	/* A link to a safe file, relative target: fine. */
	mkdir_as(P(f, "bin"), 0755, 0, 0);
	assert_int_equal(symlink("../safe.sh", P(f, "bin/l")), 0);
	assert_int_equal(check(P(f, "bin/l"), 0), SCRIPTSEC_OK);
	assert_string_equal(R.real, P(f, "safe.sh"));
	assert_string_equal(R.path, P(f, "bin/l"));

	/* The same link in a directory anyone can write: the link can be
	 * swapped, so the directory is the culprit although the resolved
	 * path is all root's. */
	mkdir_as(P(f, "open"), 0777, 0, 0);
	assert_int_equal(symlink(P(f, "safe.sh"), P(f, "open/l")), 0);
	expect_insecure(P(f, "open/l"), P(f, "open"), "world-writable");

	/* A safe link to a file in an unsafe directory. */
	mkfile(P(f, "open/s.sh"), 0755, 0, 0);
	assert_int_equal(symlink(P(f, "open/s.sh"), P(f, "bin/l2")), 0);
	expect_insecure(P(f, "bin/l2"), P(f, "open"), "world-writable");

	/* A link owned by a user in a sticky directory: its owner may
	 * replace it. */
	mkdir_as(P(f, "sticky"), 01777, 0, 0);
	assert_int_equal(symlink(P(f, "safe.sh"), P(f, "sticky/l")), 0);
	assert_int_equal(lchown(P(f, "sticky/l"), NOBODY, NOBODY), 0);
	expect_insecure(P(f, "sticky/l"), P(f, "sticky/l"), "owned by uid 65534");

	/* A directory reached through a link. */
	assert_int_equal(symlink("bin", P(f, "bindir")), 0);
	assert_int_equal(check(P(f, "bindir/l"), 0), SCRIPTSEC_OK);
	assert_string_equal(R.real, P(f, "safe.sh"));

	/* A loop. */
	assert_int_equal(symlink("loop2", P(f, "loop1")), 0);
	assert_int_equal(symlink("loop1", P(f, "loop2")), 0);
	assert_int_equal(check(P(f, "loop1"), 0), SCRIPTSEC_NOT_FOUND);
	assert_non_null(strstr(R.msg, "loop"));
}

/* Unsafe components matter only when the script gets root privileges. */
static void test_protection_needed(void **state)
{
	struct fx *f = *state;
	if (!root())
		skip();
	mkdir_as(P(f, "open"), 0777, 0, 0);
	mkfile(P(f, "open/s.sh"), 0755, 0, 0);
	assert_int_equal(check(P(f, "open/s.sh"), NOBODY), SCRIPTSEC_OK);
	assert_false(R.needs_protection);
	assert_true(R.unsafe);
	assert_string_equal(R.culprit, P(f, "open"));
	assert_non_null(strstr(R.msg, "tolerated"));

	/* A set-user-ID root program runs as root whoever starts it. */
	mkfile(P(f, "open/suid"), 04755, 0, 0);
	assert_int_equal(check(P(f, "open/suid"), NOBODY), SCRIPTSEC_INSECURE);
	assert_true(R.needs_protection);
	mkfile(P(f, "open/sgid"), 02755, 0, 0);
	assert_int_equal(check(P(f, "open/sgid"), NOBODY), SCRIPTSEC_INSECURE);
	/* Set-user-ID to someone else is no root risk. */
	mkfile(P(f, "open/suidn"), 04755, NOBODY, NOBODY);
	assert_int_equal(check(P(f, "open/suidn"), NOBODY), SCRIPTSEC_OK);
}

static void test_not_found_and_types(void **state)
{
	struct fx *f = *state;
	mkfile(P(f, "safe.sh"), 0755, 0, 0);
	assert_int_equal(check(P(f, "missing"), 0), SCRIPTSEC_NOT_FOUND);
	assert_string_equal(R.culprit, P(f, "missing"));
	assert_non_null(strstr(R.msg, "does not exist"));
	assert_int_equal(check(P(f, "nodir/x"), 0), SCRIPTSEC_NOT_FOUND);
	assert_string_equal(R.culprit, P(f, "nodir"));
	assert_int_equal(check(P(f, "safe.sh/x"), 0), SCRIPTSEC_BAD_TYPE);
	assert_non_null(strstr(R.msg, "not a directory"));
	assert_int_equal(check(f->dir, 0), SCRIPTSEC_BAD_TYPE);
	assert_non_null(strstr(R.msg, "not a regular file"));
	assert_int_equal(check("", 0), SCRIPTSEC_NOT_FOUND);
	assert_int_equal(check(NULL, 0), SCRIPTSEC_NOT_FOUND);
}

static void test_executable_by_user(void **state)
{
	struct fx *f = *state;
	if (!root())
		skip();
	/* Root needs one execute bit. */
	mkfile(P(f, "noexec"), 0644, 0, 0);
	assert_int_equal(check(P(f, "noexec"), 0), SCRIPTSEC_NOT_EXECUTABLE);
	assert_non_null(strstr(R.msg, "not executable"));
	mkfile(P(f, "gx"), 0654, 0, 0);
	assert_int_equal(check(P(f, "gx"), 0), SCRIPTSEC_OK);
	/* Others: owner, group, other bits in that order. */
	mkfile(P(f, "rootonly"), 0750, 0, 0);
	assert_int_equal(check(P(f, "rootonly"), NOBODY), SCRIPTSEC_NOT_EXECUTABLE);
	mkfile(P(f, "other"), 0705, 0, 0);
	assert_int_equal(check(P(f, "other"), NOBODY), SCRIPTSEC_OK);
	mkfile(P(f, "grp"), 0750, 0, NOBODY);
	assert_int_equal(check(P(f, "grp"), NOBODY), SCRIPTSEC_OK);
	/* The owner class is exclusive: an owner without x cannot run it
	 * even though everyone else could. */
	mkfile(P(f, "ownernox"), 0655, NOBODY, 0);
	assert_int_equal(check(P(f, "ownernox"), NOBODY), SCRIPTSEC_NOT_EXECUTABLE);
	/* A directory the user cannot search. */
	mkdir_as(P(f, "closed"), 0700, 0, 0);
	mkfile(P(f, "closed/s.sh"), 0755, 0, 0);
	assert_int_equal(check(P(f, "closed/s.sh"), NOBODY), SCRIPTSEC_NOT_EXECUTABLE);
	assert_string_equal(R.culprit, P(f, "closed"));
	assert_non_null(strstr(R.msg, "cannot be searched"));
	assert_int_equal(check(P(f, "closed/s.sh"), 0), SCRIPTSEC_OK);
}

static void test_path_search(void **state)
{
	struct fx *f = *state;
	char sp[512];
	mkdir_as(P(f, "p1"), 0755, 0, 0);
	mkdir_as(P(f, "p2"), 0755, 0, 0);
	snprintf(sp, sizeof(sp), "%s:%s", P(f, "p1"), P(f, "p2"));
	mkfile(P(f, "p1/tool"), 0644, 0, 0);

	/* Found but not executable anywhere. */
	assert_int_equal(scriptsec_check("tool", 0, 0, sp, &R), SCRIPTSEC_NOT_EXECUTABLE);
	assert_string_equal(R.culprit, P(f, "p1/tool"));
	/* Not executable in p1: execvp goes on to p2. */
	mkfile(P(f, "p2/tool"), 0755, 0, 0);
	assert_int_equal(scriptsec_check("tool", 0, 0, sp, &R), SCRIPTSEC_OK);
	assert_string_equal(R.path, P(f, "p2/tool"));
	assert_int_equal(scriptsec_check("nosuchtool", 0, 0, sp, &R), SCRIPTSEC_NOT_FOUND);
	assert_non_null(strstr(R.msg, "not found in PATH"));

	/* The scripts' default PATH. */
	assert_int_equal(scriptsec_check("sh", 0, 0, NULL, &R), SCRIPTSEC_OK);
	assert_string_equal(R.path + strlen(R.path) - 3, "/sh");
	assert_int_equal(R.real[0], '/');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_safe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protection_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_executable_by_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_search, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
