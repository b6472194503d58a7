/* Script security checks; the rules are in scriptsec.h. */
#include "core/scriptsec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc.h"

/* Linux's limit on symbolic links followed in one path resolution. */
#define MAX_LINKS 40

/* Remaining path to walk plus the resolved prefix.  Both fit PATH_MAX
 * twice over: a link target is appended to what is left. */
struct walk {
	uid_t uid;
	gid_t gid;
	char cur[PATH_MAX];      /* resolved so far; "" is "/" */
	char rest[2 * PATH_MAX]; /* what is left to walk */
	int links;
	bool denied;             /* a directory the user cannot search */
	char denied_at[PATH_MAX];
	struct stat final;
	struct scriptsec_result *out;
	char why[64];            /* why the culprit is unsafe */
};

const char *scriptsec_verdict_name(enum scriptsec_verdict v)
{
	switch (v) {
	case SCRIPTSEC_OK: return "ok";
	case SCRIPTSEC_INSECURE: return "insecure";
	case SCRIPTSEC_NOT_FOUND: return "not-found";
	case SCRIPTSEC_NOT_EXECUTABLE: return "not-executable";
	case SCRIPTSEC_BAD_TYPE: return "bad-type";
	}
	return "?";
}

/* Whether uid:gid has `bit` (S_IXOTH style: 1 = x, 2 = w, 4 = r) on st,
 * by the classic owner / group / other rule. */
static bool may(const struct stat *st, uid_t uid, gid_t gid, mode_t bit)
{
	if (uid == 0) {
		/* Root searches any directory but executes only a file with
		 * at least one execute bit. */
		if (bit != S_IXOTH || S_ISDIR(st->st_mode))
			return true;
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	}
	if (st->st_uid == uid)
		return (st->st_mode & (bit << 6)) != 0;
	if (st->st_gid == gid)
		return (st->st_mode & (bit << 3)) != 0;
	return (st->st_mode & bit) != 0;
}

/* keepalived's rule (see scriptsec.h).  Returns a reason, or NULL when
 * the component is safe. */
static const char *unsafe_reason(const struct stat *st, char *buf, size_t len)
{
	if (st->st_uid != 0) {
		snprintf(buf, len, "owned by uid %u", (unsigned)st->st_uid);
		return buf;
	}
	if (S_ISLNK(st->st_mode))
		return NULL;
	bool open_dir = S_ISDIR(st->st_mode) && !(st->st_mode & S_ISVTX);
	if (!open_dir && !S_ISREG(st->st_mode))
		return NULL;
	if (st->st_gid != 0 && (st->st_mode & S_IWGRP)) {
		snprintf(buf, len, "group-writable by gid %u", (unsigned)st->st_gid);
		return buf;
	}
	if (st->st_mode & S_IWOTH) {
		snprintf(buf, len, "world-writable");
		return buf;
	}
	return NULL;
}

/* Records the first unsafe component. */
static void note_component(struct walk *w, const char *path, const struct stat *st)
{
	char why[64];
	if (w->out->unsafe || !unsafe_reason(st, why, sizeof(why)))
		return;
	w->out->unsafe = true;
	snprintf(w->out->culprit, sizeof(w->out->culprit), "%s", path);
	snprintf(w->why, sizeof(w->why), "%s", why);
}

static enum scriptsec_verdict fail(struct walk *w, enum scriptsec_verdict v, const char *culprit,
				   const char *what)
{
	struct scriptsec_result *o = w->out;
	o->verdict = v;
	snprintf(o->culprit, sizeof(o->culprit), "%s", culprit);
	snprintf(o->msg, sizeof(o->msg), "script '%s': '%s' %s", o->path, culprit, what);
	return v;
}

/* Pops the next component of w->rest into comp; false when none is left. */
static bool next_component(struct walk *w, char *comp, size_t len)
{
	char *s = w->rest;
	while (*s == '/')
		s++;
	if (!*s)
		return false;
	size_t n = strcspn(s, "/");
	if (n >= len)
		n = len - 1;
	memcpy(comp, s, n);
	comp[n] = '\0';
	memmove(w->rest, s + n, strlen(s + n) + 1);
	return true;
}

static bool rest_is_empty(const struct walk *w)
{
	return w->rest[strspn(w->rest, "/")] == '\0';
}

/* Replaces the symlink at `path` by its target in the walk. */
static int follow_link(struct walk *w, const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	char rest[2 * PATH_MAX];
	int l = snprintf(rest, sizeof(rest), "%s/%s", target, w->rest);
	if (l < 0 || (size_t)l >= sizeof(rest))
		return -1;
	memcpy(w->rest, rest, (size_t)l + 1);
	if (target[0] == '/')
		w->cur[0] = '\0';
	return 0;
}

/* Walks w->rest from "/", filling w->final.  Returns SCRIPTSEC_OK when the
 * walk reached a final component, or the failure verdict. */
static enum scriptsec_verdict walk_path(struct walk *w)
{
	struct stat st;
	char comp[NAME_MAX + 1], cand[PATH_MAX];

