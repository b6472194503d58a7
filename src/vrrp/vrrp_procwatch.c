/* vrrp_track_process runtime: process counts from the kernel's process
 * events, or from /proc scans when those are unavailable.  See
 * vrrp_procwatch.h for the behaviour. */
#include "vrrp/vrrp_procwatch.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "net/proc_events.h"
#include "vrrp/vrrp_track.h"

#define CMDLINE_MAX 4096
#define ARGS_MAX 128
/* A burst of events (a service forking its workers) is counted as it
 * comes but reported once, this long after its first event. */
#define SETTLE_MS 5
/* How long start-up waits for the kernel to acknowledge the subscription;
 * it normally answers before sendto() returns. */
#define ACK_TIMEOUT_MS 50
/* Datagrams read per wake-up, so a storm of events cannot starve the
 * rest of the loop (the next wake-up reads on). */
#define RECV_BATCH 256

struct pblock {
	const struct track_process_conf *conf;
	bool used;
	bool reported;
	bool up;
	bool pending;     /* the raw state differs from `up` since `since` */
	bool dirty;       /* the count moved since the last update */
	uint64_t since;   /* us, loop time */
	int count, last_count;
};

/* pid -> the blocks it is counted in, one bit per block: open addressing
 * with linear probing, pid 0 marking a free slot. */
struct pidtab {
	int32_t *pid;
	uint64_t *bits;   /* `words` per slot */
	size_t cap, n, words;
};

struct vrrp_procwatch {
	struct vrrp_procwatch_opts o;
	struct pblock *blocks;
	size_t nblocks, nused;
	bool need_cmdline;    /* some block matches parameters or full_command */
	struct pidtab tab;
	uint64_t *scratch;    /* one match set, `tab.words` long */
	enum vrrp_procwatch_source source;
	int fd;               /* the connector, -1 when scanning */
	uv_poll_t poll;
	bool poll_on;
	uv_timer_t scan;      /* first scan; every poll_us when scanning */
	uv_timer_t update;    /* settle and fork/terminate delays */
	bool timers_on;
	bool scanned;         /* the first scan has run: counts are whole */
	uint64_t update_due_ms; /* loop time the update timer fires; 0: idle */
	unsigned handles;     /* initialised handles not yet closed */
	bool closing;
	uint64_t overruns;
};

/* ---- the pid table ----------------------------------------------------------- */

static size_t home_of(const struct pidtab *t, int32_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (t->cap - 1);
}

static uint64_t *bits_at(const struct pidtab *t, size_t s)
{
	return t->bits + s * t->words;
}

static long tab_find(const struct pidtab *t, int32_t pid)
{
	if (t->cap == 0 || pid <= 0)
		return -1;
	for (size_t s = home_of(t, pid), i = 0; i < t->cap; i++, s = (s + 1) & (t->cap - 1)) {
		if (t->pid[s] == pid)
			return (long)s;
		if (t->pid[s] == 0)
			return -1;
	}
	return -1;
}

/* Takes a free slot for pid (the table has room and pid is absent). */
static size_t tab_place(struct pidtab *t, int32_t pid)
{
	size_t s = home_of(t, pid);
	while (t->pid[s] != 0)
		s = (s + 1) & (t->cap - 1);
	t->pid[s] = pid;
	memset(bits_at(t, s), 0, t->words * sizeof(uint64_t));
	t->n++;
	return s;
}

static int tab_grow(struct pidtab *t)
{
	struct pidtab nt = { .cap = t->cap ? t->cap * 2 : 64, .words = t->words };
	nt.pid = calloc(nt.cap, sizeof(*nt.pid));
	nt.bits = calloc(nt.cap * nt.words, sizeof(*nt.bits));
	if (!nt.pid || !nt.bits) {
		free(nt.pid);
		free(nt.bits);
		return -1;
	}
	for (size_t s = 0; s < t->cap; s++) {
		if (t->pid[s] == 0)
			continue;
		size_t d = tab_place(&nt, t->pid[s]);
		memcpy(bits_at(&nt, d), bits_at(t, s), t->words * sizeof(uint64_t));
	}
	free(t->pid);
	free(t->bits);
	*t = nt;
	return 0;
}

/* Returns pid's slot, creating it (with no bits) when absent; -1 when out
 * of memory.  The load stays under one half, so probes stay short. */
static long tab_insert(struct pidtab *t, int32_t pid)
{
	long s = tab_find(t, pid);
	if (s >= 0)
		return s;
	if ((t->n + 1) * 2 > t->cap && tab_grow(t) < 0)
		return -1;
	return (long)tab_place(t, pid);
}

