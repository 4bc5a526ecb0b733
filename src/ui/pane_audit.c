/*
 * pane_audit: the audit log, newest first (app/audit.c): who did what to
 * which message, before and after, and the verdict that led to it, under a
 * line saying whether the hash chain verifies.  The entries are decrypted
 * with the audit key; when it cannot be had without asking (the secrets file
 * and no VA_PASSPHRASE_FILE), the pane says how to unlock it.  The text is
 * read again when the pane is rebuilt (shown again or resized).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "ui_internal.h"
#include "va/audit.h"
#include "va/util.h"

#define AUDIT_ROWS 500

static void verify_line(struct ui *ui, struct lines *out, int width)
{
	struct audit_report r;
	char *cause = NULL, *s;

	if (audit_verify(ui->app, NULL, &r, &cause) < 0) {
		s = xasprintf("Audit log: cannot check it now: %s", cause ? cause : "?");
		lines_wrap(out, ROLE_MSG_PROBLEM, s, width);
		free(s);
		free(cause);
		return;
	}
	if (r.ok)
		s = xasprintf("Audit log intact: %" PRId64 " entries, chain and head verified%s", r.entries,
		              r.pending ? " (some still sealed, waiting for the key)" : "");
	else
		s = xasprintf("Audit log NOT intact: %s", r.problem ? r.problem : "?");
	lines_wrap(out, r.ok ? ROLE_MSG_HEADER : ROLE_MSG_PROBLEM, s, width);
	free(s);
	audit_report_release(&r);
}

static void audit_build(struct ui *ui, struct lines *out, int width)
{
	struct audit_entry *v = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	verify_line(ui, out, width);
	lines_add(out, ROLE_NORMAL, "");
	if (audit_list(ui->app, NULL, AUDIT_ROWS, &v, &n, &cause) < 0) {
		char *s = xasprintf("The entries are encrypted and the key is not at hand: %s. "
		                    "Run 'va audit list' in a terminal, or start va with "
		                    "VA_PASSPHRASE_FILE set.",
		                    cause ? cause : "?");
		lines_wrap(out, ROLE_NOTICE, s, width);
		free(s);
		free(cause);
		return;
	}
	if (n == 0)
		lines_add(out, ROLE_NOTICE, "No entries yet: every action, rule and job will be listed here.");
	for (i = 0; i < n; i++) {
		char when[24], *sum = audit_entry_summary(&v[i]), *line;
		time_t t = (time_t)v[i].ts;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		line = xasprintf("%5" PRId64 "  %s  %s", v[i].id, when, sum);
		lines_wrap(out, v[i].problem ? ROLE_MSG_PROBLEM : ROLE_NORMAL, line, width);
		if (v[i].problem) {
			char *p = xasprintf("       %s", v[i].problem);
			lines_add(out, ROLE_MSG_PROBLEM, p);
			free(p);
		}
		free(line);
		free(sum);
	}
	audit_entries_free(v, n);
}

struct pane *pane_audit_new(struct ui *ui)
{
	return pane_text_new(ui, "Audit", KM_GLOBAL, audit_build);
}
