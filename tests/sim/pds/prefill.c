/* Prefilled memory regions (tests/sim/sys/prefill.system): the region
 * starts with the file's bytes and is zero after them. */
#include "common.h"

#include <stdint.h>

uintptr_t buf; /* setvar_vaddr */

void init(void)
{
    const volatile char *b = (const volatile char *)buf;
    char text[32];
    size_t n = 0;
    while (n < sizeof text - 1 && b[n]) text[n] = b[n], n++;
    text[n] = 0;
    size_t nonzero = 0;
    for (size_t i = n; i < 0x2000; i++) nonzero += b[i] != 0;
    say("'%s', then %zu nonzero bytes", text, nonzero);
}

void notified(microkit_channel ch) { (void)ch; }