/* Frees slot s, moving later entries of the same probe run back so that
 * no lookup stops early at the hole (no tombstones). */
static void tab_remove(struct pidtab *t, size_t s)
{
	size_t mask = t->cap - 1, hole = s;
	t->pid[hole] = 0;
	t->n--;
	for (size_t j = (hole + 1) & mask; t->pid[j] != 0; j = (j + 1) & mask) {
		size_t home = home_of(t, t->pid[j]);
		/* The entry at j may stay when its home lies cyclically in
		 * (hole, j]: a lookup from there never crosses the hole. */
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		t->pid[hole] = t->pid[j];
		memcpy(bits_at(t, hole), bits_at(t, j), t->words * sizeof(uint64_t));
		t->pid[j] = 0;
		hole = j;
	}
}

static void tab_clear(struct pidtab *t)
{
	if (t->cap)
		memset(t->pid, 0, t->cap * sizeof(*t->pid));
	t->n = 0;
}

/* ---- matching a process ------------------------------------------------------ */

/* Reads a small /proc file; returns the bytes read (0 on any error). */
static size_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, len);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* Splits a NUL-separated cmdline into argv; returns argc. */
static size_t split_cmdline(char *buf, size_t n, char **argv)
{
	size_t argc = 0;
	if (n == 0)
		return 0;
	buf[n] = '\0'; /* the buffer has room for it: CMDLINE_MAX + 1 */
	for (size_t i = 0; i < n && argc < ARGS_MAX; argc++) {
		argv[argc] = buf + i;
		i += strlen(buf + i) + 1;
	}
	return argc;
}

/* A process that has exited but is not yet reaped still has a comm; it is
 * not running, and its exit event has already uncounted it, so a scan
 * must not count it either.  Checked only for processes that match. */
static bool is_zombie(int32_t pid)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%" PRId32 "/stat", pid);
	size_t n = read_small(path, line, sizeof(line) - 1);
	line[n] = '\0';
	/* "pid (comm) S ...": comm may hold ')' itself, so the last one. */
	const char *paren = strrchr(line, ')');
	if (!paren || paren[1] != ' ')
		return n == 0; /* gone altogether */
	return paren[2] == 'Z' || paren[2] == 'X';
}

/* Sets in `set` the blocks process pid matches now (none when it is gone). */
static void match_pid(struct vrrp_procwatch *w, int32_t pid, uint64_t *set)
{
	char path[64], comm[64], cmd[CMDLINE_MAX + 1];
	char *argv[ARGS_MAX];
	size_t argc = 0;
	memset(set, 0, w->tab.words * sizeof(uint64_t));
	snprintf(path, sizeof(path), "/proc/%" PRId32 "/comm", pid);
	size_t n = read_small(path, comm, sizeof(comm) - 1);
	if (n == 0)
		return; /* gone already */
	comm[n] = '\0';
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	if (w->need_cmdline) {
		snprintf(path, sizeof(path), "/proc/%" PRId32 "/cmdline", pid);
		argc = split_cmdline(cmd, read_small(path, cmd, CMDLINE_MAX), argv);
	}
	bool any = false;
	for (size_t i = 0; i < w->nblocks; i++) {
		if (w->blocks[i].used &&
		    vrrp_track_process_match(w->blocks[i].conf, comm, argv, argc)) {
			set[i / 64] |= UINT64_C(1) << (i % 64);
			any = true;
		}
	}
	if (any && is_zombie(pid))
		memset(set, 0, w->tab.words * sizeof(uint64_t));
}

/* Makes pid counted in exactly the blocks of `set`. */
static void apply(struct vrrp_procwatch *w, int32_t pid, const uint64_t *set)
{
	struct pidtab *t = &w->tab;
	bool any = false;
	if (pid <= 0) /* 0 marks a free slot; no process has it */
		return;
	for (size_t k = 0; k < t->words; k++)
		any |= set[k] != 0;
	long s = any ? tab_insert(t, pid) : tab_find(t, pid);
	if (s < 0) {
		if (any)
			log_error("vrrp_track_process: out of memory: pid %" PRId32 " not counted",
				  pid);
		return;
	}
	uint64_t *old = bits_at(t, (size_t)s);
	for (size_t k = 0; k < t->words; k++) {
		for (uint64_t diff = old[k] ^ set[k]; diff; diff &= diff - 1) {
			unsigned b = (unsigned)__builtin_ctzll(diff);
			struct pblock *p = &w->blocks[k * 64 + b];
			p->count += (set[k] >> b & 1) ? 1 : -1;
			p->dirty = true;
		}
		old[k] = set[k];
	}
	if (!any)
		tab_remove(t, (size_t)s);
}

