/*
 * fuzz_mbox: mbox splitting (mbox_each, src/mail/maildir.c): "From " lines,
 * mboxrd ">From " unescaping, CRLF.  mbox_each reads a path, so the input
 * goes into a memfd named by /proc/self/fd/N.  Every message handed over
 * must lie inside a buffer of the stated length (ASan checks the read).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "va/maildir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t total, count;
};

static int on_message(void *arg, const char *msg, size_t len, size_t index)
{
	struct seen *s = arg;
	volatile char sink = 0;

	if (index != s->count)
		abort();
	if (len) /* touch both ends */
		sink = (char)(msg[0] ^ msg[len - 1]);
	(void)sink;
	s->total += len;
	s->count++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-mbox", 0);
	char path[64], *cause = NULL;
	struct seen s = {0, 0};

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	(void)mbox_is(path);
	(void)mbox_each(path, on_message, &s, &cause);
	/* Unescaping only removes bytes ("From " lines and one '>' per line). */
	if (s.total > size)
		abort();
	free(cause);
	close(fd);
	return 0;
}
