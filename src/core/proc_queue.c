/* A queue of scripts run strictly one after another; see proc_queue.h. */
#include "core/proc_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct job {
	struct job *next;
	struct proc_queue *q;
	char **argv;            /* one block each (see copy_strv) */
	char **env;
	struct proc_cred cred;
	bool has_cred;
	uint64_t timeout_us, kill_grace_us;
	int out_fd;
	proc_done_fn done;
	void *arg;
	struct proc *proc;      /* while running */
};

struct proc_queue {
	uv_loop_t *loop;
	size_t max_pending;
	struct job *head, *tail; /* pending, oldest first */
	size_t pending;
	struct job *running;
	bool in_cb;              /* inside the running job's callback */
	bool closing;
	void (*idle)(void *arg);
	void *idle_arg;
	struct proc_queue_stats st;
};

/* Copies a NULL-terminated string vector into one malloc block. */
static char **copy_strv(const char *const *v)
{
	size_t n = 0, bytes = 0;
	while (v && v[n])
		bytes += strlen(v[n++]) + 1;
	size_t vec = (n + 1) * sizeof(char *);
	char **out = malloc(vec + bytes);
	if (!out)
		return NULL;
	char *text = (char *)out + vec;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(text, v[i], l);
		out[i] = text;
		text += l;
	}
	out[n] = NULL;
	return out;
}

static void job_free(struct job *j)
{
	free(j->argv);
	free(j->env);
	free(j);
}

static struct job *job_new(const struct proc_spec *spec)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->argv = copy_strv((const char *const *)spec->argv);
	j->env = spec->env ? copy_strv(spec->env) : NULL;
	if (!j->argv || (spec->env && !j->env)) {
		job_free(j);
		return NULL;
	}
	if (spec->cred) {
		j->cred = *spec->cred;
		j->has_cred = true;
	}
	j->timeout_us = spec->timeout_us ? spec->timeout_us : PROC_QUEUE_DEFAULT_TIMEOUT_US;
	j->kill_grace_us = spec->kill_grace_us;
	j->out_fd = spec->out_fd;
	return j;
}

/* Delivers a result for a job that never ran. */
static void job_abandon(struct job *j, enum proc_outcome why)
{
	struct proc_result r = { .outcome = why };
	j->done(&r, j->arg);
	job_free(j);
}

static void queue_destroy(struct proc_queue *q)
{
	free(q);
}

static void start_next(struct proc_queue *q);

static void job_done(const struct proc_result *r, void *arg)
{
	struct job *j = arg;
	struct proc_queue *q = j->q;
	q->running = NULL;
	q->st.completed++;
	q->in_cb = true;
	j->done(r, j->arg);
	q->in_cb = false;
	job_free(j);
	if (q->closing) {
		queue_destroy(q);
		return;
	}
	start_next(q);
	if (!q->running && !q->head && q->idle)
		q->idle(q->idle_arg);
}

static void start_next(struct proc_queue *q)
{
	while (!q->running && q->head) {
		struct job *j = q->head;
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		q->pending--;
		struct proc_spec spec = {
			.argv = j->argv,
			.env = (const char *const *)j->env,
			.cred = j->has_cred ? &j->cred : NULL,
			.timeout_us = j->timeout_us,
			.kill_grace_us = j->kill_grace_us,
			.out_fd = j->out_fd,
		};
		j->proc = proc_run(q->loop, &spec, job_done, j);
		if (j->proc) {
			q->running = j;
			q->st.started++;
			return;
		}
		/* Out of memory: report it as a start failure and go on with
		 * the next job rather than stalling the queue. */
		struct proc_result r = { .outcome = PROC_START_FAILED, .error = ENOMEM };
		j->done(&r, j->arg);
		job_free(j);
	}
}

struct proc_queue *proc_queue_new(uv_loop_t *loop, size_t max_pending)
{
	struct proc_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->loop = loop;
	q->max_pending = max_pending ? max_pending : PROC_QUEUE_DEFAULT_MAX;
	return q;
}

int proc_queue_push(struct proc_queue *q, const struct proc_spec *spec, proc_done_fn done,
		    void *arg)
{
	if (q->closing) {
		errno = ECANCELED;
		return -1;
	}
	if (!spec || !spec->argv || !spec->argv[0] || !done) {
		errno = EINVAL;
		return -1;
	}
	struct job *j = job_new(spec);
	if (!j) {
		errno = ENOMEM;
		return -1;
	}
	j->q = q;
	j->done = done;
	j->arg = arg;

	struct job *victim = NULL;
	if (q->pending >= q->max_pending) {
		victim = q->head;
		q->head = victim->next;
		if (!q->head)
			q->tail = NULL;
		q->pending--;
		q->st.dropped++;
	}
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->pending++;
	if (!q->running && !q->in_cb)
		start_next(q);
	/* Last, so the callback sees a consistent queue and may push. */
	if (victim)
		job_abandon(victim, PROC_DROPPED);
	return 0;
}

void proc_queue_stats(const struct proc_queue *q, struct proc_queue_stats *out)
{
	*out = q->st;
	out->pending = q->pending;
	out->running = q->running != NULL;
}

void proc_queue_set_idle_cb(struct proc_queue *q, void (*idle)(void *arg), void *arg)
{
	q->idle = idle;
	q->idle_arg = arg;
}

void proc_queue_free(struct proc_queue *q, bool terminate)
{
	if (!q || q->closing)
		return;
	q->closing = true;
	while (q->head) {
		struct job *j = q->head;
		q->head = j->next;
		q->pending--;
		q->st.cancelled++;
		job_abandon(j, PROC_CANCELLED);
	}
	q->tail = NULL;
	if (q->running) {
		if (terminate)
			proc_terminate(q->running->proc);
		return; /* job_done() frees the queue */
	}
	if (q->in_cb)
		return; /* likewise, after the callback returns */
	queue_destroy(q);
}