static void rematch(struct vrrp_procwatch *w, int32_t pid)
{
	match_pid(w, pid, w->scratch);
	apply(w, pid, w->scratch);
}

static void uncount(struct vrrp_procwatch *w, int32_t pid)
{
	memset(w->scratch, 0, w->tab.words * sizeof(uint64_t));
	apply(w, pid, w->scratch);
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Counts every process from scratch. */
static void scan_all(struct vrrp_procwatch *w)
{
	DIR *d = opendir("/proc");
	if (!d) {
		log_error("vrrp_track_process: cannot read /proc: %s", strerror(errno));
		return;
	}
	tab_clear(&w->tab);
	for (size_t i = 0; i < w->nblocks; i++) {
		w->blocks[i].count = 0;
		w->blocks[i].dirty = w->blocks[i].used;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!all_digits(e->d_name))
			continue;
		long pid = strtol(e->d_name, NULL, 10);
		if (pid > 0 && pid <= INT32_MAX)
			rematch(w, (int32_t)pid);
	}
	closedir(d);
	w->scanned = true;
}

/* ---- quorum and delays ------------------------------------------------------- */

/* Applies quorum and the fork/terminate delays to one block's count. */
static void proc_update(struct vrrp_procwatch *w, size_t i, uint64_t now)
{
	struct pblock *p = &w->blocks[i];
	const struct track_process_conf *c = p->conf;
	bool raw = vrrp_track_process_up(p->count, c->quorum, c->quorum_max);
	bool changed = false;
	if (!p->reported) {
		p->up = raw;
		changed = true;
	} else if (raw == p->up) {
		p->pending = false;
	} else {
		uint64_t delay = raw ? c->fork_delay_us : c->terminate_delay_us;
		if (!p->pending) {
			p->pending = true;
			p->since = now;
		}
		if (now - p->since >= delay) {
			p->up = raw;
			p->pending = false;
			changed = true;
			log_info("vrrp_track_process %s: now %s (%d running)", c->name,
				 raw ? "up" : "down", p->count);
		}
	}
	bool moved = changed || p->count != p->last_count;
	p->last_count = p->count;
	p->reported = true;
	if (moved && w->o.on_process) {
		struct vrrp_process_report rep = {
			.name = c->name, .index = i, .count = p->count, .up = p->up,
			.changed = changed,
		};
		w->o.on_process(w->o.arg, &rep);
	}
}

static void update_cb(uv_timer_t *h);

/* Keeps the update timer at the earliest of: the settle time of a moved
 * count, and the end of each pending block's delay.  It runs only while
 * one of these exists.  An earlier deadline already armed is kept, so a
 * stream of events cannot postpone the report indefinitely. */
static void arm_update(struct vrrp_procwatch *w, uint64_t now)
{
	uint64_t due = UINT64_MAX;
	for (size_t i = 0; i < w->nblocks; i++) {
		const struct pblock *p = &w->blocks[i];
		if (p->dirty && now + SETTLE_MS * 1000 < due)
			due = now + SETTLE_MS * 1000;
		if (p->pending) {
			/* Pending means heading for !up. */
			uint64_t d = p->since +
				     (p->up ? p->conf->terminate_delay_us : p->conf->fork_delay_us);
			if (d < due)
				due = d;
		}
	}
	if (due == UINT64_MAX) {
		uv_timer_stop(&w->update);
		w->update_due_ms = 0;
		return;
	}
	uint64_t ms = due > now ? (due - now + 999) / 1000 : 0;
	uint64_t due_ms = uv_now(w->o.loop) + ms;
	if (w->update_due_ms && w->update_due_ms <= due_ms)
		return;
	w->update_due_ms = due_ms;
	uv_timer_start(&w->update, update_cb, ms, 0);
}

/* Reports the blocks whose count moved or whose delay may have ended. */
static void update_blocks(struct vrrp_procwatch *w)
{
	uint64_t now = uv_now(w->o.loop) * 1000;
	if (!w->scanned)
		return; /* events before the first scan: it reports them */
	for (size_t i = 0; i < w->nblocks; i++) {
		struct pblock *p = &w->blocks[i];
		if (!p->used || (!p->dirty && !p->pending && p->reported))
			continue;
		p->dirty = false;
		proc_update(w, i, now);
		if (w->closing) /* a callback freed us */
			return;
	}
	w->update_due_ms = 0;
	arm_update(w, now);
}

static void update_cb(uv_timer_t *h)
{
	struct vrrp_procwatch *w = h->data;
	w->update_due_ms = 0;
	if (!w->closing)
		update_blocks(w);
}

