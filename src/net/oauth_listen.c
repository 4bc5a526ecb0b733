/*
 * oauth_listen: the loopback redirect listener of the authorization-code
 * flow.  It binds 127.0.0.1 on a port the kernel picks, answers the browser's
 * one redirect with a short page, and can at the same time read an address
 * the user pastes (the SSH case, where the browser's 127.0.0.1 is another
 * machine).  Requests that carry neither code= nor error= (a favicon) get a
 * 404 and the wait goes on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "oauth_internal.h"

#define MAX_REQUEST 8192

struct listener {
	int fd;
	int port;
};

struct listener *listener_new(char **cause)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct listener *l;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		set_cause(cause, "cannot listen on 127.0.0.1 for the sign-in redirect: %s",
		          strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->port = ntohs(sa.sin_port);
	return l;
}

int listener_port(const struct listener *l)
{
	return l->port;
}

void listener_free(struct listener *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l);
}

static void reply(int fd, const char *status, const char *body)
{
	char *r = xasprintf(
	    "HTTP/1.1 %s\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n%s",
	    status, strlen(body), body);
	size_t off = 0, len = strlen(r);

	while (off < len) {
		ssize_t n = write(fd, r + off, len - off);
		if (n <= 0 && errno != EINTR)
			break;
		if (n > 0)
			off += (size_t)n;
	}
	free(r);
}

/* Read one request head (5 s at most); returns the request target or NULL. */
static char *read_target(int fd)
{
	char buf[MAX_REQUEST + 1], *sp, *end;
	size_t len = 0;
	struct pollfd p = {fd, POLLIN, 0};

	while (len < MAX_REQUEST && poll(&p, 1, 5000) > 0) {
		ssize_t n = read(fd, buf + len, MAX_REQUEST - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			break;
	}
	buf[len] = '\0';
	if (strncmp(buf, "GET ", 4))
		return NULL;
	sp = buf + 4;
	end = strchr(sp, ' ');
	return end ? xstrndup(sp, (size_t)(end - sp)) : NULL;
}

static const char page_done[] =
    "<!doctype html><title>va</title><p>va has the answer from your provider. "
    "You can close this tab and go back to the terminal.</p>";

/* One browser connection: the target when it is the redirect, else NULL. */
static char *serve_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	char *t;

	if (fd < 0)
		return NULL;
	t = read_target(fd);
	if (t && (strstr(t, "code=") || strstr(t, "error="))) {
		reply(fd, "200 OK", page_done);
	} else {
		reply(fd, "404 Not Found", "<!doctype html><title>va</title><p>Not here.</p>");
		x_free(&t);
	}
	close(fd);
	return t;
}

/* Append what is readable on fd; 1 when a whole non-empty line is there,
 * 0 to keep waiting, -1 at end of input. */
static int read_paste(int fd, struct strbuf *sb)
{
	char c[512];
	ssize_t n = read(fd, c, sizeof c);
	char *nl;

	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	if (sb->len + (size_t)n > MAX_REQUEST)
		sb_reset(sb);
	sb_add(sb, c, (size_t)n);
	while ((nl = strchr(sb->buf, '\n')) != NULL) {
		*nl = '\0';
		if (*str_trim(sb->buf))
			return 1;
		sb_reset(sb);
	}
	return 0;
}

int listener_wait(struct listener *l, int paste_fd, int timeout_s, char **redirect, char **cause)
{
	int64_t deadline = time_now_ms() + (int64_t)(timeout_s > 0 ? timeout_s : 300) * 1000;
	struct strbuf sb = STRBUF_INIT;
	struct pollfd p[2];

	*redirect = NULL;
	sb_init(&sb);
	while (time_now_ms() < deadline) {
		int np = 1, rc, wait_ms = (int)(deadline - time_now_ms());
		p[0] = (struct pollfd){l->fd, POLLIN, 0};
		if (paste_fd >= 0)
			p[np++] = (struct pollfd){paste_fd, POLLIN, 0};
		rc = poll(p, (nfds_t)np, wait_ms > 0 ? wait_ms : 0);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && (p[0].revents & POLLIN) && (*redirect = serve_one(l->fd)) != NULL)
			break;
		if (np == 2 && p[1].revents) {
			int r = read_paste(paste_fd, &sb);
			if (r > 0) {
				*redirect = xstrdup(str_trim(sb.buf));
				break;
			}
			if (r < 0)
				paste_fd = -1; /* input closed: the browser may still come */
		}
	}
	sb_release(&sb);
	if (*redirect)
		return 0;
	return set_cause(cause, "no answer from the browser within %d s: run the sign-in again",
	                 timeout_s > 0 ? timeout_s : 300);
}
