/* The configuration reader: lexing, statement tree, includes, conditional
 * lines, parameters, ~SEQ / ~LST, diagnostics and robustness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "conf/reader.h"

/* ---- fixture and helpers --------------------------------------------- */

struct fx {
	struct arena a;
	struct diag_list d;
	struct cf_read_opts o;
	char dir[64];   /* a mkdtemp() directory for include tests */
	char out[1 << 20];
	struct cf_node *root;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	arena_init(&f->a);
	diag_init(&f->d);
	f->o.config_id = "main";
	f->o.random_seed = 42;
	strcpy(f->dir, "/tmp/halo-reader-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	chmod(p, 0700);
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	diag_clear(&f->d);
	arena_free(&f->a);
	free(f);
	return 0;
}

static struct cf_node *rd(struct fx *f, const char *text)
{
	f->root = cf_read_string(&f->a, "t.conf", text, &f->o, &f->d);
	return f->root;
}

/* Writes `content` to dir/rel (one level of sub-directory allowed) and
 * returns the full path in a static buffer. */
static const char *wfile(struct fx *f, const char *rel, const char *content)
{
	static char path[256];
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/%s", f->dir, rel);
	char *slash = strrchr(sub, '/');
	*slash = '\0';
	mkdir(sub, 0700);
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
	return path;
}

static struct cf_node *rd_file(struct fx *f, const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	f->root = cf_read_file(&f->a, path, &f->o, &f->d);
	return f->root;
}

/* The tree as text: statements separated by "; ", quoted words in "",
 * blocks as " { ... }".  `*pos` is the length written so far. */
static void put(char *out, size_t len, size_t *pos, const char *s)
{
	/* snprintf bounds both the read and the write (GCC at -O3 sees a
	 * possible over-read in a strlen + memcpy version). */
	int n = snprintf(out + *pos, len - *pos, "%s", s);
	size_t room = len - *pos - 1;
	*pos += n < 0 ? 0 : ((size_t)n > room ? room : (size_t)n);
}

static void dump_at(const struct cf_node *n, char *out, size_t len, size_t *pos)
{
	for (; n; n = n->next) {
		for (int i = 0; i < n->argc; i++) {
			bool q = i < 64 && (n->quoted >> i) & 1;
			put(out, len, pos, i ? " " : "");
			put(out, len, pos, q ? "\"" : "");
			put(out, len, pos, n->argv[i]);
			put(out, len, pos, q ? "\"" : "");
		}
		assert_true(n->argc > 0);
		assert_null(n->argv[n->argc]);
		assert_non_null(n->loc.file);
		assert_true(n->loc.line > 0);
		if (n->block) {
			put(out, len, pos, " {");
			if (n->child) {
				put(out, len, pos, " ");
				dump_at(n->child, out, len, pos);
			}
			put(out, len, pos, " }");
		} else {
			assert_null(n->child);
		}
		if (n->next)
			put(out, len, pos, "; ");
	}
}

static void dump_list(const struct cf_node *n, char *out, size_t len)
{
	size_t pos = strlen(out);
	dump_at(n, out, len, &pos);
}

static const char *dump(struct fx *f)
{
	f->out[0] = '\0';
	dump_list(f->root, f->out, sizeof(f->out));
	return f->out;
}

/* Every statement's line in tree order, "file:" prefixed when `files`. */
static void locs_list(const struct cf_node *n, char *out, size_t len,
		      const char *strip)
{
	for (; n; n = n->next) {
		const char *file = n->loc.file;
		if (strip && !strncmp(file, strip, strlen(strip)))
			file += strlen(strip) + 1;
		snprintf(out + strlen(out), len - strlen(out), "%s%s:%d",
			 *out ? " " : "", file, n->loc.line);
		locs_list(n->child, out, len, strip);
	}
}

static const char *locs(struct fx *f)
{
	f->out[0] = '\0';
	locs_list(f->root, f->out, sizeof(f->out), f->dir);
	return f->out;
}

/* Diagnostic i as "LINE: error|warning|fatal: message", the file left out
 * (or shown relative to the fixture directory with `with_file`). */
static const char *dg(struct fx *f, size_t i, bool with_file)
{
	assert_true(i < f->d.n);
	const struct diag *g = &f->d.v[i];
	const char *sev = g->sev == DIAG_WARNING ? "warning"
			  : g->sev == DIAG_ERROR ? "error" : "fatal";
	const char *file = g->loc.file ? g->loc.file : "?";
	if (!strncmp(file, f->dir, strlen(f->dir)))
		file += strlen(f->dir) + 1;
	if (with_file)
		snprintf(f->out, sizeof(f->out), "%s:%d: %s: %s", file,
			 g->loc.line, sev, g->msg);
	else
		snprintf(f->out, sizeof(f->out), "%d: %s: %s", g->loc.line, sev,
			 g->msg);
	return f->out;
}

/* ---- 1. comments -------------------------------------------------------- */

static void test_comments(void **state)
{
	struct fx *f = *state;
	rd(f, "# whole line\n"
	      "! bang line\n"
	      "a b # trailing\n"
	      "c d! glued\n"
	      "e#f\n"
	      "g \"h # i\" 'j ! k'\n"
	      "   # indented comment\n");
	assert_string_equal(dump(f), "a b; c d; e; g \"h # i\" \"j ! k\"");
	assert_string_equal(locs(f), "t.conf:3 t.conf:4 t.conf:5 t.conf:6");
	assert_int_equal(f->d.n, 0);
}

/* ---- 2. words, quotes, escapes ---------------------------------------- */

static void test_words_and_quotes(void **state)
{
	struct fx *f = *state;
	struct cf_node *n = rd(f, "w abcd\" efg h \"mnop\n"
				  "w abcd \"efg h jkl\" mnop\n"
				  "w 'single quoted' \"it's\" 'say \"hi\"'\n"
				  "w \"\" ''\n"
				  "w \t  spaced\t\tout  \r\n");
	assert_string_equal(dump(f),
			    "w \"abcd efg h mnop\"; "
			    "w abcd \"efg h jkl\" mnop; "
			    "w \"single quoted\" \"it's\" \"say \"hi\"\"; "
			    "w \"\" \"\"; "
			    "w spaced out");
	assert_int_equal(n->argc, 2);
	assert_int_equal(n->quoted, 2);
	assert_int_equal(n->next->quoted, 4);
	assert_int_equal(n->next->next->next->argc, 3);
	assert_string_equal(n->next->next->next->argv[1], "");
	assert_int_equal(f->d.n, 0);
}

static void test_quoted_bits_beyond_64_words(void **state)
{
	struct fx *f = *state;
	char text[1024] = "kw";
	for (int i = 1; i < 70; i++)
		strcat(text, i == 3 || i == 66 ? " \"q\"" : " w");
	struct cf_node *n = rd(f, text);
	assert_int_equal(n->argc, 70);
	assert_int_equal(n->quoted, 1ull << 3);
	assert_string_equal(n->argv[66], "q");
}

static void test_escapes(void **state)
{
	struct fx *f = *state;
	struct cf_node *n = rd(f,
		"e \"\\a\\b\\E\\f\\n\\r\\t\\v\" \"\\101\\x41\\x4g\\cA\\c?\"\n"
		"e \"\\\\ \\\" \\z \\' \\1011 \\x414\" 'in \\'single\\' \\x42'\n"
		"e \"nul\\0dropped\" \"\\x\" \"end\\\n"
		"e out\\x41side\\n \"#\\\"#\"\n");
	assert_string_equal(n->argv[1], "\a\b\033\f\n\r\t\v");
	assert_string_equal(n->argv[2], "AA\004g\001\177");
	n = n->next;
	assert_string_equal(n->argv[1], "\\ \" z ' A1 A4");
	assert_string_equal(n->argv[2], "in 'single' B");
	n = n->next;
	assert_string_equal(n->argv[1], "nuldropped");
	assert_string_equal(n->argv[2], "x");
	/* A backslash ending an unterminated string is kept. */
	assert_string_equal(n->argv[3], "end\\");
	n = n->next;
	assert_string_equal(n->argv[1], "out\\x41side\\n");
	assert_string_equal(n->argv[2], "#\"#");
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false),
			    "3: error: unterminated quoted string (missing closing \")");
}

