/*
 * log: diagnostics to a file (or syslog), never onto the curses screen
 * (STYLE 24).  Thread-safe.  Secrets must never be passed to it.
 */
#ifndef VA_LOG_H
#define VA_LOG_H

enum log_level { LV_ERROR, LV_WARN, LV_INFO, LV_DEBUG };

/* Open the log: path NULL means stderr; use_syslog sends to syslog instead.
 * Calling it again replaces the previous sink. */
int  log_open(const char *path, int use_syslog, enum log_level level);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum log_level log_level_parse(const char *s);

#define log_error(...) log_msg(LV_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LV_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LV_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LV_DEBUG, __VA_ARGS__)

#endif
