/*
 * Timer driver PD (reference §3.4: passive, priority 101, a PPC target),
 * on griddle's sim-timer device (src/sim/dev_timer.c). Clients call it:
 * label TIMER_GET_TIME returns the time in nanoseconds in MR 0; label
 * TIMER_SET_TIMEOUT (MR 0 = nanoseconds from now) arranges a notification
 * on the caller's channel when that time has passed, as sDDF's timer
 * protocol does (one pending timeout per client).
 *
 * Channels: 0 IRQ, 1 + i client i.
 */
#include <microkit.h>
#include <stdint.h>

#include "echo_config.h"

uintptr_t timer_regs;

#define REG64(off) (*(volatile uint64_t *)(timer_regs + (off)))
#define REG32(off) (*(volatile uint32_t *)(timer_regs + (off)))
#define TIME 0x000
#define CMP 0x008
#define CTRL 0x010
#define STATUS 0x014

static uint64_t deadline[MICROKIT_MAX_CHANNELS]; /* 0: none */

static uint64_t now(void) { return REG64(TIME); }

/* Arms the device for the earliest pending timeout. */
static void program(void)
{
    uint64_t next = 0;
    for (unsigned c = 0; c < MICROKIT_MAX_CHANNELS; c++)
        if (deadline[c] && (!next || deadline[c] < next)) next = deadline[c];
    if (!next) {
        REG32(CTRL) = 0;
        return;
    }
    REG64(CMP) = next;
    REG32(CTRL) = 1;
}

void init(void) { REG32(CTRL) = 0; }

void notified(microkit_channel ch)
{
    if (ch != TIMER_IRQ_CH) return;
    REG32(STATUS) = 1;
    uint64_t t = now();
    for (unsigned c = 0; c < MICROKIT_MAX_CHANNELS; c++)
        if (deadline[c] && deadline[c] <= t) {
            deadline[c] = 0;
            microkit_notify(c);
        }
    program();
    microkit_deferred_irq_ack(ch);
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    switch (microkit_msginfo_get_label(msginfo)) {
    case TIMER_GET_TIME:
        microkit_mr_set(0, now());
        return microkit_msginfo_new(0, 1);
    case TIMER_SET_TIMEOUT:
        deadline[ch] = now() + microkit_mr_get(0);
        if (!deadline[ch]) deadline[ch] = 1;
        program();
        return microkit_msginfo_new(0, 0);
    default:
        return microkit_msginfo_new(~0ull >> 12, 0);
    }
}