static void test_unterminated_quote(void **state)
{
	struct fx *f = *state;
	rd(f, "a \"b c { } # d\n"
	      "router_id Bob's # comment\n"
	      "x 'a b' it's\n"
	      "y \"it's\" 'q\\' z\n"
	      "last\n");
	/* A lone `'` is an apostrophe; `\'` inside quotes does not count as
	 * the closing one, so the string runs to the end of the line. */
	assert_string_equal(dump(f), "a \"b c { } # d\"; router_id Bob's;"
				     " x \"a b\" it's; y \"it's\" \"q' z\"; last");
	assert_int_equal(f->d.n, 2);
	assert_string_equal(dg(f, 0, false),
			    "1: error: unterminated quoted string (missing closing \")");
	assert_string_equal(dg(f, 1, false),
			    "4: error: unterminated quoted string (missing closing ')");
}

/* ---- 3. braces and blocks ------------------------------------------- */

static void test_blocks(void **state)
{
	struct fx *f = *state;
	rd(f, "vrrp_instance VI_1 {\n"
	      "  state MASTER\n"
	      "  virtual_ipaddress {\n"
	      "    10.0.0.1/24 dev eth0\n"
	      "  }\n"
	      "  track{\n"
	      "  }\n"
	      "}\n"
	      "glued{inner}after\n"
	      "\"quoted{brace}\" x\n");
	assert_string_equal(dump(f),
			    "vrrp_instance VI_1 { state MASTER; virtual_ipaddress"
			    " { 10.0.0.1/24 dev eth0 }; track { } }; glued { inner };"
			    " after; \"quoted{brace}\" x");
	assert_string_equal(locs(f), "t.conf:1 t.conf:2 t.conf:3 t.conf:4 t.conf:6"
				     " t.conf:9 t.conf:9 t.conf:9 t.conf:10");
	assert_true(f->root->next->next->block == false);
	assert_int_equal(f->d.n, 0);
}

static void test_one_line_blocks(void **state)
{
	struct fx *f = *state;
	struct cf_node *n = rd(f,
		"virtual_ipaddress { 10.0.0.1 10.0.0.2 }\n"
		"authentication { auth_type PASS auth_pass x }\n"
		"a { b { c } d } e\n"
		"empty {}\n");
	assert_string_equal(dump(f),
			    "virtual_ipaddress { 10.0.0.1 10.0.0.2 }; "
			    "authentication { auth_type PASS auth_pass x }; "
			    "a { b { c }; d }; e; empty { }");
	assert_int_equal(n->child->argc, 2);
	assert_null(n->child->next);
	assert_int_equal(n->next->child->argc, 4);
	assert_int_equal(f->d.n, 0);
}

static void test_allman(void **state)
{
	struct fx *f = *state;
	rd(f, "vrrp_instance VI_1\n"
	      "{\n"
	      "  virtual_ipaddress\n"
	      "  # a comment between\n"
	      "\n"
	      "  { 10.0.0.1 }\n"
	      "  priority 100\n"
	      "}\n"
	      "after\n");
	assert_string_equal(dump(f),
			    "vrrp_instance VI_1 { virtual_ipaddress { 10.0.0.1 };"
			    " priority 100 }; after");
	assert_string_equal(locs(f), "t.conf:1 t.conf:3 t.conf:6 t.conf:7 t.conf:9");
	assert_int_equal(f->d.n, 0);
}

