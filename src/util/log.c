/*
 * log: one process-wide log sink guarded by a mutex.  Lines are
 * "2026-11-24T03:14:00Z LEVEL message".  Until log_open() is called nothing
 * below WARN is written, and warnings go to stderr.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "va/log.h"
#include "va/util.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_fp;
static int log_syslog;
static enum log_level log_lvl = LV_WARN;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

enum log_level log_level_parse(const char *s)
{
	size_t i;

	for (i = 0; s && i < VA_ARRAY_LEN(level_names); i++)
		if (!strcmp(s, level_names[i]))
			return (enum log_level)i;
	return LV_INFO;
}

int log_open(const char *path, int use_syslog, enum log_level level)
{
	int fd;

	pthread_mutex_lock(&log_lock);
	log_lvl = level;
	if (log_fp) { /* reopening replaces the previous sink */
		fclose(log_fp);
		log_fp = NULL;
	}
	if (use_syslog) {
		openlog("va", LOG_PID, LOG_USER);
		log_syslog = 1;
	} else if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			log_fp = fdopen(fd, "a");
		if (!log_fp) {
			pthread_mutex_unlock(&log_lock);
			return -1;
		}
		setvbuf(log_fp, NULL, _IOLBF, 0);
	}
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fp)
		fclose(log_fp);
	log_fp = NULL;
	if (log_syslog)
		closelog();
	log_syslog = 0;
	pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	char stamp[32];
	time_t now;
	struct tm tm;
	va_list ap;
	char *msg;

	if (level > log_lvl)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&log_lock);
	if (log_syslog)
		syslog(prio[level], "%s", msg);
	else
		fprintf(log_fp ? log_fp : stderr, "%s %s %s\n", stamp, level_names[level], msg);
	pthread_mutex_unlock(&log_lock);
	free(msg);
}
