#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048

/* The process's logging root: the only mutable state of this module. */
static struct logger {
	char prefix[64];
	char ident[64];
	bool console;
	bool syslog_open;
	bool detail;
	enum log_level level;
	uint32_t debug_mask;
	bool initialised;
} L = { .prefix = "halod", .console = true, .level = LOG_LV_INFO };

static const char *const cat_names[LOGC__COUNT] = {
	[LOGC_GENERAL] = "general", [LOGC_DAEMON] = "daemon", [LOGC_CONF] = "conf",
	[LOGC_CTL] = "ctl",         [LOGC_VRRP] = "vrrp",     [LOGC_LB] = "lb",
	[LOGC_CHECK] = "check",     [LOGC_NET] = "net",       [LOGC_SCRIPT] = "script",
};

static const char *const level_names[] = {
	[LOG_LV_ERROR] = "error", [LOG_LV_WARNING] = "warning", [LOG_LV_NOTICE] = "notice",
	[LOG_LV_INFO] = "info",   [LOG_LV_DEBUG] = "debug",
};

static const int syslog_prio[] = {
	[LOG_LV_ERROR] = LOG_ERR, [LOG_LV_WARNING] = LOG_WARNING,
	[LOG_LV_NOTICE] = LOG_NOTICE, [LOG_LV_INFO] = LOG_INFO, [LOG_LV_DEBUG] = LOG_DEBUG,
};

void log_init(const struct log_opts *o)
{
	log_close();
	snprintf(L.prefix, sizeof(L.prefix), "%s", o->prefix ? o->prefix : "halod");
	snprintf(L.ident, sizeof(L.ident), "%s", o->ident ? o->ident : "halod");
	L.console = o->console;
	L.detail = o->detail;
	L.initialised = true;
	if (o->syslog) {
		/* openlog keeps the ident pointer: L.ident lives as long as the
		 * process. */
		openlog(L.ident, LOG_PID | LOG_NDELAY, o->facility);
		L.syslog_open = true;
	}
}

void log_close(void)
{
	if (L.syslog_open)
		closelog();
	L.syslog_open = false;
	L.console = true;
}

void log_set_level(enum log_level lv)
{
	L.level = lv;
}

enum log_level log_get_level(void)
{
	return L.level;
}

const char *log_cat_name(enum log_cat c)
{
	return (unsigned)c < LOGC__COUNT ? cat_names[c] : "?";
}

const char *log_level_name(enum log_level lv)
{
	return (unsigned)lv <= LOG_LV_DEBUG ? level_names[lv] : "?";
}

int log_level_parse(const char *name)
{
	for (int i = 0; i <= LOG_LV_DEBUG; i++)
		if (strcmp(level_names[i], name) == 0)
			return i;
	return -1;
}

int log_set_debug(const char *name, bool on)
{
	uint32_t bits = 0;
	if (strcmp(name, "all") == 0)
		bits = (1u << LOGC__COUNT) - 1;
	for (int i = 0; i < LOGC__COUNT && !bits; i++)
		if (strcmp(cat_names[i], name) == 0)
			bits = 1u << i;
	if (!bits)
		return -1;
	if (on)
		L.debug_mask |= bits;
	else
		L.debug_mask &= ~bits;
	return 0;
}

bool log_debug_on(enum log_cat c)
{
	return L.level >= LOG_LV_DEBUG || (L.debug_mask & (1u << c));
}

uint32_t log_debug_mask(void)
{
	return L.debug_mask;
}

void log_set_debug_mask(uint32_t mask)
{
	L.debug_mask = mask & ((1u << LOGC__COUNT) - 1);
}

/* Wall-clock time is for display only; nothing measures with it. */
static void console_time(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ld", (long)(tv.tv_usec / 1000));
}

static void write_console(enum log_level lv, enum log_cat cat, const char *msg,
			  const char *file, int line)
{
	char when[40], tag[32] = "", where[96] = "";
	console_time(when, sizeof(when));
	if (lv == LOG_LV_DEBUG)
		snprintf(tag, sizeof(tag), "debug(%s): ", log_cat_name(cat));
	else if (lv != LOG_LV_INFO)
		snprintf(tag, sizeof(tag), "%s: ", level_names[lv]);
	if (L.detail && file) {
		const char *base = strrchr(file, '/');
		snprintf(where, sizeof(where), " [%s:%d]", base ? base + 1 : file, line);
	}
	/* One fprintf per line so lines from parent and children, which share
	 * stderr, do not interleave mid-line. */
	fprintf(stderr, "%s %s[%ld]: %s%s%s\n", when, L.prefix, (long)getpid(), tag, msg, where);
}

void log_write(enum log_level lv, enum log_cat cat, const char *inst, const char *file,
	       int line, const char *fmt, ...)
{
	if (lv == LOG_LV_DEBUG ? !log_debug_on(cat) : lv > L.level)
		return;
	int saved_errno = errno;
	char msg[LOG_LINE_MAX];
	size_t off = 0;
	if (inst)
		off = (size_t)snprintf(msg, sizeof(msg), "(%s) ", inst);
	if (off >= sizeof(msg))
		off = sizeof(msg) - 1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg + off, sizeof(msg) - off, fmt, ap);
	va_end(ap);
	if (n >= 0 && off + (size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	if (L.console || !L.initialised)
		write_console(lv, cat, msg, file, line);
	if (L.syslog_open) {
		if (L.detail && file)
			syslog(syslog_prio[lv], "%s [%s:%d]", msg, file, line);
		else
			syslog(syslog_prio[lv], "%s", msg);
	}
	errno = saved_errno;
}
