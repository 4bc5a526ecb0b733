/*
 * main: picks the mode (CLI subcommand, or the terminal interface), sets up
 * the locale and logging, and maps the outcome to an exit status.
 */
#include <locale.h>
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
	/* a server that hangs up must be an error to report, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	rc = cli_main(argc, argv);
	if (rc >= 0)
		return rc;
	return ui_main(argc, argv);
}
