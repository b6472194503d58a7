/* Script security: can this script be run, and is it safe to run as root?
 *
 * keepalived's `enable_script_security` refuses a script that runs with
 * root privileges when a non-root user could change what gets executed.
 * scriptsec_check() decides that for one program (argv[0] of a script),
 * at configuration load, by walking its path on the filesystem with
 * lstat(2), one component at a time, following symbolic links itself:
 *
 *  - A bare name (no '/') is searched in the PATH the script will get
 *    (PROC_SAFE_PATH unless given), like execvp(3): the first entry that
 *    holds a regular file the target user may execute wins; if entries
 *    hold the name but none is executable, the verdict is
 *    SCRIPTSEC_NOT_EXECUTABLE.  A relative path is taken from "/", the
 *    scripts' working directory.
 *  - Every component traversed is checked: "/" and each directory, each
 *    symbolic link met on the way (and everything its target walks
 *    through), and the file itself.  A component is UNSAFE when
 *      * its owner is not root (the owner may rewrite or chmod it; for a
 *        symlink, replace it), or
 *      * it is a regular file, or a directory WITHOUT the sticky bit, and
 *        it is group-writable with a non-root group, or world-writable.
 *    A world-writable sticky directory owned by root (/tmp) is safe
 *    itself: others cannot remove or rename entries they do not own.
 *    This is keepalived's rule, applied to the links as well as to the
 *    resolved path (keepalived checks only the resolved path; a link in a
 *    directory anyone can write is just as dangerous).
 *  - Protection is needed when the script runs as uid 0, or when the file
 *    is set-user-ID root or set-group-ID root (it would gain root
 *    privileges from whoever runs it).  An unsafe component then gives
 *    SCRIPTSEC_INSECURE naming the first offending component.  Without
 *    protection needed the unsafe component is still reported (`unsafe`,
 *    `culprit`), for a warning, with the verdict decided by the rest.
 *  - The target user must be able to search every directory and execute
 *    the file: permission bits only (owner, then group, then other; ACLs
 *    are ignored; supplementary groups are ignored because scripts run
 *    with none); root needs an execute bit somewhere on the file.
 *
 * The checks read the filesystem and nothing else: no global state, no
 * logging.  Callers decide what to do: refuse INSECURE scripts when
 * enable_script_security is set, warn otherwise. */
#ifndef HALO_CORE_SCRIPTSEC_H
#define HALO_CORE_SCRIPTSEC_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum scriptsec_verdict {
	SCRIPTSEC_OK,
	SCRIPTSEC_INSECURE,       /* runs with root privileges, path writable by non-root */
	SCRIPTSEC_NOT_FOUND,      /* missing, or not in PATH, or a symlink loop */
	SCRIPTSEC_NOT_EXECUTABLE, /* the target user cannot search a directory or execute the file */
	SCRIPTSEC_BAD_TYPE,       /* not a regular file, or a path component is not a directory */
};

/* "ok", "insecure", "not-found", "not-executable", "bad-type". */
const char *scriptsec_verdict_name(enum scriptsec_verdict v);

struct scriptsec_result {
	enum scriptsec_verdict verdict;
	bool needs_protection; /* runs as root, or set-ID root */
	bool unsafe;           /* an unsafe component was found (see culprit) */
	/* The program as it will be executed: the path given, or the PATH
	 * entry a bare name was found in. */
	char path[PATH_MAX];
	/* The same with every symlink, "." and ".." resolved. */
	char real[PATH_MAX];
	/* The component the verdict is about (the first unsafe one, the
	 * missing one, the one not searchable ...), or "". */
	char culprit[PATH_MAX];
	/* One sentence for the log, naming the program and the culprit. */
	char msg[2 * PATH_MAX + 256];
};

/* Checks `prog` (argv[0]) for a script run as uid:gid.  `search_path` is
 * the colon-separated PATH for bare names (NULL: PROC_SAFE_PATH).
 * Returns out->verdict. */
enum scriptsec_verdict scriptsec_check(const char *prog, uid_t uid, gid_t gid,
				       const char *search_path, struct scriptsec_result *out);

#endif
