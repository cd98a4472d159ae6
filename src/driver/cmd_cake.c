/*
 * griddle cake: the command line of `cake --pancake`, so that an existing
 * build rule (sDDF, LionsOS: `cpp -P < x.pnk | $(CAKE_COMPILER)
 * --target=arm8 --pancake --main_return=true > x.S`) works with
 * CAKE_COMPILER="griddle cake" unchanged. Pancake from standard input,
 * assembly on standard output, the cake ABI (docs/abi.md). It is a thin
 * translation into `griddle build` arguments: x64 is griddle's own
 * back end; arm8 and riscv are the C back end compiled by a cross
 * compiler with -S (docs/abi.md, "griddle cake").
 */
#include "driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: griddle cake --pancake --main_return=true [--target=x64|arm8|riscv]\n"
    "                    [--compat] [-O0|-O1] < IN.pnk > OUT.S\n"
    "\n"
    "The command line of `cake --pancake`: compiles the Pancake program on\n"
    "standard input (already preprocessed, e.g. by cpp -P) to assembly on\n"
    "standard output, with the cake ABI (docs/abi.md), so a build rule that\n"
    "runs $(CAKE_COMPILER) works with CAKE_COMPILER=\"griddle cake\".\n"
    "\n"
    "  --pancake              required (griddle compiles Pancake only)\n"
    "  --main_return=true     required: cml_main returns main's result (griddle\n"
    "                         has no cml_exit ending)\n"
    "  --target=x64           x86-64 assembly from griddle's back end (default)\n"
    "  --target=arm8          AArch64 assembly: the C back end compiled with\n"
    "                         $GRIDDLE_CAKE_CC -O2 -S, default\n"
    "                         aarch64-linux-gnu-gcc -fno-pic -fno-stack-protector\n"
    "                         -mgeneral-regs-only\n"
    "  --target=riscv         RISC-V 64 assembly, the same way, default\n"
    "                         riscv64-linux-gnu-gcc -fno-pic -fno-stack-protector\n"
    "  --compat, -O0, -O1     as for griddle build\n"
    "\n"
    "exit status: 0 success, 1 errors in the program, 2 usage error, 3 internal\n"
    "error (compiler or cross-compiler failure).\n";

typedef struct CakeTarget {
    const char *name;       /* cake's --target value */
    const char *cc;         /* the C compiler, NULL: griddle's x86-64 back end */
} CakeTarget;

static const CakeTarget targets[] = {
    {"x64", NULL},
    {"arm8", "aarch64-linux-gnu-gcc -fno-pic -fno-stack-protector -mgeneral-regs-only"},
    {"riscv", "riscv64-linux-gnu-gcc -fno-pic -fno-stack-protector"},
};

int cmd_cake(int argc, char **argv)
{
    const CakeTarget *t = &targets[0];
    bool pancake = false, main_return = false;
    const char *pass[4];
    int npass = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(HELP, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--pancake")) {
            pancake = true;
        } else if (!strncmp(a, "--main_return=", 14)) {
            if (strcmp(a + 14, "true") && strcmp(a + 14, "false"))
                return usage_error("cake", "--main_return takes true or false, not '%s'", a + 14);
            main_return = !strcmp(a + 14, "true");
        } else if (!strncmp(a, "--target=", 9)) {
            t = NULL;
            for (size_t k = 0; k < ARRAY_LEN(targets); k++)
                if (!strcmp(a + 9, targets[k].name)) t = &targets[k];
            if (!t) return usage_error("cake", "unknown --target '%s' (x64, arm8 or riscv)", a + 9);
        } else if ((!strcmp(a, "--compat") || !strcmp(a, "-O0") || !strcmp(a, "-O1")) && npass < 3) {
            pass[npass++] = a;
        } else if (a[0] == '-' && a[1] == '-') {
            return usage_error("cake",
                               "cake option '%s' is not supported (griddle cake takes --pancake, "
                               "--main_return=true, --target=x64|arm8|riscv, --compat, -O0, -O1)",
                               a);
        } else {
            return usage_error("cake", "unexpected argument '%s': the program is read from standard "
                                       "input, as cake reads it", a);
        }
    }
    if (!pancake)
        return usage_error("cake", "--pancake is required (griddle compiles Pancake, not CakeML)");
    if (!main_return)
        return usage_error("cake", "only --main_return=true is supported: griddle's cml_main returns "
                                   "main's result and never calls cml_exit (docs/abi.md)");
    if (t->cc) {
        const char *own = getenv("GRIDDLE_CAKE_CC");
        if (setenv("CC", own && *own ? own : t->cc, 1)) {
            fprintf(stderr, "griddle cake: cannot set CC\n");
            return EXIT_INTERNAL;
        }
    }
    /* the input is already preprocessed, as cake's is: no cpp */
    char *bargv[16];
    int n = 0;
    bargv[n++] = "build";
    bargv[n++] = "--no-cpp";
    for (int k = 0; k < npass; k++) bargv[n++] = (char *)pass[k];
    if (t->cc) {
        bargv[n++] = "--target";
        bargv[n++] = "c";
    }
    bargv[n++] = "--emit";
    bargv[n++] = "asm";
    bargv[n++] = "-o";
    bargv[n++] = "-";
    bargv[n++] = "-";
    bargv[n] = NULL;
    return cmd_build(n, bargv);
}