static void scan_cb(uv_timer_t *h)
{
	struct vrrp_procwatch *w = h->data;
	if (w->closing)
		return;
	scan_all(w);
	update_blocks(w);
}

/* ---- events ------------------------------------------------------------------ */

static void handle_event(struct vrrp_procwatch *w, const struct proc_ev *ev)
{
	switch (ev->kind) {
	case PROC_EV_FORK:
		/* A new process (not a thread) of a counted parent is, for
		 * now, a copy of it. */
		if (ev->pid == ev->tgid && tab_find(&w->tab, ev->parent_tgid) >= 0)
			rematch(w, ev->pid);
		break;
	case PROC_EV_EXEC:
		rematch(w, ev->tgid);
		break;
	case PROC_EV_COMM:
		/* A thread renaming itself leaves the process's name alone. */
		if (ev->pid == ev->tgid)
			rematch(w, ev->pid);
		break;
	case PROC_EV_EXIT:
		if (ev->pid == ev->tgid)
			uncount(w, ev->pid);
		break;
	case PROC_EV_ACK:
	case PROC_EV_OTHER:
		break;
	}
}

static void handle_datagram(struct vrrp_procwatch *w, const char *buf, size_t n)
{
	struct proc_ev ev;
	size_t used;
	for (size_t off = 0; off < n; off += used) {
		enum proc_ev_reason r = proc_events_parse(buf + off, n - off, &ev, &used);
		if (r == PROC_EV_REASON_OK)
			handle_event(w, &ev);
		else
			log_debug(LOGC_VRRP, "vrrp_track_process: process event dropped: %s",
				  proc_ev_reason_str(r));
		if (used == 0)
			break;
	}
}

static void poll_closed(uv_handle_t *h);

static void format_interval(uint64_t us, char *buf, size_t len)
{
	if (us % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 " s", us / 1000000);
	else
		snprintf(buf, len, "%" PRIu64 " ms", (us + 999) / 1000);
}

static uint64_t poll_interval_us(const struct vrrp_procwatch *w)
{
	return w->o.poll_us ? w->o.poll_us : 1000000;
}

/* The connector broke after a good start: scan from now on. */
static void fall_back(struct vrrp_procwatch *w, const char *why)
{
	char iv[32];
	format_interval(poll_interval_us(w), iv, sizeof(iv));
	log_error("vrrp_track_process: process events failed (%s): scanning /proc every %s",
		  why, iv);
	w->source = PROCWATCH_SCAN;
	if (w->poll_on) {
		w->poll_on = false;
		uv_close((uv_handle_t *)&w->poll, poll_closed);
	}
	uint64_t ms = (poll_interval_us(w) + 999) / 1000;
	uv_timer_start(&w->scan, scan_cb, 0, ms);
}

static void events_ready(uv_poll_t *h, int status, int events)
{
	struct vrrp_procwatch *w = h->data;
	char buf[PROC_EVENTS_RECV_LEN] __attribute__((aligned(8)));
	bool lost = false;
	(void)events;
	if (w->closing || !w->poll_on)
		return;
	if (status < 0) {
		fall_back(w, uv_strerror(status));
		return;
	}
	for (int i = 0; i < RECV_BATCH; i++) {
		ssize_t n = proc_events_recv(w->fd, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n == -ENOBUFS) {
			lost = true;
			continue;
		}
		if (n < 0) {
			fall_back(w, strerror((int)-n));
			return;
		}
		handle_datagram(w, buf, (size_t)n);
	}
	if (lost) {
		/* The counts may be off by the lost events: count afresh.
		 * Events read after this are applied on top, which is safe
		 * since each one re-reads /proc for its pid. */
		if (w->overruns++ == 0)
			log_info("vrrp_track_process: process events lost (queue full): "
				 "scanning /proc again");
		scan_all(w);
		update_blocks(w);
		return;
	}
	arm_update(w, uv_now(w->o.loop) * 1000);
}

/* ---- life cycle -------------------------------------------------------------- */

static void destroy(struct vrrp_procwatch *w)
{
	free(w->tab.pid);
	free(w->tab.bits);
	free(w->scratch);
	free(w->blocks);
	free(w);
}

static void handle_closed(uv_handle_t *h)
{
	struct vrrp_procwatch *w = h->data;
	if (--w->handles == 0 && w->closing)
		destroy(w);
}

static void poll_closed(uv_handle_t *h)
{
	struct vrrp_procwatch *w = h->data;
	proc_events_close(w->fd);
	w->fd = -1;
	handle_closed(h);
}

