/*
 * file: whole-file reads, atomic writes (temp + fsync + rename, STYLE 15),
 * and mkdir -p.  Files va creates with personal data are written 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "va/util.h"

char *file_read(const char *path, size_t *len, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct strbuf sb;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	size_t used = 0;

	if (fd < 0) {
		set_cause(cause, "cannot open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	sb_init(&sb);
	/* Callers read secrets too (passphrase files): one allocation, so no
	 * copy is left behind by a realloc, and the chunk is wiped below. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		sb_grow(&sb, (size_t)st.st_size);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_cause(cause, "cannot read \"%s\": %s", path, strerror(errno));
			close(fd);
			sb_release(&sb);
			return NULL;
		}
		if (n == 0)
			break;
		sb_add(&sb, chunk, (size_t)n);
		if ((size_t)n > used)
			used = (size_t)n;
	}
	explicit_bzero(chunk, used);
	close(fd);
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

int file_check_private(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0; /* the read that follows says what is wrong */
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return set_cause(cause,
		                 "refusing to use \"%s\": it belongs to another user (uid %ld): "
		                 "others could change it (fix: chown %ld %s)",
		                 path, (long)st.st_uid, (long)geteuid(), path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return set_cause(
		    cause, "refusing to use \"%s\": it is writable by %s (fix: chmod go-w %s)",
		    path, st.st_mode & S_IWOTH ? "everyone" : "its group", path);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write_atomic(const char *path, const char *data, size_t len, int mode, char **cause)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0) {
		set_cause(cause, "cannot create \"%s\": %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int mkdir_p(const char *path, int mode, char **cause)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
			set_cause(cause, "cannot create directory \"%s\": %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
		set_cause(cause, "cannot create directory \"%s\": %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

int file_lock_dir(const char *path, char **cause)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd = -1;

	if (slash && slash != dir)
		*slash = '\0';
	else
		snprintf(dir, strlen(dir) + 1, "%s", slash ? "/" : ".");
	if (mkdir_p(dir, 0700, cause) == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			set_cause(cause, "cannot lock \"%s\": %s", dir, strerror(errno));
	}
	free(dir);
	return fd;
}

void file_unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd);
}

int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int dir_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
