/*
 * external: running another program with the terminal handed over (an
 * attachment viewer, $EDITOR for a rule or a template).  Curses is suspended
 * (endwin before, a full repaint after); C-c while it runs goes to that
 * program, not to va.  No shell: argv is run directly.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/util.h"

enum { MAX_ARGS = 32 };

int ui_run_program(char **argv, const char *stdin_path)
{
	sigset_t block, old;
	struct sigaction ign, saved;
	int status = -1;
	pid_t pid;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	def_prog_mode();
	endwin();
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (stdin_path && !freopen(stdin_path, "r", stdin))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &saved); /* drop a C-c meant for the program */
	sigaction(SIGINT, &saved, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	reset_prog_mode();
	refresh();
	if (pid < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char **ui_editor_argv(const char *path)
{
	const char *e = getenv("VISUAL");
	char **argv = xcalloc(MAX_ARGS + 2, sizeof(*argv)), *copy, *word, *save = NULL;
	int n = 0;

	if (!e || !*e)
		e = getenv("EDITOR");
	copy = xstrdup(e && *e ? e : "vi");
	for (word = strtok_r(copy, " \t", &save); word && n < MAX_ARGS;
	     word = strtok_r(NULL, " \t", &save))
		argv[n++] = xstrdup(word);
	if (n == 0)
		argv[n++] = xstrdup("vi");
	argv[n] = xstrdup(path);
	free(copy);
	return argv;
}

void ui_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
