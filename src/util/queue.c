/*
 * queue: a mutex-protected ring of events plus a non-blocking pipe whose
 * read end is readable exactly while the ring is non-empty (one byte is
 * written on the empty -> non-empty edge and read back when it empties).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/queue.h"
#include "va/util.h"

struct queue {
	pthread_mutex_t lock;
	struct event   *ring;
	size_t          cap, head, len, dropped;
	int             fds[2];
};

struct queue *queue_new(size_t cap, char **cause)
{
	struct queue *q = xcalloc(1, sizeof *q);

	if (pipe2(q->fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		set_cause(cause, "cannot create the event queue: %s", strerror(errno));
		free(q);
		return NULL;
	}
	q->cap = cap ? cap : 4096;
	q->ring = xcalloc(q->cap, sizeof *q->ring);
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

void queue_free(struct queue *q)
{
	struct event ev;

	if (!q)
		return;
	while (queue_pop(q, &ev))
		free(ev.text);
	close(q->fds[0]);
	close(q->fds[1]);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

int queue_push(struct queue *q, enum event_type type, int64_t id, const char *text)
{
	struct event *slot;
	ssize_t w;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	if (q->len == q->cap) {
		q->dropped++;
		rc = -1;
	} else {
		slot = &q->ring[(q->head + q->len) % q->cap];
		slot->type = type;
		slot->id = id;
		slot->text = xstrdup(text);
		if (q->len++ == 0)
			do
				w = write(q->fds[1], "", 1);
			while (w < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

int queue_pop(struct queue *q, struct event *ev)
{
	char byte;
	int got = 0;

	pthread_mutex_lock(&q->lock);
	if (q->len > 0) {
		*ev = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		got = 1;
		if (--q->len == 0)
			while (read(q->fds[0], &byte, 1) > 0)
				;
	}
	pthread_mutex_unlock(&q->lock);
	return got;
}

int queue_fd(const struct queue *q)
{
	return q->fds[0];
}

size_t queue_len(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t queue_dropped(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return n;
}
