/*
 * background: the scheduler inside the TUI.  When no daemon holds the
 * database's scheduler lock, va runs the same scheduler in-process (worker
 * threads with their own store connections) so mail syncs, classification,
 * rules, follow-ups and replies happen while the person reads.  Workers post
 * events to a queue; the main loop drains it here, keeps the status line's
 * job note current and has the inbox read again when a mail job finished.
 * When a daemon runs the jobs, the TUI watches SQLite's data_version once a
 * second and has the inbox read again when another process wrote to the
 * database.  Those reads run on reload.c's reader thread, off the UI's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/conf.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/queue.h"
#include "va/rules_run.h"
#include "va/store.h"
#include "va/util.h"

static void set_jobs(struct ui *ui, char *text)
{
	free(ui->jobs);
	ui->jobs = text;
}

void ui_jobs_start(struct ui *ui)
{
	char *cause = NULL;

	if (conf_get_bool(ui->app->conf, "scheduler", "in_process") == 0) {
		return; /* as configured: jobs run in `va daemon`, or not at all */
	}
	if (!(ui->events = queue_new(512, &cause))) {
		log_warn("ui: no event queue: %s", cause ? cause : "?");
		free(cause);
		return;
	}
	if (!(ui->js = jobs_scheduler_start(ui->app, ui->events, &cause))) {
		/* most often: `va daemon` runs them (the cause names its pid) */
		log_info("ui: jobs not run here: %s", cause ? cause : "?");
		set_jobs(ui, xasprintf("jobs: %s", cause ? cause : "not running"));
		free(cause);
		queue_free(ui->events);
		ui->events = NULL;
		ui->follow = 1; /* what the daemon changes shows up here */
		ui->data_version = store_data_version(ui->app->store);
		return;
	}
	if (jobs_ensure_sync(ui->app, &cause) < 0 || rules_ensure_jobs(ui->app, &cause) < 0) {
		log_warn("ui: cannot schedule the periodic jobs: %s", cause ? cause : "?");
		x_free(&cause);
	}
}

int ui_jobs_fd(const struct ui *ui)
{
	return ui->events ? queue_fd(ui->events) : -1;
}

static struct ui_job *slot(struct ui *ui, int64_t id, int take)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(ui->running); i++)
		if (ui->running[i].id == id)
			return &ui->running[i];
	for (i = 0; take && i < VA_ARRAY_LEN(ui->running); i++)
		if (ui->running[i].id == 0) {
			ui->running[i].id = id;
			return &ui->running[i];
		}
	return NULL;
}

static int mail_kind(const char *kind)
{
	return !strcmp(kind, "sync") || !strcmp(kind, "rules") || !strcmp(kind, "classify") ||
	       !strcmp(kind, "snooze_wake") || !strcmp(kind, "followup_check");
}

int ui_jobs_drain(struct ui *ui)
{
	struct event ev;
	struct ui_job *j;
	int flags = 0, reload = 0;

	if (!ui->events)
		return 0;
	while (queue_pop(ui->events, &ev) == 1) {
		switch (ev.type) {
		case EV_JOB_STARTED:
			if ((j = slot(ui, ev.id, 1)) != NULL)
				snprintf(j->kind, sizeof j->kind, "%s", ev.text ? ev.text : "job");
			set_jobs(ui, xasprintf("%s running\xe2\x80\xa6", ev.text ? ev.text : "job"));
			break;
		case EV_JOB_PROGRESS:
			j = slot(ui, ev.id, 0);
			set_jobs(ui, xasprintf("%s: %s", j ? j->kind : "job", ev.text ? ev.text : ""));
			break;
		case EV_JOB_DONE:
			if ((j = slot(ui, ev.id, 0)) != NULL) {
				int ok = ev.text && !strcmp(ev.text, "ok");
				reload |= ok && mail_kind(j->kind);
				set_jobs(ui, ok ? xasprintf("%s done", j->kind)
				                : xasprintf("%s: %s (see the Jobs pane)", j->kind,
				                            ev.text ? ev.text : "?"));
				j->id = 0;
			}
			break;
		case EV_NEW_MAIL:
			reload = 1;
			break;
		case EV_NOTICE:
			set_jobs(ui, xstrdup(ev.text ? ev.text : ""));
			break;
		}
		free(ev.text);
		flags |= UI_DRAW;
	}
	if (reload)
		reload_request(ui); /* read by the reader thread; installed when it answers */
	/* the Jobs pane, when it is the one shown, follows the jobs live */
	if (flags && ui->tab == TAB_JOBS && ui->tabs[TAB_JOBS] && ui->tabs[TAB_JOBS]->ops->show)
		ui->tabs[TAB_JOBS]->ops->show(ui->tabs[TAB_JOBS]);
	return flags;
}

int ui_jobs_timeout(const struct ui *ui)
{
	return ui->follow ? 1000 : -1;
}

int ui_jobs_tick(struct ui *ui)
{
	int64_t v;

	if (!ui->follow || (v = store_data_version(ui->app->store)) == ui->data_version)
		return 0;
	ui->data_version = v;
	reload_request(ui);
	if (ui->tab == TAB_JOBS && ui->tabs[TAB_JOBS] && ui->tabs[TAB_JOBS]->ops->show)
		ui->tabs[TAB_JOBS]->ops->show(ui->tabs[TAB_JOBS]);
	return UI_DRAW;
}

void ui_jobs_stop(struct ui *ui)
{
	if (ui->js)
		jobs_scheduler_stop(ui->js); /* checkpoints running jobs, joins the workers */
	ui->js = NULL;
	if (ui->events)
		queue_free(ui->events);
	ui->events = NULL;
	set_jobs(ui, NULL);
}
