/* TEMPORARY (branch sim only): stubs until main's cmd_check/cmd_fmt land. */
#include "driver.h"
int cmd_check(int c, char **v) { (void)c; (void)v; return 2; }
int cmd_fmt(int c, char **v) { (void)c; (void)v; return 2; }
