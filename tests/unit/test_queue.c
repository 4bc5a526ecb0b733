/* test_queue: the event queue: order, the wake-up fd's edge, the bound, and
 * many producer threads against one consumer. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/queue.h"
#include "va/util.h"

static int readable(struct queue *q, int ms)
{
	struct pollfd p = {queue_fd(q), POLLIN, 0};

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void test_order_and_fd(void **state)
{
	struct queue *q = queue_new(8, NULL);
	struct event ev;

	(void)state;
	assert_non_null(q);
	assert_false(readable(q, 0));
	assert_int_equal(queue_push(q, EV_JOB_STARTED, 1, "sync"), 0);
	assert_int_equal(queue_push(q, EV_JOB_DONE, 1, "ok"), 0);
	assert_true(readable(q, 0));
	assert_int_equal(queue_pop(q, &ev), 1);
	assert_int_equal(ev.type, EV_JOB_STARTED);
	assert_string_equal(ev.text, "sync");
	free(ev.text);
	assert_true(readable(q, 0)); /* still one waiting */
	assert_int_equal(queue_pop(q, &ev), 1);
	assert_int_equal(ev.type, EV_JOB_DONE);
	free(ev.text);
	assert_false(readable(q, 0));
	assert_int_equal(queue_pop(q, &ev), 0);
	queue_free(q);
}

static void test_bound(void **state)
{
	struct queue *q = queue_new(4, NULL);
	struct event ev;
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		queue_push(q, EV_NOTICE, i, NULL);
	assert_int_equal(queue_len(q), 4);
	assert_int_equal(queue_dropped(q), 2);
	assert_int_equal(queue_pop(q, &ev), 1);
	assert_int_equal(ev.id, 0);
	assert_null(ev.text);
	queue_free(q); /* frees the three left */
}

#define PRODUCERS 4
#define EACH      5000

static void *producer(void *arg)
{
	struct queue *q = arg;
	int i;

	for (i = 0; i < EACH; i++)
		while (queue_push(q, EV_JOB_PROGRESS, i, "x") < 0)
			;
	return NULL;
}

static void test_threads(void **state)
{
	struct queue *q = queue_new(256, NULL);
	pthread_t t[PRODUCERS];
	struct event ev;
	int64_t sum = 0, want = (int64_t)PRODUCERS * EACH * (EACH - 1) / 2;
	int i, got = 0;

	(void)state;
	for (i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, producer, q);
	while (got < PRODUCERS * EACH) {
		if (!readable(q, 5000))
			fail_msg("no wake-up after %d events", got);
		while (queue_pop(q, &ev)) {
			sum += ev.id;
			got++;
			free(ev.text);
		}
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(sum, want);
	assert_false(readable(q, 0));
	queue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_fd),
	    cmocka_unit_test(test_bound),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
