/* griddle verify: only --dump-spec so far (the verifier proper is being
 * built on branch vgen, which replaces this file and keeps calling
 * verify_dump_main for --dump-spec). */
#include "driver.h"

#include <string.h>

int cmd_verify(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--dump-spec")) return verify_dump_main(argc, argv);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: griddle verify --dump-spec [options] FILE...\n"
                   "(verification itself is not available in this build yet;\n"
                   "see griddle verify --dump-spec --help)\n");
            return EXIT_OK;
        }
    return usage_error("verify", "only --dump-spec is available in this build yet");
}
