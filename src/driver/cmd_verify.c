/* griddle verify: not yet built (see its issue). */
#include "driver.h"

int cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("verify", "this command is not available in this build yet");
}
