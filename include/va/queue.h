/*
 * queue: the one thread-safe event queue from workers to the main thread
 * (L0; DESIGN "Threads", STYLE 9).  Producers push owned copies (ids and
 * strings, never pointers into their own data); the consumer polls
 * queue_fd() for readability, then drains with queue_pop().  The wake-up fd
 * becomes readable whenever the queue goes from empty to non-empty and stays
 * readable until queue_pop() has emptied it.
 *
 * The queue is bounded: when `cap` events wait, further pushes are dropped
 * and counted (queue_dropped), so a stalled consumer cannot grow memory.
 */
#ifndef VA_QUEUE_H
#define VA_QUEUE_H

#include <stddef.h>
#include <stdint.h>

enum event_type {
	EV_JOB_STARTED,  /* id: job id, text: kind */
	EV_JOB_PROGRESS, /* id: job id, text: "done/total" or a note */
	EV_JOB_DONE,     /* id: job id, text: outcome ("ok", "retry", "failed", ...) */
	EV_NEW_MAIL,     /* id: account id or 0, text: summary */
	EV_NOTICE,       /* text: a message for the status line */
};

struct event {
	enum event_type type;
	int64_t         id;
	char           *text; /* owned by the event; NULL allowed */
};

struct queue;

/* A queue holding at most `cap` events (0: 4096).  NULL with *cause when the
 * wake-up pipe cannot be made. */
struct queue *queue_new(size_t cap, char **cause);
/* Frees waiting events too.  The caller makes sure no thread still pushes. */
void          queue_free(struct queue *q);
/* Copy `text` and enqueue; 0, or -1 when the queue is full (the event is
 * dropped and counted).  Any thread. */
int           queue_push(struct queue *q, enum event_type type, int64_t id, const char *text);
/* Take the oldest event into *ev (the caller frees ev->text): 1, or 0 when
 * empty.  Any thread, usually the consumer. */
int           queue_pop(struct queue *q, struct event *ev);
/* The fd to poll for POLLIN.  Never read it directly: queue_pop drains it. */
int           queue_fd(const struct queue *q);
size_t        queue_len(struct queue *q);
size_t        queue_dropped(struct queue *q);

#endif
