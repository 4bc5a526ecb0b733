#include <stdio.h>
#include "va/ui.h"
int ui_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("va: the terminal interface is not built yet\n", stderr);
	return 1;
}
