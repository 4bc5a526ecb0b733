/*
 * ui: the terminal interface's main thread (DESIGN "Threads", STYLE 7).  It
 * owns curses: set-up, the layout (pane bar, main area, status line, an
 * optional overlay), the poll loop over the terminal, a self-pipe wake-up fd
 * and SIGWINCH, the jobs' events and the inbox reader's answers (reload.c),
 * and one redraw per loop turn (wnoutrefresh per window, one doupdate).  With
 * log_level = debug it logs each key's time from reading it to doupdate.
 * Signal handlers only set a flag and write to the pipe.  While the prompt
 * (prompt.c) is open it takes every key and replaces the status line; the
 * inbox preview split (preview.c) replaces the main window.
 *
 * Start-up: options, app_open, the log (a file, never the screen), curses,
 * theme and keymap, a first frame, the local rescan and the inbox list, then
 * the problems found on the way in the status line.  The terminal is
 * restored (endwin) on every way out, exit() included.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/conf.h"
#include "va/log.h"
#include "va/paths.h"
#include "va/ui.h"
#include "va/util.h"

enum { OVERLAY_MAX_COLS = 96, ESC_DELAY_MS = 25 };

static const char too_small_text[] = "terminal too small (need 80x24)";

static volatile sig_atomic_t got_winch, got_stop;
static int wake_fd[2] = {-1, -1};
static SCREEN *screen;

static const int caught_signals[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved_actions[VA_ARRAY_LEN(caught_signals)];

/* Only async-signal-safe work: a flag and a byte down the pipe. */
static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_stop = 1;
	if (wake_fd[1] >= 0 && write(wake_fd[1], &c, 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

static int signals_install(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(wake_fd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < VA_ARRAY_LEN(caught_signals); i++)
		sigaction(caught_signals[i], &sa, &saved_actions[i]);
	return 0;
}

static void signals_restore(void)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(caught_signals); i++)
		sigaction(caught_signals[i], &saved_actions[i], NULL);
	for (i = 0; i < 2; i++)
		if (wake_fd[i] >= 0) {
			close(wake_fd[i]);
			wake_fd[i] = -1;
		}
}

static void drain_wake(void)
{
	char buf[64];

	while (read(wake_fd[0], buf, sizeof buf) > 0)
		;
}

/* Runs at exit() too (xmalloc's out-of-memory path): never leave the
 * terminal in curses mode. */
static void curses_stop(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}

static int curses_start(void)
{
	static int registered;

	screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return -1;
	if (!registered++)
		atexit(curses_stop);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	return 0;
}

/* ---- layout ---- */

static void win_free(WINDOW **w)
{
	if (*w)
		delwin(*w);
	*w = NULL;
}

static void overlay_windows(struct ui *ui)
{
	int h, w;

	win_free(&ui->ov_body);
	win_free(&ui->ov_frame);
	if (!ui->overlay || ui->too_small)
		return;
	ui_overlay_size(&h, &w);
	ui->ov_frame = newwin(h + 2, w + 2, (LINES - h - 2) / 2, (COLS - w - 2) / 2);
	ui->ov_body = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
}

void ui_overlay_size(int *height, int *width)
{
	*height = LINES - 6;
	*width = COLS - 6 < OVERLAY_MAX_COLS ? COLS - 6 : OVERLAY_MAX_COLS;
}

/* (Re)create the windows for the terminal's size; none when it is too small. */
void ui_layout(struct ui *ui)
{
	win_free(&ui->bar);
	win_free(&ui->main);
	win_free(&ui->status);
	ui->too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
	werase(stdscr);
	wnoutrefresh(stdscr);
	overlay_windows(ui);
	if (ui->too_small) {
		preview_release(ui);
		return;
	}
	ui->bar = newwin(1, COLS, 0, 0);
	ui->main = newwin(LINES - 2, COLS, 1, 0);
	ui->status = newwin(1, COLS, LINES - 1, 0);
	preview_layout(ui);
}

static void resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_layout(ui);
}

/* ---- panes on screen ---- */

