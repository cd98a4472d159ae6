/* MMIO trapping at every width and IRQ masking until acknowledged
 * (tests/sim/sys/irq.system) against the sim-test device (registers in
 * src/sim/dev_testdev.c). Roles: drv (50) owns the device and IRQ id 5;
 * kicker (10) signals drv on drv's channel 1. */
#include "common.h"

#include <stdint.h>

uintptr_t regs; /* setvar_vaddr */
static int kicks, irqs;

#define R8(off) (*(volatile uint8_t *)(regs + (off)))
#define R16(off) (*(volatile uint16_t *)(regs + (off)))
#define R32(off) (*(volatile uint32_t *)(regs + (off)))
#define R64(off) (*(volatile uint64_t *)(regs + (off)))
#define S8(off) (*(volatile int8_t *)(regs + (off)))
#define S16(off) (*(volatile int16_t *)(regs + (off)))
#define LINE 0x100
#define WRITES 0x104
#define READS 0x108
#define EVENTS 0x110
#define SET 0x114

static int check(const char *what, uint64_t got, uint64_t want)
{
    if (got == want) return 1;
    say("MISMATCH %s: got 0x%lx want 0x%lx", what, (unsigned long)got, (unsigned long)want);
    return 0;
}

/* Values by hand: the scratch area is little-endian bytes. */
static void mmio_widths(void)
{
    int ok = 1;
    R8(3) = 0xab;                           /* write 1 */
    R16(8) = 0xbeef;                        /* write 2 */
    R32(16) = 0xdeadbeef;                   /* write 3 */
    R64(24) = 0x0123456789abcdefull;        /* write 4 */
    R8(40) = 0x7f;                          /* write 5 (immediate store) */
    ok &= check("u8", R8(3), 0xab);         /* reads 1.. */
    ok &= check("u16", R16(8), 0xbeef);
    ok &= check("u32", R32(16), 0xdeadbeef);
    ok &= check("u64", R64(24), 0x0123456789abcdefull);
    ok &= check("u32 low half", R32(24), 0x89abcdef);
    ok &= check("u8 top byte", R8(31), 0x01);
    ok &= check("s8", (uint64_t)(int64_t)S8(3), (uint64_t)(int64_t)-85);
    ok &= check("s16", (uint64_t)(int64_t)S16(8), (uint64_t)(int64_t)(int16_t)0xbeef);
    ok &= check("imm", R8(40), 0x7f);       /* read 9 */
    ok &= check("writes", R32(WRITES), 5);
    ok &= check("reads", R32(READS), 10);   /* the 9 above and WRITES */
    if (ok) say("mmio ok");
}

void init(void)
{
    say("init");
    if (!is("drv")) {
        microkit_notify(0);
        microkit_notify(0);
        say("done");
        return;
    }
    mmio_widths();
    R32(SET) = 1; /* the line rises while we run: delivered when we wait */
}

void notified(microkit_channel ch)
{
    if (ch == 5) {
        say("irq %d events=%u", ++irqs, R32(EVENTS));
        if (irqs == 1) {
            R32(SET) = 2; /* still masked: no second delivery yet */
            return;       /* and no ack */
        }
        R32(EVENTS) = R32(EVENTS); /* write-1-to-clear: the line drops */
        microkit_deferred_irq_ack(5);
        return;
    }
    say("kick %d", ++kicks);
    if (kicks == 1) {
        /* acked with the line still asserted: it fires again at once */
        microkit_irq_ack(5);
        say("acked with events=%u", R32(EVENTS));
    } else {
        R32(SET) = 4; /* unmasked: delivered right away */
    }
}
