/* griddle compose: not yet built (see its issue). */
#include "driver.h"

int cmd_compose(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("compose", "this command is not available in this build yet");
}