struct pane *ui_focus(struct ui *ui)
{
	if (ui->overlay)
		return ui->overlay;
	return ui->view[ui->tab] ? ui->view[ui->tab] : ui->tabs[ui->tab];
}

void ui_open_view(struct ui *ui, struct pane *p)
{
	pane_free(ui->view[ui->tab]);
	ui->view[ui->tab] = p;
}

void ui_open_overlay(struct ui *ui, struct pane *p)
{
	pane_free(ui->overlay);
	ui->overlay = p;
	overlay_windows(ui);
}

int ui_close_top(struct ui *ui)
{
	if (ui->overlay) {
		pane_free(ui->overlay);
		ui->overlay = NULL;
		overlay_windows(ui);
		return 1;
	}
	if (ui->view[ui->tab]) {
		pane_free(ui->view[ui->tab]);
		ui->view[ui->tab] = NULL;
		return 1;
	}
	return 0;
}

/* ---- drawing ---- */

static void draw_overlay(struct ui *ui)
{
	char *title = pane_title(ui->overlay), *label, key[32];
	int h, w, k = keymap_key_for(&ui->keymap, KM_HELP, CMD_CLOSE), lw;

	werase(ui->ov_frame);
	wattrset(ui->ov_frame, theme_attr(&ui->theme, ROLE_HELP_BORDER));
	box(ui->ov_frame, 0, 0);
	label = xasprintf(" %s \xc2\xb7 %s to close ", title,
	                  k >= 0 ? key_to_name(k, key, sizeof key) : "Esc");
	lw = (int)utf8_width(label);
	if (lw > getmaxx(ui->ov_frame) - 4)
		lw = getmaxx(ui->ov_frame) - 4;
	ui_put(ui->ov_frame, 0, 2, label, lw, theme_attr(&ui->theme, ROLE_HELP_TITLE));
	wnoutrefresh(ui->ov_frame);
	getmaxyx(ui->ov_body, h, w);
	pane_resize(ui->overlay, h, w);
	pane_draw(ui->overlay, ui->ov_body);
	wnoutrefresh(ui->ov_body);
	free(label);
	free(title);
}

static void draw(struct ui *ui, int full)
{
	struct pane *shown = ui->view[ui->tab] ? ui->view[ui->tab] : ui->tabs[ui->tab];

	if (ui->too_small) {
		werase(stdscr);
		ui_put(stdscr, 0, 0, too_small_text, COLS, A_BOLD);
		wnoutrefresh(stdscr);
	} else {
		bar_draw(ui, ui->bar);
		wnoutrefresh(ui->bar);
		if (preview_active(ui)) {
			preview_draw(ui);
		} else {
			pane_resize(shown, getmaxy(ui->main), getmaxx(ui->main));
			pane_draw(shown, ui->main);
			wnoutrefresh(ui->main);
		}
		if (ui->prompt)
			prompt_draw(ui, ui->status);
		else
			status_draw(ui, ui->status);
		wnoutrefresh(ui->status);
		if (ui->overlay)
			draw_overlay(ui);
	}
	if (full)
		clearok(curscr, TRUE);
	doupdate();
}

/* ---- input ---- */

static int handle_key(struct ui *ui, int key)
{
	struct pane *p = ui_focus(ui);
	enum cmd_id cmd = keymap_lookup(&ui->keymap, p ? p->ops->context : KM_GLOBAL, key);
	char name[32], help[32];
	int hk;

	int prefix = ui->tag_prefix, flags;

	if (ui->prompt)
		return prompt_key(ui, key);
	status_clear_info(ui);
	if (cmd != CMD_NONE) {
		flags = command_run(ui, cmd) | UI_DRAW;
		if (prefix && cmd != CMD_TAG_APPLY)
			ui->tag_prefix = 0;
		return flags;
	}
	ui->tag_prefix = 0;
	hk = keymap_key_for(&ui->keymap, KM_GLOBAL, CMD_HELP);
	status_info(ui, "%s is not bound%s%s%s", key_to_name(key, name, sizeof name),
	            hk >= 0 ? " (" : "", hk >= 0 ? key_to_name(hk, help, sizeof help) : "",
	            hk >= 0 ? " for help)" : "");
	return UI_DRAW;
}