static bool is_tracked(const struct vrrp_model *m, const char *name)
{
	for (size_t i = 0; i < m->instances.n; i++) {
		const track_ref_vec *v = &m->instances.v[i].track_process;
		for (size_t j = 0; j < v->n; j++)
			if (strcmp(v->v[j].name, name) == 0)
				return true;
	}
	for (size_t i = 0; i < m->sync_groups.n; i++) {
		const track_ref_vec *v = &m->sync_groups.v[i].track_process;
		for (size_t j = 0; j < v->n; j++)
			if (strcmp(v->v[j].name, name) == 0)
				return true;
	}
	return false;
}

struct vrrp_procwatch *vrrp_procwatch_new(const struct vrrp_procwatch_opts *o)
{
	const struct vrrp_model *m = o->model;
	struct vrrp_procwatch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->o = *o;
	w->fd = -1;
	w->nblocks = m->track_processes.n;
	w->tab.words = (w->nblocks + 63) / 64 + 1;
	w->blocks = calloc(w->nblocks + 1, sizeof(*w->blocks));
	w->scratch = calloc(w->tab.words, sizeof(*w->scratch));
	if (!w->blocks || !w->scratch) {
		destroy(w);
		return NULL;
	}
	for (size_t i = 0; i < w->nblocks; i++) {
		struct pblock *p = &w->blocks[i];
		p->conf = &m->track_processes.v[i];
		p->used = p->conf->process.n > 0 && (o->run_unused || is_tracked(m, p->conf->name));
		if (!p->used)
			continue;
		w->nused++;
		if (p->conf->full_command || p->conf->process.n > 1 ||
		    p->conf->param_match != PARAM_MATCH_NONE)
			w->need_cmdline = true;
	}
	return w;
}

int vrrp_procwatch_start(struct vrrp_procwatch *w)
{
	char why[256], iv[32];
	uint64_t repeat_ms = 0;
	if (w->nused == 0)
		return 0;
	uv_timer_init(w->o.loop, &w->scan);
	uv_timer_init(w->o.loop, &w->update);
	w->scan.data = w->update.data = w;
	w->timers_on = true;
	w->handles += 2;
	w->fd = proc_events_open(ACK_TIMEOUT_MS, why, sizeof(why));
	if (w->fd >= 0) {
		int r = uv_poll_init(w->o.loop, &w->poll, w->fd);
		if (r == 0) {
			w->poll.data = w;
			w->poll_on = true;
			w->handles++;
			uv_poll_start(&w->poll, UV_READABLE, events_ready);
		} else {
			snprintf(why, sizeof(why), "uv_poll_init: %s", uv_strerror(r));
			proc_events_close(w->fd);
			w->fd = -1;
		}
	}
	if (w->poll_on) {
		w->source = PROCWATCH_EVENTS;
		log_debug(LOGC_VRRP, "vrrp_track_process: following the kernel's process events");
	} else {
		w->source = PROCWATCH_SCAN;
		repeat_ms = (poll_interval_us(w) + 999) / 1000;
		format_interval(poll_interval_us(w), iv, sizeof(iv));
		log_info("vrrp_track_process: scanning /proc every %s: no process events (%s)", iv,
			 why);
	}
	/* The first scan runs on the next loop iteration, after every
	 * tracker is set up; with events it is the only one. */
	uv_timer_start(&w->scan, scan_cb, 0, repeat_ms);
	return 0;
}

void vrrp_procwatch_free(struct vrrp_procwatch *w)
{
	if (!w)
		return;
	w->closing = true;
	if (w->timers_on) {
		uv_close((uv_handle_t *)&w->scan, handle_closed);
		uv_close((uv_handle_t *)&w->update, handle_closed);
	}
	if (w->poll_on) {
		w->poll_on = false;
		uv_close((uv_handle_t *)&w->poll, poll_closed);
	}
	if (w->handles == 0)
		destroy(w);
}

bool vrrp_procwatch_up(const struct vrrp_procwatch *w, size_t idx)
{
	return w && idx < w->nblocks && w->blocks[idx].up;
}

int vrrp_procwatch_count(const struct vrrp_procwatch *w, size_t idx)
{
	return w && idx < w->nblocks ? w->blocks[idx].count : 0;
}

enum vrrp_procwatch_source vrrp_procwatch_source(const struct vrrp_procwatch *w)
{
	return w ? w->source : PROCWATCH_IDLE;
}

const char *vrrp_procwatch_source_str(enum vrrp_procwatch_source s)
{
	switch (s) {
	case PROCWATCH_IDLE: return "idle";
	case PROCWATCH_EVENTS: return "events";
	case PROCWATCH_SCAN: return "scan";
	}
	return "?";
}
