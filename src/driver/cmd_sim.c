/* griddle sim: not yet built (see its issue). */
#include "driver.h"

int cmd_sim(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return usage_error("sim", "this command is not available in this build yet");
}