/* Every key curses has buffered; stops at the first quit. */
static int read_keys(struct ui *ui)
{
	wint_t wc;
	int rc, key, flags = 0;

	while (!(flags & UI_QUIT) && (rc = wget_wch(stdscr, &wc)) != ERR) {
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
			got_winch = 1;
			continue;
		}
		if ((key = key_from_curses(rc, wc)) >= 0)
			flags |= handle_key(ui, key);
	}
	return flags;
}

int64_t ui_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Keys read at t[0] (µs), handled by t[1]: log how long the person waited
 * for the screen, key to doupdate (debug level; the TUI bench reads it). */
static void log_key_time(const int64_t t[2])
{
	int64_t t2 = ui_now_us();

	log_debug("ui: keys handled in %.2f ms, drawn in %.2f ms, %.2f ms in all",
	          (double)(t[1] - t[0]) / 1000, (double)(t2 - t[1]) / 1000,
	          (double)(t2 - t[0]) / 1000);
}

/* Wait, read, redraw once; returns when a command or a signal says quit. */
static void loop(struct ui *ui)
{
	struct pollfd fds[4] = {
	    {STDIN_FILENO, POLLIN, 0}, {-1, POLLIN, 0}, {-1, POLLIN, 0}, {-1, POLLIN, 0}};
	int flags = UI_DRAW;
	int64_t t[2] = {0, 0}; /* keys read, handled (µs); 0: no keys this turn */

	fds[1].fd = wake_fd[0];
	fds[2].fd = ui_jobs_fd(ui);
	for (;;) {
		if (got_winch) {
			got_winch = 0;
			resize(ui);
			flags |= UI_DRAW;
		}
		if ((flags & UI_QUIT) || got_stop)
			return;
		if (flags & UI_DRAW)
			draw(ui, flags & UI_FULL);
		if (t[0] && (flags & UI_DRAW))
			log_key_time(t);
		t[0] = 0;
		flags = 0;
		fds[3].fd = reload_fd(ui); /* the reader starts on the first reload */
		int n = poll(fds, 4, ui_jobs_timeout(ui));
		if (n < 0 && errno != EINTR)
			return;
		if (n == 0) {
			flags |= ui_jobs_tick(ui);
			continue;
		}
		if (fds[1].revents & POLLIN)
			drain_wake();
		if (fds[2].revents & POLLIN)
			flags |= ui_jobs_drain(ui);
		if (fds[3].revents & POLLIN)
			flags |= reload_take(ui);
		if (fds[0].revents & POLLIN) {
			t[0] = ui_now_us();
			flags |= read_keys(ui);
			t[1] = ui_now_us();
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return; /* the terminal went away */
	}
}

/* ---- start-up and teardown ---- */

/* The global options (cli.c has checked them already). */
static void parse_args(int argc, char **argv, struct app_opts *o)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"data-dir", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:d:", opts, NULL)) != -1) {
		if (c == 'c')
			o->config_path = optarg;
		else if (c == 'd')
			o->data_dir = optarg;
	}
}

/* Diagnostics go to a file (or syslog) while curses owns the screen. */
static void open_log(struct ui *ui, struct errlist *errs)
{
	const char *where = conf_get(ui->app->conf, "general", "log");
	enum log_level lv = log_level_parse(conf_get(ui->app->conf, "general", "log_level"));
	char *dir = paths_state_dir(), *path = xasprintf("%s/va.log", dir), *cause = NULL;

	if (where && !strcmp(where, "syslog"))
		log_open(NULL, 1, lv);
	else if (mkdir_p(dir, 0700, &cause) < 0 || log_open(path, 0, lv) < 0) {
		errlist_add(errs, "cannot open the log \"%s\": %s", path,
		            cause ? cause : strerror(errno));
		log_open("/dev/null", 0, lv);
	}
	free(cause);
	free(path);
	free(dir);
}

