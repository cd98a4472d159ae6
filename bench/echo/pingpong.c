/* Baseline for bench/echo: two PDs signal each other ROUNDS times. Each
 * round is one preempting signal and one wait, the kernel work an echoed
 * packet needs several of. Roles: ping (1) and pong (2). */
#include <microkit.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 50000

static unsigned rounds;

void init(void)
{
    if (!strcmp(microkit_name, "ping")) microkit_notify(0);
}

void notified(microkit_channel ch)
{
    if (!strcmp(microkit_name, "pong")) {
        microkit_notify(ch);
        return;
    }
    if (++rounds < ROUNDS) microkit_notify(ch);
    else microkit_dbg_puts("ping: done\n");
}
