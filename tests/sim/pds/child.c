/* Child protection domains (tests/sim/sys/child.system; reference §1.2
 * nested protection_domain, §1.3 fault() and microkit_pd_restart/stop,
 * §1.4 item 7).
 * Roles: parent (100) with children crasher (id 3, 50) and quitter
 * (id 7, 40); bystander (10), a top-level PD with a channel to parent.
 * crasher writes to a region it maps read-only; quitter reads an
 * unmapped address. parent replies to crasher's first fault (the write is
 * retried and faults again), restarts it twice, then stops it; it stops
 * quitter at once.
 *
 * tests/sim/sys/child2.system: boss (100) with child kid (id 1, 50) and
 * a top-level waker (10). boss restarts kid while kid is preempted in a
 * kernel call, stops it, signals it while stopped, restarts it again (the
 * signal is still pending), then names a child that does not exist. */
#include "common.h"

#include <stdint.h>

uintptr_t buf;          /* setvar_vaddr: parent rw, crasher r */
uintptr_t crasher_id;   /* parent: setvar_id of the child crasher */
static int inits, faults, rounds;

void init(void)
{
    volatile uint64_t *b = (volatile uint64_t *)buf;
    if (is("parent")) {
        b[1] = 42;
        say("init, crasher's id %lu", (unsigned long)crasher_id);
    } else if (is("crasher")) {
        /* globals survive a restart, as on seL4 (only the thread restarts) */
        say("init %d, buf[1]=%lu", ++inits, (unsigned long)b[1]);
        b[0] = 1; /* read-only here: a fault for the parent */
        say("the write went through (wrong)");
    } else if (is("quitter")) {
        say("init");
        say("read %lu (wrong)", (unsigned long)*(volatile uint64_t *)0x7000000);
    } else if (is("bystander") || is("waker")) {
        say("init");
        microkit_notify(0);
    } else if (is("kid")) {
        say("init %d", ++inits);
        microkit_notify(0); /* boss is higher: it runs at once */
    } else {
        say("init");
    }
}

static void boss(microkit_channel ch)
{
    say("notified on %u (round %d)", ch, ++rounds);
    if (rounds == 1) {
        microkit_pd_restart(1, 0);
        say("restarted kid");
    } else if (rounds == 2) {
        microkit_pd_stop(1);
        microkit_notify(0);
        say("stopped kid, then signalled it");
    } else {
        microkit_pd_restart(1, 0);
        say("restarted kid");
        microkit_pd_restart(9, 0); /* no child 9: libmicrokit crashes the caller */
        say("still running (wrong)");
    }
}

void notified(microkit_channel ch)
{
    if (is("boss")) boss(ch);
    else say("notified on %u", ch);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply)
{
    uint64_t fsr = microkit_mr_get(seL4_VMFault_FSR);
    say("fault %d from child %u: label %lu, %lu words, address 0x%lx, %s, %s, ip %s", ++faults,
        child, (unsigned long)microkit_msginfo_get_label(msginfo),
        (unsigned long)microkit_msginfo_get_count(msginfo),
        (unsigned long)microkit_mr_get(seL4_VMFault_Addr),
        (fsr & 2) ? "write" : "read", /* x86 page-fault error code: bit 1 = write */
        microkit_mr_get(seL4_VMFault_PrefetchFault) ? "instruction fetch" : "data access",
        microkit_mr_get(seL4_VMFault_IP) ? "set" : "zero");
    if (child == 3 && faults == 1) {
        *reply = microkit_msginfo_new(0, 0);
        say("replied: child %u retries", child);
        return seL4_True;
    }
    if (child == 3 && faults <= 3) {
        microkit_pd_restart(child, 0);
        say("restarted child %u", child);
        return seL4_False;
    }
    microkit_pd_stop(child);
    say("stopped child %u", child);
    return seL4_False;
}
