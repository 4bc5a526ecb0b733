/*
 * main: picks the mode (CLI subcommand, or the terminal interface), sets up
 * the locale and logging, and maps the outcome to an exit status.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "va/cli.h"
#include "va/log.h"
#include "va/ui.h"

int main(int argc, char **argv)
{
	int rc;

	setlocale(LC_ALL, "");
	rc = cli_main(argc, argv);
	if (rc >= 0)
		return rc;
	return ui_main(argc, argv);
}
