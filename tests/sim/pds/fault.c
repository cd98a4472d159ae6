/* Faults (tests/sim/sys/fault.system): a write to a read-only mapping and
 * a read of an unmapped address stop their PDs; the rest continue.
 * A PD that aborts dies without taking the emulator down.
 * Roles: writer (60), faulty (50), wild (45), crasher (44), ping (40),
 * pong (30). */
#include "common.h"

#include <stdint.h>
#include <stdlib.h>

uintptr_t buf; /* setvar_vaddr */
static int rounds;

void init(void)
{
    volatile uint64_t *b = (volatile uint64_t *)buf;
    say("init buf=0x%lx", (unsigned long)buf);
    if (is("writer")) {
        b[0] = 42;
        say("wrote 42");
    } else if (is("faulty")) {
        say("read %lu", (unsigned long)b[0]);
        b[0] = 1; /* mapped read-only: stopped here */
        say("still running after the write (wrong)");
    } else if (is("wild")) {
        say("read %lu", (unsigned long)*(volatile uint64_t *)0x7000000);
        say("still running after the read (wrong)");
    } else if (is("crasher")) {
        abort();
    } else if (is("ping")) {
        microkit_notify(0);
    }
}

void notified(microkit_channel ch)
{
    say("notified %u round %d", ch, ++rounds);
    if (is("pong")) {
        microkit_notify(0);
        return;
    }
    if (rounds < 3) microkit_notify(0);
    else say("buf[0]=%lu", (unsigned long)((volatile uint64_t *)buf)[0]);
}