	if (lstat("/", &st) < 0)
		return fail(w, SCRIPTSEC_NOT_FOUND, "/", "cannot be read");
	note_component(w, "/", &st);
	w->final = st;
	while (next_component(w, comp, sizeof(comp))) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(w->cur, '/');
			if (slash)
				*slash = '\0';
			continue;
		}
		int l = snprintf(cand, sizeof(cand), "%s/%s", w->cur, comp);
		if (l < 0 || (size_t)l >= sizeof(cand))
			return fail(w, SCRIPTSEC_NOT_FOUND, w->cur, "leads to a path too long");
		if (lstat(cand, &st) < 0)
			return fail(w, SCRIPTSEC_NOT_FOUND, cand, errno == ENOENT ? "does not exist" : strerror(errno));
		note_component(w, cand, &st);
		if (S_ISLNK(st.st_mode)) {
			if (++w->links > MAX_LINKS)
				return fail(w, SCRIPTSEC_NOT_FOUND, cand, "is in a symbolic link loop");
			if (follow_link(w, cand) < 0)
				return fail(w, SCRIPTSEC_NOT_FOUND, cand, "is a symbolic link that cannot be read");
			continue;
		}
		memcpy(w->cur, cand, (size_t)l + 1);
		w->final = st;
		if (rest_is_empty(w))
			break;
		if (!S_ISDIR(st.st_mode))
			return fail(w, SCRIPTSEC_BAD_TYPE, cand, "is not a directory");
		if (!w->denied && !may(&st, w->uid, w->gid, S_IXOTH)) {
			w->denied = true;
			memcpy(w->denied_at, cand, (size_t)l + 1);
		}
	}
	snprintf(w->out->real, sizeof(w->out->real), "%s", w->cur[0] ? w->cur : "/");
	return SCRIPTSEC_OK;
}

/* Finds a bare name in the search path as execvp() would.  Returns
 * SCRIPTSEC_OK with out->path set, or the failure. */
static enum scriptsec_verdict search(struct walk *w, const char *prog, const char *sp)
{
	struct scriptsec_result *o = w->out;
	bool seen = false;
	char cand[PATH_MAX];

	while (*sp) {
		size_t n = strcspn(sp, ":");
		struct stat st;
		if (n > 0 && (size_t)snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, sp, prog) < sizeof(cand) &&
		    stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (may(&st, w->uid, w->gid, S_IXOTH)) {
				snprintf(o->path, sizeof(o->path), "%s", cand);
				return SCRIPTSEC_OK;
			}
			if (!seen)
				snprintf(o->culprit, sizeof(o->culprit), "%s", cand);
			seen = true;
		}
		sp += n;
		if (*sp == ':')
			sp++;
	}
	o->verdict = seen ? SCRIPTSEC_NOT_EXECUTABLE : SCRIPTSEC_NOT_FOUND;
	if (seen)
		snprintf(o->msg, sizeof(o->msg), "script '%s': '%s' is not executable by uid %u",
			 prog, o->culprit, (unsigned)w->uid);
	else
		snprintf(o->msg, sizeof(o->msg), "script '%s' not found in PATH", prog);
	return o->verdict;
}

/* The verdict once the walk has reached the file. */
static enum scriptsec_verdict judge(struct walk *w)
{
	struct scriptsec_result *o = w->out;
	const struct stat *st = &w->final;

	if (!S_ISREG(st->st_mode))
		return fail(w, SCRIPTSEC_BAD_TYPE, o->real, "is not a regular file");
	o->needs_protection = w->uid == 0 || (st->st_uid == 0 && (st->st_mode & S_ISUID)) ||
			      (st->st_gid == 0 && (st->st_mode & S_ISGID));
	if (o->unsafe && o->needs_protection) {
		o->verdict = SCRIPTSEC_INSECURE;
		snprintf(o->msg, sizeof(o->msg),
			 "script '%s' would run with root privileges but '%s' is %s", o->path,
			 o->culprit, w->why);
		return o->verdict;
	}
	if (w->denied)
		return fail(w, SCRIPTSEC_NOT_EXECUTABLE, w->denied_at,
			    "cannot be searched by the script's user");
	if (!may(st, w->uid, w->gid, S_IXOTH))
		return fail(w, SCRIPTSEC_NOT_EXECUTABLE, o->real, "is not executable by the script's user");
	o->verdict = SCRIPTSEC_OK;
	if (o->unsafe)
		snprintf(o->msg, sizeof(o->msg), "script '%s': '%s' is %s (tolerated: not run as root)",
			 o->path, o->culprit, w->why);
	else
		snprintf(o->msg, sizeof(o->msg), "script '%s' is safe", o->path);
	return o->verdict;
}

enum scriptsec_verdict scriptsec_check(const char *prog, uid_t uid, gid_t gid,
				       const char *search_path, struct scriptsec_result *out)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	w.uid = uid;
	w.gid = gid;
	w.out = out;

	if (!prog || !*prog) {
		out->verdict = SCRIPTSEC_NOT_FOUND;
		snprintf(out->msg, sizeof(out->msg), "empty script name");
		return out->verdict;
	}
	if (strlen(prog) >= PATH_MAX)
		return fail(&w, SCRIPTSEC_NOT_FOUND, "", "is too long");
	if (strchr(prog, '/')) {
		snprintf(out->path, sizeof(out->path), "%s", prog);
	} else if (search(&w, prog, search_path ? search_path : PROC_SAFE_PATH) != SCRIPTSEC_OK) {
		return out->verdict;
	}
	snprintf(w.rest, sizeof(w.rest), "%s", out->path);
	if (walk_path(&w) != SCRIPTSEC_OK)
		return out->verdict;
	return judge(&w);
}
