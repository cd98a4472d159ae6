/* griddle build: not yet built (see its issue). */
#include "driver.h"

int cmd_build(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("build", "this command is not available in this build yet");
}
