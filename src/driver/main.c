/* griddle: subcommand dispatch. */
#include "driver.h"

#include <stdio.h>
#include <string.h>

typedef struct Command {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} Command;

static const Command commands[] = {
    {"check", cmd_check, "parse and statically check Pancake sources"},
    {"fmt", cmd_fmt, "print Pancake sources in canonical form"},
    {"run", cmd_run, "run a Pancake program under the reference semantics"},
    {"build", cmd_build, "compile Pancake to native code"},
    {"cake", cmd_cake, "the command line of cake --pancake (a drop-in for build rules)"},
    {"verify", cmd_verify, "verify annotated Pancake against its models"},
    {"compose", cmd_compose, "check a Microkit system's composition"},
    {"sim", cmd_sim, "run a Microkit system on Linux"},
};

static void help(FILE *out)
{
    fprintf(out,
            "usage: griddle COMMAND [options] [FILE...]\n"
            "\n"
            "griddle reads, checks, runs, compiles and verifies Pancake, and checks\n"
            "and emulates the Microkit systems Pancake drivers live in.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "`griddle COMMAND --help` describes each command.\n"
            "exit status: 0 success, 1 errors in the input, 2 usage error,\n"
            "3 internal error (see each command for more).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        help(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("griddle %s\n", GRIDDLE_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "griddle: unknown command '%s' (try 'griddle --help')\n", cmd);
    return EXIT_USAGE;
}
