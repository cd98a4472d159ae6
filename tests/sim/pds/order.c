/* Notification coalescing and delivery order (tests/sim/sys/order.system).
 * Roles by PD name: sender (50), low (10), high (100). */
#include "common.h"

static int low_count;

void init(void)
{
    say("init");
    if (!is("sender")) return;
    /* low has not run init yet: every signal accumulates in its word */
    microkit_notify(1);
    microkit_notify(2);
    microkit_notify(1);
    microkit_notify(3);
    microkit_notify(2);
    /* high is waiting and has a higher priority: each signal preempts us */
    microkit_notify(4);
    microkit_notify(5);
    microkit_notify(4);
    microkit_notify(6);
    say("init done");
}

void notified(microkit_channel ch)
{
    say("notified %u", ch);
    if (is("sender") && ch == 8) {
        /* low is waiting: the first signal wakes it with {7}, the others
         * accumulate and arrive together afterwards */
        microkit_notify(1);
        microkit_notify(2);
        microkit_notify(1);
        say("notified 8 done");
    }
    if (is("low") && ++low_count == 3) microkit_deferred_notify(3);
}
