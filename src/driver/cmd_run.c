/* griddle run: not yet built (see its issue). */
#include "driver.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("run", "this command is not available in this build yet");
}
