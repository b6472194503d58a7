/* Logging: five levels, per-subsystem debug categories switchable at run
 * time, syslog and/or the console, a fixed prefix per process
 * ("halod", "halod[vrrp]") and an optional per-instance prefix ("(VI_1)").
 *
 * The logger's state is one static object in log.c: the process's logging
 * root, set up once by log_init() and changed only by the setters below.
 * Logging before log_init() goes to stderr, so early start-up errors are
 * never lost.
 *
 * Use the macros:
 *   log_error("cannot open %s: %s", path, strerror(errno));
 *   log_info_i(v->name, "entering MASTER state");   -> "(VI_1) entering MASTER state"
 *   log_debug(LOGC_VRRP, "advert from %s", addr);   (only when "vrrp" debug is on)
 * A debug line is written only when its category is on; the other levels
 * are written when at or above the current level (default info). */
#ifndef HALO_CORE_LOG_H
#define HALO_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LV_ERROR,
	LOG_LV_WARNING,
	LOG_LV_NOTICE,
	LOG_LV_INFO,
	LOG_LV_DEBUG,
};

/* Debug categories.  Names (log_cat_name) are what `haloctl debug NAME`
 * and log_set_debug() take. */
enum log_cat {
	LOGC_GENERAL, /* "general" */
	LOGC_DAEMON,  /* "daemon": supervisor, children, signals */
	LOGC_CONF,    /* "conf" */
	LOGC_CTL,     /* "ctl": control socket and child channels */
	LOGC_VRRP,    /* "vrrp" */
	LOGC_LB,      /* "lb" */
	LOGC_CHECK,   /* "check": health checkers */
	LOGC_NET,     /* "net": netlink, addresses, routes */
	LOGC_SCRIPT,  /* "script": scripts and notifications */
	LOGC__COUNT,
};

struct log_opts {
	/* Console prefix, e.g. "halod" or "halod[vrrp]"; copied. */
	const char *prefix;
	/* syslog ident, e.g. "halod" or "halod_vrrp" (brackets would confuse
	 * syslog parsers, which read "name[pid]"); copied. */
	const char *ident;
	bool console;  /* write to stderr */
	bool syslog;   /* write to syslog */
	bool detail;   /* -D: add the source file:line to every message */
	int facility;  /* syslog facility, e.g. LOG_DAEMON */
};

void log_init(const struct log_opts *o);
/* Closes syslog; later messages go to stderr. */
void log_close(void);

void log_set_level(enum log_level lv);
enum log_level log_get_level(void);
/* Turns a category on or off by name; "all" means every category.
 * Returns 0, or -1 for an unknown name. */
int log_set_debug(const char *name, bool on);
bool log_debug_on(enum log_cat c);
/* The enabled categories as a bit mask (bit i = category i), and back:
 * what the supervisor forwards to its children. */
uint32_t log_debug_mask(void);
void log_set_debug_mask(uint32_t mask);
const char *log_cat_name(enum log_cat c);
const char *log_level_name(enum log_level lv);
/* "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name);

/* The one writer behind the macros.  `inst` (may be NULL) becomes the
 * "(inst) " prefix; file/line are shown with -D. */
void log_write(enum log_level lv, enum log_cat cat, const char *inst, const char *file,
	       int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define log_at(lv, cat, inst, ...) log_write((lv), (cat), (inst), __FILE__, __LINE__, __VA_ARGS__)

#define log_error(...) log_at(LOG_LV_ERROR, LOGC_GENERAL, NULL, __VA_ARGS__)
#define log_warn(...) log_at(LOG_LV_WARNING, LOGC_GENERAL, NULL, __VA_ARGS__)
#define log_notice(...) log_at(LOG_LV_NOTICE, LOGC_GENERAL, NULL, __VA_ARGS__)
#define log_info(...) log_at(LOG_LV_INFO, LOGC_GENERAL, NULL, __VA_ARGS__)
#define log_debug(cat, ...)                                                  \
	do {                                                                 \
		if (log_debug_on(cat))                                       \
			log_at(LOG_LV_DEBUG, (cat), NULL, __VA_ARGS__);      \
	} while (0)

/* The same with an instance prefix: "(VI_1) message". */
#define log_error_i(inst, ...) log_at(LOG_LV_ERROR, LOGC_GENERAL, (inst), __VA_ARGS__)
#define log_warn_i(inst, ...) log_at(LOG_LV_WARNING, LOGC_GENERAL, (inst), __VA_ARGS__)
#define log_notice_i(inst, ...) log_at(LOG_LV_NOTICE, LOGC_GENERAL, (inst), __VA_ARGS__)
#define log_info_i(inst, ...) log_at(LOG_LV_INFO, LOGC_GENERAL, (inst), __VA_ARGS__)
#define log_debug_i(cat, inst, ...)                                          \
	do {                                                                 \
		if (log_debug_on(cat))                                       \
			log_at(LOG_LV_DEBUG, (cat), (inst), __VA_ARGS__);    \
	} while (0)

#endif