static void test_brace_errors(void **state)
{
	struct fx *f = *state;
	rd(f, "a {\n"
	      "}\n"
	      "} stray\n"
	      "b { } {\n"
	      "  lost\n"
	      "}\n"
	      "c\n");
	assert_string_equal(dump(f), "a { }; stray; b { }; c");
	assert_int_equal(f->d.n, 2);
	assert_string_equal(dg(f, 0, true),
			    "t.conf:3: error: unexpected '}': no block is open");
	assert_string_equal(dg(f, 1, true),
			    "t.conf:4: error: '{' without a keyword before it; block ignored");
	assert_false(f->d.fatal);
}

static void test_unclosed_block_is_fatal(void **state)
{
	struct fx *f = *state;
	rd(f, "global_defs {\n"
	      "}\n"
	      "vrrp_instance A {\n"
	      "  virtual_ipaddress {\n"
	      "    10.0.0.1\n"
	      "}\n"
	      "vrrp_instance B {\n"
	      "}\n");
	/* B was swallowed by A: the reason the error is fatal. */
	assert_string_equal(dump(f), "global_defs { }; vrrp_instance A {"
				     " virtual_ipaddress { 10.0.0.1 }; vrrp_instance B { } }");
	assert_int_equal(f->d.n, 1);
	assert_true(f->d.fatal);
	assert_string_equal(dg(f, 0, true), "t.conf:3: fatal: 'vrrp_instance' block"
					     " opened here is not closed (missing '}')");
}

/* ---- 4. include ----------------------------------------------------- */

static void test_include_basic(void **state)
{
	struct fx *f = *state;
	/* Includes are textual, as in keepalived: a block opened in one
	 * file may be closed in another. */
	wfile(f, "sub/a.conf", "a1\na3 {\ninclude b.conf\n");
	wfile(f, "sub/b.conf", "b1\n\nb3 }\n");
	wfile(f, "sub/c1.conf", "c1\n");
	wfile(f, "sub/c0.conf", "c0\n");
	wfile(f, "main.conf", "top {\n"
			      "  include sub/a.conf\n"
			      "}\n"
			      "include sub/c*.conf # sorted\n"
			      "  includer \"sub/{c1,b}.conf\"\n"
			      "include sub/nothing*.conf\n"
			      "include sub/missing.conf\n"
			      "last\n");
	rd_file(f, "main.conf");
	assert_string_equal(dump(f), "top { a1; a3 { b1; b3 } }; c0; c1; c1; b1; b3; last");
	assert_string_equal(locs(f), "main.conf:1 sub/a.conf:1 sub/a.conf:2"
				     " sub/b.conf:1 sub/b.conf:3 sub/c0.conf:1"
				     " sub/c1.conf:1 sub/c1.conf:1 sub/b.conf:1"
				     " sub/b.conf:3 main.conf:8");
	/* The second time b.conf is read its `}` has no block to close. */
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, true),
			    "sub/b.conf:3: error: unexpected '}': no block is open");
}

static void test_include_all_config(void **state)
{
	struct fx *f = *state;
	wfile(f, "a.conf", "a\n");
	wfile(f, "main.conf", "include nothing*.conf\n"
			      "include missing.conf\n"
			      "include {a,zz}.conf\n");
	f->o.all_config = true;
	rd_file(f, "main.conf");
	assert_string_equal(dump(f), "a");
	assert_int_equal(f->d.n, 3);
	assert_string_equal(dg(f, 0, true),
			    "main.conf:1: error: include 'nothing*.conf': no file matches");
	assert_string_equal(dg(f, 1, true),
			    "main.conf:2: error: include 'missing.conf': no file matches");
	assert_string_equal(dg(f, 2, true), "main.conf:3: error: include"
					    " '{a,zz}.conf': no file matches 'zz.conf'");
}

static void test_include_variants(void **state)
{
	struct fx *f = *state;
	wfile(f, "a.conf", "a\n");
	wfile(f, "main.conf", "includem none*.conf\n"
			      "includem none.conf\n"
			      "includew none*.conf\n"
			      "includeb {a,none}.conf\n"
			      "includea none*.conf\n"
			      "include {a,none}.conf\n"
			      "includer none.conf\n"
			      "includex a.conf\n"
			      "include\n"
			      "include a.conf b.conf\n"
			      "\"include\" a.conf\n");
	rd_file(f, "main.conf");
	assert_string_equal(dump(f), "a; a; includex a.conf; \"include\" a.conf");
	assert_int_equal(f->d.n, 6);
	assert_string_equal(dg(f, 0, false), "2: error: includem 'none.conf': no file matches");
	assert_string_equal(dg(f, 1, false), "3: error: includew 'none*.conf': no file matches");
	assert_string_equal(dg(f, 2, false),
			    "4: error: includeb '{a,none}.conf': no file matches 'none.conf'");
	assert_string_equal(dg(f, 3, false), "5: error: includea 'none*.conf': no file matches");
	assert_string_equal(dg(f, 4, false), "9: error: include: missing file pattern");
	assert_string_equal(dg(f, 5, false), "10: error: include: expected one file pattern,"
					     " got 2 words (quote a pattern that contains spaces)");
}

static void test_include_in_block_and_expansion(void **state)
{
	struct fx *f = *state;
	wfile(f, "vips.conf", "10.0.0.1\n10.0.0.2\n");
	wfile(f, "d/e.conf", "from_e ${_PWD}\n");
	char long_pattern[5000];
	memset(long_pattern, 'x', sizeof(long_pattern) - 1);
	long_pattern[sizeof(long_pattern) - 1] = '\0';
	char text[6000];
	snprintf(text, sizeof(text),
		 "virtual_ipaddress { include vips.conf }\n"
		 "$INC=include d/e.conf\n"
		 "@main $INC\n"
		 "include %s\n", long_pattern);
	wfile(f, "main.conf", text);
	rd_file(f, "main.conf");
	char *real = realpath(f->dir, NULL);
	char want[512];
	snprintf(want, sizeof(want), "virtual_ipaddress { 10.0.0.1; 10.0.0.2 }; from_e %s/d",
		 real);
	free(real);
	assert_string_equal(dump(f), want);
	assert_string_equal(locs(f), "main.conf:1 vips.conf:1 vips.conf:2 d/e.conf:1");
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, true),
			    "main.conf:4: error: include: pattern longer than 4096 characters");
}

