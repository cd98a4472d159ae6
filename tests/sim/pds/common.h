/* Helpers for the test protection domains (tests/sim/pds). */
#ifndef SIM_TEST_PD_COMMON_H
#define SIM_TEST_PD_COMMON_H

#include <microkit.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* printf to the debug console (one write per line, so lines of PDs never
 * interleave). */
static inline void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *fmt, ...)
{
    char b[256];
    int n = snprintf(b, sizeof b, "%s: ", microkit_name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, sizeof b - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(b);
    if (len + 1 < sizeof b) b[len] = '\n', b[len + 1] = 0;
    microkit_dbg_puts(b);
}

static inline int is(const char *name) { return strcmp(microkit_name, name) == 0; }

#endif
