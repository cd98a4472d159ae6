/* Edge-triggered IRQs (tests/sim/sys/edge.system) on the sim-test device:
 * a rising edge while the IRQ is masked is remembered and delivered at
 * the ack, even though the line is low by then (a level IRQ would not
 * fire again). */
#include "common.h"

#include <stdint.h>

uintptr_t regs; /* setvar_vaddr */
static int irqs;

#define R32(off) (*(volatile uint32_t *)(regs + (off)))
#define EVENTS 0x110
#define SET 0x114

void init(void)
{
    say("init");
    R32(SET) = 1;     /* rising edge: delivered (when we wait), IRQ masked */
    R32(EVENTS) = 1;  /* line low */
    R32(SET) = 2;     /* rising edge while masked: remembered */
    R32(EVENTS) = 2;  /* line low again */
}

void notified(microkit_channel ch)
{
    say("irq %d on channel %u", ++irqs, ch);
    if (irqs == 1) {
        microkit_irq_ack(ch); /* the remembered edge fires now */
    } else if (irqs == 2) {
        microkit_irq_ack(ch);
        R32(SET) = 4;         /* unmasked, line low -> high: delivered */
    } else {
        R32(EVENTS) = 4;
        microkit_deferred_irq_ack(ch); /* nothing pending: no more */
    }
}
