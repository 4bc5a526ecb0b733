/*
 * send_attach: the files `va send --attach` names, read into memory for the
 * composer (send.c), each with a MIME type guessed from its name and content.
 * Every file is checked (exists, not a directory, readable) and the total
 * weighed against [send] max_attachments before any is read, so a bad file
 * stops the message before anything leaves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "va/app.h"
#include "va/conf.h"
#include "va/send.h"
#include "va/util.h"

/* File name extensions and their types.  Text types get "; charset=utf-8"
 * when the content is UTF-8. */
static const struct {
	const char *ext, *type;
} types[] = {
    {"txt", "text/plain"},
    {"log", "text/plain"},
    {"md", "text/markdown"},
    {"csv", "text/csv"},
    {"tsv", "text/tab-separated-values"},
    {"html", "text/html"},
    {"htm", "text/html"},
    {"ics", "text/calendar"},
    {"vcf", "text/vcard"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"7z", "application/x-7z-compressed"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"svg", "image/svg+xml"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"mp4", "video/mp4"},
    {"doc", "application/msword"},
    {"xls", "application/vnd.ms-excel"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
};

char *send_guess_type(const char *name, const unsigned char *data, size_t len)
{
	const char *dot = strrchr(name, '.');
	int binary = memchr(data, '\0', len) != NULL;
	int utf8 = !binary && utf8_valid((const char *)data, len);
	size_t i;

	for (i = 0; dot && dot != name && i < VA_ARRAY_LEN(types); i++) {
		if (strcasecmp(dot + 1, types[i].ext))
			continue;
		if (strncmp(types[i].type, "text/", 5))
			return xstrdup(types[i].type);
		if (binary)
			break;
		return utf8 ? xasprintf("%s; charset=utf-8", types[i].type)
		            : xstrdup(types[i].type);
	}
	return xstrdup(utf8 ? "text/plain; charset=utf-8" : "application/octet-stream");
}

/* What is wrong with an open() or read() that failed, in the house grammar. */
static const char *why(int err)
{
	switch (err) {
	case ENOENT: return "no such file";
	case EACCES:
	case EPERM: return "permission denied";
	case EISDIR: return "it is a directory";
	default: return strerror(err);
	}
}

/* "12 bytes", "3.4 kB", "25.0 MB": for the size cap's message. */
static char *size_text(int64_t n)
{
	if (n < 1024)
		return xasprintf("%lld bytes", (long long)n);
	if (n < 1024 * 1024)
		return xasprintf("%.1f kB", (double)n / 1024);
	return xasprintf("%.1f MB", (double)n / (1024 * 1024));
}

/* Open paths[0..n) into fds[] and sum their sizes; -1 and *cause for the
 * first one that is missing, unreadable or not a regular file. */
static int open_all(const char *const *paths, size_t n, int *fds, int64_t *total, char **cause)
{
	struct stat st;
	size_t i;

	for (*total = 0, i = 0; i < n; i++) {
		if ((fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC)) < 0)
			return set_cause(cause, "cannot attach \"%s\": %s", paths[i], why(errno));
		if (fstat(fds[i], &st) < 0)
			return set_cause(cause, "cannot attach \"%s\": %s", paths[i], why(errno));
		if (S_ISDIR(st.st_mode))
			return set_cause(cause, "cannot attach \"%s\": it is a directory",
			                 paths[i]);
		if (!S_ISREG(st.st_mode))
			return set_cause(cause, "cannot attach \"%s\": it is not a regular file",
			                 paths[i]);
		*total += st.st_size;
	}
	return 0;
}

/* Read the whole of fd (a regular file of about `size` bytes) into a. */
static int read_one(int fd, const char *path, struct send_attachment *a, char **cause)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	ssize_t got;

	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			sb_release(&sb);
			return set_cause(cause, "cannot attach \"%s\": %s", path, why(errno));
		}
		sb_add(&sb, chunk, (size_t)got);
	}
	a->len = sb.len;
	a->data = (unsigned char *)sb_detach(&sb);
	a->name = xstrdup(strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	a->type = send_guess_type(a->name, a->data, a->len);
	return 0;
}

int send_attachments_load(struct send_attachment *a, const char *const *paths, size_t n,
                          int64_t max, char **cause)
{
	int *fds = xcalloc(n ? n : 1, sizeof *fds);
	int64_t total;
	char *have, *cap;
	size_t i;
	int rc;

	memset(a, 0, n * sizeof *a);
	for (i = 0; i < n; i++)
		fds[i] = -1;
	rc = open_all(paths, n, fds, &total, cause);
	if (rc == 0 && max > 0 && total > max) {
		have = size_text(total);
		cap = size_text(max);
		if (n == 1)
			rc = set_cause(cause,
			               "cannot attach \"%s\": it is %s, more than [send] "
			               "max_attachments (%s)",
			               paths[0], have, cap);
		else
			rc = set_cause(cause,
			               "cannot attach %zu files of %s together: more than "
			               "[send] max_attachments (%s)",
			               n, have, cap);
		free(have);
		free(cap);
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = read_one(fds[i], paths[i], &a[i], cause);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return rc;
}

void send_attachments_release(struct send_attachment *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].type);
		free(a[i].data);
		memset(&a[i], 0, sizeof a[i]);
	}
}

int64_t send_attachments_max(struct app *app)
{
	return conf_get_size(app->conf, "send", "max_attachments");
}
