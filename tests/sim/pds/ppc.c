/* Protected procedure calls (tests/sim/sys/ppc.system). Roles: client
 * (10) calls server (20), which calls top (30) while serving. */
#include "common.h"

void init(void)
{
    say("init");
    if (!is("client")) return;
    microkit_mr_set(0, 3);
    microkit_mr_set(1, 4);
    microkit_mr_set(2, 5);
    say("calling");
    microkit_msginfo r = microkit_ppcall(0, microkit_msginfo_new(7, 3));
    say("reply label=%lu count=%lu mr0=%lu", (unsigned long)microkit_msginfo_get_label(r),
        (unsigned long)microkit_msginfo_get_count(r), (unsigned long)microkit_mr_get(0));
    /* channel 3 exists but without pp: the library refuses the call */
    r = microkit_ppcall(3, microkit_msginfo_new(1, 0));
    say("invalid call returned label=%lu", (unsigned long)microkit_msginfo_get_label(r));
    say("init done");
}

void notified(microkit_channel ch) { say("notified %u", ch); }

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    unsigned long n = (unsigned long)microkit_msginfo_get_count(msginfo), sum = 0;
    for (unsigned i = 0; i < n; i++) sum += (unsigned long)microkit_mr_get((uint8_t)i);
    say("protected ch=%u label=%lu count=%lu sum=%lu", ch,
        (unsigned long)microkit_msginfo_get_label(msginfo), n, sum);
    if (is("top")) return microkit_msginfo_new(10, 0);
    /* the client is blocked in its call: this signal waits in its word */
    microkit_notify(ch);
    microkit_msginfo r = microkit_ppcall(1, microkit_msginfo_new(9, 0));
    say("top replied label=%lu", (unsigned long)microkit_msginfo_get_label(r));
    microkit_mr_set(0, sum);
    return microkit_msginfo_new(1, 1);
}
