/* griddle fmt: placeholder until the formatter lands. */
#include "driver.h"

int cmd_fmt(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("fmt", "not available yet");
}