static void test_include_unreadable(void **state)
{
	struct fx *f = *state;
	wfile(f, "d/x.conf", "x\n");
	wfile(f, "main.conf", "include d\nafter\n");
	rd_file(f, "main.conf");
	assert_string_equal(dump(f), "after");
	assert_int_equal(f->d.n, 1);
	char want[256];
	snprintf(want, sizeof(want),
		 "1: error: cannot read included file '%s/d': is a directory", f->dir);
	assert_string_equal(dg(f, 0, false), want);
}

static void test_include_loop(void **state)
{
	struct fx *f = *state;
	wfile(f, "self.conf", "s1\ninclude self.conf\ns3\n");
	wfile(f, "a.conf", "a1\ninclude b.conf\n");
	wfile(f, "b.conf", "b1\ninclude ./a.conf\nb3\n");
	wfile(f, "main.conf", "include self.conf\ninclude a.conf\n");
	rd_file(f, "main.conf");
	assert_string_equal(dump(f), "s1; s3; a1; b1; b3");
	assert_int_equal(f->d.n, 2);
	char want[256];
	snprintf(want, sizeof(want), "self.conf:2: error: include loop: '%s/self.conf'"
				     " is already being read", f->dir);
	assert_string_equal(dg(f, 0, true), want);
	snprintf(want, sizeof(want), "b.conf:2: error: include loop: '%s/./a.conf'"
				     " is already being read", f->dir);
	assert_string_equal(dg(f, 1, true), want);
}

static void test_include_depth_limit(void **state)
{
	struct fx *f = *state;
	char name[32], body[64];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "n%02d.conf", i);
		snprintf(body, sizeof(body), "l%d\ninclude n%02d.conf\n", i, i + 1);
		wfile(f, name, body);
	}
	rd_file(f, "n00.conf");
	char *out = strdup(dump(f));
	/* The main file and 32 nested ones are read. */
	assert_string_equal(out + strlen(out) - 8, "l31; l32");
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, true),
			    "n32.conf:2: error: includes nested more than 32 deep;"
			    " 'n33.conf' not read");
	free(out);
}

static void test_include_from_string_uses_cwd(void **state)
{
	struct fx *f = *state;
	wfile(f, "inc.conf", "from_inc\n");
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	rd(f, "include inc.conf\nx ${_PWD}\n");
	assert_int_equal(chdir(cwd), 0);
	char want[256];
	char *real = realpath(f->dir, NULL);
	snprintf(want, sizeof(want), "from_inc; x %s", real);
	free(real);
	assert_string_equal(dump(f), want);
	assert_string_equal(f->root->loc.file, "inc.conf");
}

/* ---- 5. main file --------------------------------------------------- */

static void test_main_file_missing(void **state)
{
	struct fx *f = *state;
	assert_null(rd_file(f, "nope.conf"));
	assert_int_equal(f->d.n, 1);
	assert_true(f->d.fatal);
	assert_string_equal(dg(f, 0, true),
			    "nope.conf:0: fatal: cannot open configuration file:"
			    " No such file or directory");
	diag_clear(&f->d);
	assert_null(rd_file(f, ""));
	assert_string_equal(dg(f, 0, false),
			    "0: fatal: cannot read configuration file: Is a directory");
}

/* ---- 6. conditional lines ---------------------------------------------- */

static void test_conditionals(void **state)
{
	struct fx *f = *state;
	const char *text = "@main a\n"
			   "@backup b\n"
			   "  @^main c\n"
			   "@^backup d\n"
			   "@main\n"
			   "@mainx e\n"
			   "@main $P=1\n"
			   "@backup $P=2\n"
			   "p $P\n"
			   "@backup blk {\n"
			   "  inner\n"
			   "}\n";
	rd(f, text);
	assert_string_equal(dump(f), "a; d; p 1; inner");
	assert_string_equal(locs(f), "t.conf:1 t.conf:4 t.conf:9 t.conf:11");
	/* The condition applies to the line's text: the block's `}` stays. */
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false), "12: error: unexpected '}': no block is open");

	diag_clear(&f->d);
	f->o.config_id = "backup";
	rd(f, text);
	assert_string_equal(dump(f), "b; c; p 2; blk { inner }");
	assert_int_equal(f->d.n, 0);
}

static void test_conditional_default_hostname(void **state)
{
	struct fx *f = *state;
	struct utsname u;
	assert_int_equal(uname(&u), 0);
	u.nodename[strcspn(u.nodename, ".")] = '\0';
	char text[600];
	snprintf(text, sizeof(text), "@%s yes\n@^%s no\nid ${_INSTANCE}\n",
		 u.nodename, u.nodename);
	f->o.config_id = NULL;
	rd(f, text);
	char want[600];
	snprintf(want, sizeof(want), "yes; id %s", u.nodename);
	assert_string_equal(dump(f), want);
}

/* ---- 7. parameters ------------------------------------------------------ */

