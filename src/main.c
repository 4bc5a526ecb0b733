/*
 * main: picks the mode (CLI subcommand, or the terminal interface), sets up
 * the locale and logging, and maps the outcome to an exit status.
 */
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "va/cli.h"
#include "va/log.h"
#include "va/ui.h"

int main(int argc, char **argv)
{
	int rc;

	setlocale(LC_ALL, "");
	/* Blocks of 1 MB and more (the classifier model, message bodies, CSV
	 * buffers) come from mmap and go back to the system when freed.  glibc's
	 * default threshold climbs after the first such free, and a daemon's
	 * worker threads then keep every big block they ever used in their
	 * arenas. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	/* a server that hangs up must be an error to report, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	rc = cli_main(argc, argv);
	if (rc >= 0)
		return rc;
	return ui_main(argc, argv);
}
