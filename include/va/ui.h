/*
 * ui: the terminal interface (L5, the main thread; the only curses user).
 */
#ifndef VA_UI_H
#define VA_UI_H

/* Run the terminal interface with the global options in argv; returns the exit status. */
int ui_main(int argc, char **argv);

#endif