static void test_parameters(void **state)
{
	struct fx *f = *state;
	rd(f, "$NAME=eth0\n"
	      "  $SP=  a  b   # comment\n"
	      "$EMPTY=\n"
	      "$Q=\"x # y\" z\n"
	      "i $NAME\n"
	      "j ${NAME}.10 [${SP}] [${EMPTY}]\n"
	      "k $Q\n"
	      "l $NAME.10\n"
	      "$NAME=eth1\n"
	      "m $NAME \"run ${NAME} $NAME now\"\n"
	      "$X =5\n");
	assert_string_equal(dump(f), "i eth0; j eth0.10 [a b] []; k \"x # y\" z;"
				     " l $NAME.10; m eth1 \"run eth1 eth1 now\"; $X =5");
	assert_string_equal(locs(f), "t.conf:5 t.conf:6 t.conf:7 t.conf:8 t.conf:10 t.conf:11");
	assert_int_equal(f->d.n, 2);
	assert_string_equal(dg(f, 0, false), "8: warning: '$NAME' is not followed by white"
					     " space and is not expanded; write ${NAME}");
	assert_string_equal(dg(f, 1, false),
			    "11: warning: parameter 'X' is not defined; left unexpanded");
}

static void test_parameters_undefined(void **state)
{
	struct fx *f = *state;
	rd(f, "a $UNDEF ${UNDEF}\n"
	      "b ${OTHER}x\n"
	      "c \"sh -c 'echo $HOME ${HOME}'\" $1 ${bad name} $\n");
	assert_string_equal(dump(f), "a $UNDEF ${UNDEF}; b ${OTHER}x;"
				     " c \"sh -c 'echo $HOME ${HOME}'\" $1 ${bad name} $");
	/* Once per name; not inside quotes, where `$` is usually a shell's. */
	assert_int_equal(f->d.n, 2);
	assert_string_equal(dg(f, 0, false),
			    "1: warning: parameter 'UNDEF' is not defined; left unexpanded");
	assert_string_equal(dg(f, 1, false),
			    "2: warning: parameter 'OTHER' is not defined; left unexpanded");
}

static void test_parameters_recursive_at_use_time(void **state)
{
	struct fx *f = *state;
	/* The man page's example. */
	rd(f, "$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n"
	      "$ADDRESS_BASE_SUB=0\n"
	      "${ADDRESS_BASE}.100/32\n"
	      "$ADDRESS_BASE_SUB=10\n"
	      "${ADDRESS_BASE}.100/32\n"
	      "$IF_MAIN=@main\n"
	      "$IF_BACKUP=@backup\n"
	      "$IF_MAIN priority 240\n"
	      "$IF_BACKUP priority 200\n");
	assert_string_equal(dump(f), "10.2.0.100/32; 10.2.10.100/32; priority 240");
	assert_string_equal(locs(f), "t.conf:3 t.conf:5 t.conf:8");
	assert_int_equal(f->d.n, 0);
}

static void test_parameters_multiline(void **state)
{
	struct fx *f = *state;
	rd(f, "$INSTANCE= \\\n"
	      "vrrp_instance VI_${NUM} { \\\n"
	      "    interface eth0.${NUM} \\\n"
	      "    @high priority 130 \\\n"
	      "    @main priority 120 \\\n"
	      "    virtual_ipaddress { \\\n"
	      "\n"
	      "        # a comment line does not end the definition\n"
	      "        10.0.${NUM}.254/24 \\ # nor does a comment after the backslash\n"
	      "    } \\\n"
	      "}\n"
	      "$NUM=0\n"
	      "$INSTANCE\n"
	      "$NUM=1\n"
	      "$INSTANCE\n"
	      "$TWO=first \\\n"
	      "second\n"
	      "x $TWO y\n"
	      "$ENDS=a # a comment hides the backslash \\\n"
	      "not_in_ends\n");
	assert_string_equal(dump(f),
			    "vrrp_instance VI_0 { interface eth0.0; priority 120;"
			    " virtual_ipaddress { 10.0.0.254/24 } }; "
			    "vrrp_instance VI_1 { interface eth0.1; priority 120;"
			    " virtual_ipaddress { 10.0.1.254/24 } }; "
			    "x first; second y; not_in_ends");
	/* Every statement from an expansion is at the expanding line. */
	assert_string_equal(locs(f), "t.conf:13 t.conf:13 t.conf:13 t.conf:13 t.conf:13"
				     " t.conf:15 t.conf:15 t.conf:15 t.conf:15 t.conf:15"
				     " t.conf:18 t.conf:18 t.conf:20");
	assert_int_equal(f->d.n, 0);
}

static void test_parameters_nested_multiline(void **state)
{
	struct fx *f = *state;
	/* The man page's nested example, shortened. */
	rd(f, "$RS= \\\n"
	      "real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n"
	      "    weight 1 \\\n"
	      "}\n"
	      "$VS= \\\n"
	      "virtual_server 10.0.${VS_NUM}.4 80 { \\\n"
	      "    $RS_NUM=1 \\\n"
	      "    $RS \\\n"
	      "    $RS_NUM=2 \\\n"
	      "    $RS \\\n"
	      "}\n"
	      "$VS_NUM=0\n"
	      "$VS\n"
	      "$VS_NUM=1\n"
	      "$VS\n");
	assert_string_equal(dump(f),
			    "virtual_server 10.0.0.4 80 { real_server 192.168.0.1 80"
			    " { weight 1 }; real_server 192.168.0.2 80 { weight 1 } }; "
			    "virtual_server 10.0.1.4 80 { real_server 192.168.1.1 80"
			    " { weight 1 }; real_server 192.168.1.2 80 { weight 1 } }");
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->root->next->child->loc.line, 15);
}

static void test_parameter_errors_in_expanded_text(void **state)
{
	struct fx *f = *state;
	rd(f, "$BAD=\"open\n"
	      "\n"
	      "x $BAD\n"
	      "$BR=}\n"
	      "y $BR\n");
	assert_string_equal(dump(f), "x \"open\"; y");
	assert_int_equal(f->d.n, 2);
	assert_string_equal(dg(f, 0, false),
			    "3: error: unterminated quoted string (missing closing \")");
	assert_string_equal(dg(f, 1, false), "5: error: unexpected '}': no block is open");
}