static void startup_problems(struct ui *ui, struct errlist *errs)
{
	size_t i;

	for (i = 0; i < conf_nerrors(ui->app->conf); i++)
		errlist_add(errs, "%s", conf_error(ui->app->conf, i));
	for (i = 0; i < ui->app->nerrors; i++)
		errlist_add(errs, "%s", ui->app->errors[i]);
}

/* Rescan local mail and list the inbox (no network: Maildir only). */
static void load_mail(struct ui *ui, struct errlist *errs)
{
	struct import_report r;
	char *cause = NULL;
	size_t i;

	memset(&r, 0, sizeof r);
	if (inbox_refresh_local(ui->app, &r, &cause) < 0)
		errlist_add(errs, "cannot rescan local mail: %s", cause ? cause : "?");
	for (i = 0; i < r.nfailures; i++)
		errlist_add(errs, "cannot read message \"%s\": %s", r.failures[i].path,
		            r.failures[i].reason);
	import_report_release(&r);
	free(cause);
	pane_inbox_load(ui->tabs[TAB_INBOX]);
}

static void ui_release(struct ui *ui)
{
	size_t i;

	prompt_free(ui);
	preview_release(ui);
	pane_free(ui->overlay);
	for (i = 0; i < TAB_COUNT; i++) {
		pane_free(ui->view[i]);
		pane_free(ui->tabs[i]);
	}
	win_free(&ui->ov_body);
	win_free(&ui->ov_frame);
	win_free(&ui->bar);
	win_free(&ui->main);
	win_free(&ui->status);
	theme_release(&ui->theme);
	keymap_release(&ui->keymap);
	errlist_release(&ui->log);
	free(ui->error);
	free(ui->info);
	app_close(ui->app);
}

/* Everything after curses is up: the first frame, the mail, the loop. */
static void ui_run(struct ui *ui, struct errlist *errs, int64_t t0)
{
	const struct conf *c = ui->app->conf;

	keymap_setup(&ui->keymap, conf_get(c, "ui", "keymap"), errs);
	theme_setup(&ui->theme, conf_get(c, "ui", "theme"), errs);
	ui->scope = ui->app->naccounts == 1 ? ui->app->accounts[0].name : "all accounts";
	ui->folder = "INBOX";
	ui->tabs[TAB_INBOX] = tab_pane_new(ui, TAB_INBOX);
	ui->preview = conf_get_bool(c, "ui", "preview") == 1;
	ui_layout(ui);
	status_info(ui, "reading mail\xe2\x80\xa6");
	draw(ui, 0);
	load_mail(ui, errs);
	status_clear_info(ui);
	status_report(ui, errs);
	log_info("ui: inbox of %zu messages drawn %lld ms after start", ui->total,
	         (long long)(time_now_ms() - t0));
	ui_jobs_start(ui); /* after the first frame: the person sees mail at once */
	loop(ui);
	ui_jobs_stop(ui);
	reload_stop(ui);
}

int ui_main(int argc, char **argv)
{
	struct accounts_io io;
	struct app_opts o = {NULL, NULL, &io};
	struct errlist errs = {NULL, 0};
	struct ui ui;
	char *cause = NULL;
	int64_t t0 = time_now_ms();

	accounts_quiet_io(&io); /* background jobs cannot ask: VA_PASSPHRASE_FILE or the keyring */
	parse_args(argc, argv, &o);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("va: the terminal interface needs a terminal; see va --help for commands\n",
		      stderr);
		return 1;
	}
	memset(&ui, 0, sizeof ui);
	if (app_open(&ui.app, &o, &cause) < 0) {
		fprintf(stderr, "va: %s\n", cause ? cause : "cannot start");
		free(cause);
		return 1;
	}
	open_log(&ui, &errs);
	startup_problems(&ui, &errs);
	if (signals_install() < 0 || curses_start() < 0) {
		signals_restore();
		fprintf(stderr, "va: cannot start the terminal interface (is TERM set?)\n");
		errlist_release(&errs);
		ui_release(&ui);
		return 1;
	}
	ui_run(&ui, &errs, t0);
	ui_release(&ui);
	curses_stop();
	signals_restore();
	errlist_release(&errs);
	log_close();
	return 0;
}