static void test_builtins(void **state)
{
	struct fx *f = *state;
	setenv("HALO_TEST_ENV", "v a#l", 1);
	unsetenv("HALO_TEST_UNSET");
	wfile(f, "d/p.conf", "pwd ${_PWD} $_PWD\n"
			     "inst ${_INSTANCE}\n"
			     "h x${_HASH}y${_BANG}z \"${_HASH}\"\n"
			     "env ${_ENV HALO_TEST_ENV} [${_ENV HALO_TEST_UNSET}]\n"
			     "r ${_RANDOM 5 5} ${_RANDOM} ${_RANDOM 7 9} $_RANDOM\n"
			     "bad ${_RANDOM 9 1} ${_RANDOM x}\n"
			     "$_PWD=no\n");
	rd_file(f, "d/p.conf");
	char *real = realpath(f->dir, NULL);
	char want[512];
	snprintf(want, sizeof(want), "pwd %s/d %s/d", real, real);
	free(real);
	struct cf_node *n = f->root;
	assert_string_equal(n->argv[0], "pwd");
	assert_int_equal(n->argc, 3);
	f->out[0] = '\0';
	snprintf(f->out, sizeof(f->out), "%s %s %s", n->argv[0], n->argv[1], n->argv[2]);
	assert_string_equal(f->out, want);
	n = n->next;
	assert_string_equal(n->argv[1], "main");
	n = n->next;
	assert_string_equal(n->argv[1], "x#y!z");
	assert_string_equal(n->argv[2], "#");
	n = n->next;
	/* Environment values are data: spaces and '#' stay in the word. */
	assert_int_equal(n->argc, 3);
	assert_string_equal(n->argv[1], "v a#l");
	assert_string_equal(n->argv[2], "[]");
	n = n->next;
	assert_int_equal(n->argc, 5);
	assert_string_equal(n->argv[1], "5");
	int r = atoi(n->argv[2]);
	assert_true(r >= 0 && r <= 32767);
	r = atoi(n->argv[3]);
	assert_true(r >= 7 && r <= 9);
	n = n->next;
	assert_string_equal(n->argv[1], "${_RANDOM 9 1}");
	assert_int_equal(f->d.n, 4);
	assert_string_equal(dg(f, 0, false), "4: warning: environment variable"
					     " 'HALO_TEST_UNSET' is not set; ${_ENV HALO_TEST_UNSET} is empty");
	assert_string_equal(dg(f, 1, false), "6: error: invalid ${_RANDOM 9 1}: expected"
					     " ${_RANDOM [MIN [MAX]]} with 0 <= MIN <= MAX");
	assert_string_equal(dg(f, 2, false), "6: error: invalid ${_RANDOM x}: expected"
					     " ${_RANDOM [MIN [MAX]]} with 0 <= MIN <= MAX");
	assert_string_equal(dg(f, 3, false),
			    "7: warning: '_PWD' is a built-in parameter and cannot be redefined");
}

static void test_random_is_seeded(void **state)
{
	struct fx *f = *state;
	rd(f, "r ${_RANDOM 0 1000000} ${_RANDOM 0 1000000}\n");
	char first[64];
	snprintf(first, sizeof(first), "%s %s", f->root->argv[1], f->root->argv[2]);
	assert_string_not_equal(f->root->argv[1], f->root->argv[2]);
	rd(f, "r ${_RANDOM 0 1000000} ${_RANDOM 0 1000000}\n");
	char second[64];
	snprintf(second, sizeof(second), "%s %s", f->root->argv[1], f->root->argv[2]);
	assert_string_equal(first, second);
}

static void test_recursive_definition_is_an_error(void **state)
{
	struct fx *f = *state;
	rd(f, "$A=x $A\n"
	      "a $A\n"
	      "after\n");
	assert_string_equal(dump(f), "after");
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false), "2: fatal: parameter expansion nested more"
					     " than 64 levels deep (recursive definition?)");
}

static void test_expansion_blowup_is_bounded(void **state)
{
	struct fx *f = *state;
	char text[4096] = "$B0=xxxxxxxxxxxxxxxx\n";
	for (int i = 1; i <= 40; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "$B%d=${B%d}${B%d}${B%d}${B%d}\n", i, i - 1, i - 1, i - 1, i - 1);
	strcat(text, "boom ${B40}\nafter\n");
	time_t t0 = time(NULL);
	rd(f, text);
	assert_true(time(NULL) - t0 < 20);
	assert_string_equal(dump(f), "after");
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false), "42: fatal: a parameter expansion of this"
					     " line is longer than 1024 KiB");
}

static void test_expansion_to_many_lines_is_bounded(void **state)
{
	struct fx *f = *state;
	/* Each level is four lines of the level below: 4^11 lines. */
	char text[4096] = "$L0=x\n";
	for (int i = 1; i <= 11; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "$L%d= \\\n$L%d \\\n$L%d \\\n$L%d \\\n$L%d\n",
			 i, i - 1, i - 1, i - 1, i - 1);
	strcat(text, "$L11\nafter\n");
	rd(f, text);
	assert_true(f->d.fatal);
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false),
			    "57: fatal: this line expands to more than 2000000 lines");
	size_t count = 0;
	const struct cf_node *n = f->root;
	for (; n->next; n = n->next)
		count++;
	assert_int_equal(count, 2000000);
	assert_string_equal(n->argv[0], "after");
}

/* ---- 8. ~SEQ and ~LST ------------------------------------------------- */

static void test_seq(void **state)
{
	struct fx *f = *state;
	rd(f, "~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n"
	      "~SEQ(A, 3) a$A $A\n"
	      "~SEQ(B,-2) b$B ${B}\n"
	      "~SEQ(C, 3, 1) c${C}\n"
	      "~SEQ(D 1 2 5) d${D}\n"
	      "~SEQx(H, 0x90, 0x10, 0xc0) h${H}\n"
	      "~SEQx(N, 2, -1, -2) n${N}\n"
	      "~SEQ(Z, 0) z${Z}\n"
	      "after ${SUBNET}\n");
	assert_string_equal(dump(f),
			    "ip_address 10.0.0.1; ip_address 10.0.1.1; ip_address 10.0.2.1;"
			    " ip_address 10.0.3.1; a1 1; a2 2; a3 3; b-1 -1; b-2 -2;"
			    " c3; c2; c1; d1; d3; d5; h90; ha0; hb0; hc0;"
			    " n2; n1; n0; n-1; n-2; z1; z0; after ${SUBNET}");
	/* Loop variables are not left defined after their line. */
	assert_int_equal(f->d.n, 1);
	assert_string_equal(dg(f, 0, false),
			    "9: warning: parameter 'SUBNET' is not defined; left unexpanded");
	assert_int_equal(f->root->loc.line, 1);
	assert_int_equal(f->root->next->next->next->loc.line, 1);
	assert_int_equal(f->root->next->next->next->next->loc.line, 2);
}

static void test_seq_nested_and_restores(void **state)
{
	struct fx *f = *state;
	rd(f, "$I=keep\n"
	      "$N=3\n"
	      "virtual_ipaddress {\n"
	      "  ~SEQx(AD2, 0x90, 0x10, 0xa0) ~SEQx(AD1, 0x12, -1, 0x11) fe81::${AD2}:${AD1}\n"
	      "}\n"
	      "~SEQ(I, 1, ${N}) i$I\n"
	      "after $I\n");
	assert_string_equal(dump(f), "virtual_ipaddress { fe81::90:12; fe81::90:11;"
				     " fe81::a0:12; fe81::a0:11 }; i1; i2; i3; after keep");
	assert_int_equal(f->d.n, 0);
}

static void test_seq_with_multiline_body(void **state)
{
	struct fx *f = *state;
	rd(f, "$VI= \\\n"
	      "vrrp_instance v${IF}.${ID} { \\\n"
	      "  virtual_router_id ${ID} \\\n"
	      "}\n"
	      "~SEQ(IF,0,1) ~SEQ(ID,1,2) $VI\n");
	assert_string_equal(dump(f), "vrrp_instance v0.1 { virtual_router_id 1 };"
				     " vrrp_instance v0.2 { virtual_router_id 2 };"
				     " vrrp_instance v1.1 { virtual_router_id 1 };"
				     " vrrp_instance v1.2 { virtual_router_id 2 }");
	assert_string_equal(locs(f), "t.conf:5 t.conf:5 t.conf:5 t.conf:5 t.conf:5"
				     " t.conf:5 t.conf:5 t.conf:5");
}

static void test_seq_errors(void **state)
{
	struct fx *f = *state;
	rd(f, "~SEQ(D, 1, -1, 3) d\n"
	      "~SEQ(E, 1, 0, 3) e\n"
	      "~SEQ(1X, 3) x\n"
	      "~SEQ(X) x\n"
	      "~SEQ(X, 1, 2, 3, 4) x\n"
	      "~SEQ(X, 1, two) x\n"
	      "~SEQ(X, 3 x\n"
	      "~SEQ(A, 1000) ~SEQ(B, 1000) big\n"
	      "~SEQ(A, 100000) ok\n"
	      "~SEQ(A, 99999999999999999999) x\n"
	      "after\n");
	/* Nothing is produced by a bad or oversized line. */
	char *out = strdup(dump(f));
	assert_int_equal(strlen(out), strlen("ok; ") * 100000 + strlen("after"));
	free(out);
	assert_int_equal(f->d.n, 9);
	const char *seq = "expected ~SEQ(VAR, [START, [STEP,]] END) with STEP leading"
			  " from START to END";
	char want[256];
	snprintf(want, sizeof(want), "1: error: invalid ~SEQ specification"
				     " '~SEQ(D, 1, -1, 3)': %s", seq);
	assert_string_equal(dg(f, 0, false), want);
	snprintf(want, sizeof(want), "2: error: invalid ~SEQ specification"
				     " '~SEQ(E, 1, 0, 3)': %s", seq);
	assert_string_equal(dg(f, 1, false), want);
	assert_string_equal(dg(f, 6, false), "7: error: ~SEQ: missing ')'");
	assert_string_equal(dg(f, 7, false), "8: fatal: ~SEQ/~LST would repeat this"
					     " line more than 100000 times");
	for (size_t i = 2; i < 6; i++)
		assert_non_null(strstr(dg(f, i, false), "error: invalid ~SEQ specification"));
	assert_non_null(strstr(dg(f, 8, false), "10: error: invalid ~SEQ specification"));
}

static void test_lst(void **state)
{
	struct fx *f = *state;
	rd(f, "~LST(V, a, b , c d) v[${V}]\n"
	      "~LST({IP, IP1}, {10,1},{20,4}, {5, 6}) 192.168.${IP}.${IP1}\n"
	      "~LST(IP, 1, 2) ~LST(IP1, 5,6) 192.169.${IP}.${IP1}\n"
	      "~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}\n"
	      "~LST({X, Y}, {1}, 2) xy[${X}][${Y}]\n"
	      "~LST(E, , z) e[${E}]\n");
	assert_string_equal(dump(f),
			    "v[a]; v[b]; v[c d]; 192.168.10.1; 192.168.20.4; 192.168.5.6;"
			    " 192.169.1.5; 192.169.1.6; 192.169.2.5; 192.169.2.6;"
			    " 192.168.10.1; 192.170.10.1; 192.168.20.4; 192.170.20.4;"
			    " xy[1][]; xy[2][]; e[]; e[z]");
	assert_int_equal(f->d.n, 0);
}

static void test_lst_errors(void **state)
{
	struct fx *f = *state;
	rd(f, "~LST(W) w\n"
	      "~LST({A}, {1, 2}) x\n"
	      "~LST({A, B, 1, 2) x\n"
	      "~LST(9A, 1) x\n"
	      "after\n");
	assert_string_equal(dump(f), "after");
	assert_int_equal(f->d.n, 4);
	const char *lst = "expected ~LST(VAR, V1, V2...) or ~LST({VAR1, VAR2}, {V1, V2}...)";
	char want[256];
	snprintf(want, sizeof(want), "1: error: invalid ~LST specification '~LST(W)': %s", lst);
	assert_string_equal(dg(f, 0, false), want);
	snprintf(want, sizeof(want), "2: error: invalid ~LST specification"
				     " '~LST({A}, {1, 2})': %s", lst);
	assert_string_equal(dg(f, 1, false), want);
}

/* ---- 10. robustness --------------------------------------------------- */

static void test_fuzz(void **state)
{
	struct fx *f = *state;
	static const char *const pieces[] = {
		"{", "}", "\"", "'", "\\", "#", "!", "\n", " ", "\t", "$", "${", "$A",
		"${A}", "$A=", "$B=${A}${A}", "\\\n", "@main ", "@^x ", "~SEQ(", "~LST(",
		"~SEQ(I,1,3)", "~LST({A,B},{1,2})", ")", ",", "include ", "x", "kw",
		"\\x4", "\\c", "\x01", "\0", "${_RANDOM", "${_HASH}", "${_ENV", "0x",
		"-", "9", "\r\n", "includeb {", "~SEQx(", "$A=$A\n$A\n",
	};
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	/* Random include patterns must only ever see the empty directory. */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	srand(1234);
	char buf[4096];
	for (int iter = 0; iter < 2000; iter++) {
		size_t n = 0;
		size_t want = (size_t)(rand() % 400);
		while (n < want && n < sizeof(buf) - 64) {
			if (iter % 3 == 0) {
				buf[n++] = (char)(rand() % 256);
			} else {
				const char *p = pieces[rand() % np];
				size_t l = strlen(p) ? strlen(p) : 1;
				memcpy(buf + n, p, l);
				n += l;
			}
		}
		buf[n] = '\0';
		struct arena a;
		arena_init(&a);
		struct diag_list d;
		diag_init(&d);
		/* Walk the tree: every node must be well formed. */
		struct cf_node *root = cf_read_string(&a, "fuzz.conf", buf, &f->o, &d);
		char *out = malloc(1 << 20);
		out[0] = '\0';
		dump_list(root, out, 1 << 20);
		free(out);
		for (size_t i = 0; i < d.n; i++)
			assert_non_null(d.v[i].msg);
		diag_clear(&d);
		arena_free(&a);
	}
	assert_int_equal(chdir(cwd), 0);
}

static void test_huge_inputs(void **state)
{
	struct fx *f = *state;
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	/* One line of half a million words. */
	for (size_t i = 0; i < n; i += 2) {
		big[i] = 'w';
		big[i + 1] = ' ';
	}
	big[n] = '\0';
	struct cf_node *r = rd(f, big);
	assert_int_equal(r->argc, (int)(n / 2));
	/* 262144 nested blocks, never closed: a bounded report. */
	for (size_t i = 0; i < n; i += 4)
		memcpy(big + i, "a {\n", 4);
	rd(f, big);
	assert_true(f->d.fatal);
	assert_int_equal(f->d.n, 11);
	assert_string_equal(dg(f, 0, false), "1: fatal: 'a' block opened here is not"
					     " closed (missing '}')");
	assert_string_equal(dg(f, 9, false), "10: fatal: 'a' block opened here is not"
					     " closed (missing '}')");
	char want[128];
	snprintf(want, sizeof(want), "11: fatal: %zu more blocks opened from here on are"
				     " not closed", n / 4 - 10);
	assert_string_equal(dg(f, 10, false), want);
	diag_clear(&f->d);
	/* A million stray braces: every error counted, 10000 kept. */
	memset(big, '{', n);
	big[0] = 'k';
	rd(f, big);
	assert_true(f->d.fatal);
	assert_int_equal(f->d.errors, n - 2 + 11); /* stray, then unclosed */
	assert_int_equal(f->d.n, DIAG_MAX_KEPT + 1);
	assert_string_equal(dg(f, 0, false),
			    "1: error: '{' without a keyword before it; block ignored");
	assert_string_equal(dg(f, DIAG_MAX_KEPT, false),
			    "1: error: too many diagnostics; the rest are not shown");
	diag_clear(&f->d);
	/* One unterminated quote running through a 1 MiB line. */
	memset(big, 'q', n);
	big[2] = '"';
	r = rd(f, big);
	assert_int_equal(r->argc, 1);
	assert_int_equal(strlen(r->argv[0]), n - 1);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_comments),
		T(test_words_and_quotes),
		T(test_quoted_bits_beyond_64_words),
		T(test_escapes),
		T(test_unterminated_quote),
		T(test_blocks),
		T(test_one_line_blocks),
		T(test_allman),
		T(test_brace_errors),
		T(test_unclosed_block_is_fatal),
		T(test_include_basic),
		T(test_include_all_config),
		T(test_include_variants),
		T(test_include_in_block_and_expansion),
		T(test_include_unreadable),
		T(test_include_loop),
		T(test_include_depth_limit),
		T(test_include_from_string_uses_cwd),
		T(test_main_file_missing),
		T(test_conditionals),
		T(test_conditional_default_hostname),
		T(test_parameters),
		T(test_parameters_undefined),
		T(test_parameters_recursive_at_use_time),
		T(test_parameters_multiline),
		T(test_parameters_nested_multiline),
		T(test_parameter_errors_in_expanded_text),
		T(test_builtins),
		T(test_random_is_seeded),
		T(test_recursive_definition_is_an_error),
		T(test_expansion_blowup_is_bounded),
		T(test_expansion_to_many_lines_is_bounded),
		T(test_seq),
		T(test_seq_nested_and_restores),
		T(test_seq_with_multiline_body),
		T(test_seq_errors),
		T(test_lst),
		T(test_lst_errors),
		T(test_fuzz),
		T(test_huge_inputs),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
