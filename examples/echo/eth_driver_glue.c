/*
 * Host glue of the Pancake ENET driver (eth_driver.pnk, compiled by
 * `griddle build --emit obj`): the cake ABI of docs/abi.md. It gives the
 * Pancake program its heap, checks that the system description mapped the
 * regions where the program (and its verification) expects them, passes
 * the ring's physical address to the program, maps Microkit's init() and
 * notified() to the exported Pancake entries, and implements the FFI
 * functions the Pancake code calls (@microkit_notify,
 * @microkit_deferred_irq_ack, @eth_bus_error, @eth_bad_channel: the
 * channel is the first word argument).
 */
#include <microkit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Patched from the system description (setvar), as in eth_driver.c. */
uintptr_t eth_regs;
uintptr_t hw_ring_buffer_vaddr;
uintptr_t hw_ring_buffer_paddr;
uintptr_t rx_free, rx_active, tx_free, tx_active;

/* The Pancake program (exported functions return a word). */
uint64_t cml_main(void);
uint64_t cfg_ring(uint64_t paddr);
uint64_t eth_init(void);
uint64_t eth_notified(uint64_t ch);

/* The heap: the program's globals live at its top; the driver uses no
 * other heap memory. */
static uint64_t heap[512];
void *cml_heap, *cml_stack, *cml_stackend;

void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen);
void ffimicrokit_deferred_irq_ack(unsigned char *c, long clen, unsigned char *a, long alen);
void ffieth_bus_error(unsigned char *c, long clen, unsigned char *a, long alen);
void ffieth_bad_channel(unsigned char *c, long clen, unsigned char *a, long alen);

void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)clen, (void)a, (void)alen;
    microkit_notify((microkit_channel)(uintptr_t)c);
}

void ffimicrokit_deferred_irq_ack(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)clen, (void)a, (void)alen;
    microkit_deferred_irq_ack((microkit_channel)(uintptr_t)c);
}

void ffieth_bus_error(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)clen, (void)a, (void)alen;
    microkit_dbg_puts("eth: system bus error\n");
}

void ffieth_bad_channel(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)clen, (void)a, (void)alen;
    microkit_dbg_puts("eth: notification on an unexpected channel\n");
}

/* The virtual addresses eth_driver.pnk is compiled (and verified) for:
 * those of echo_pnk.system. */
static const struct {
    const char *name;
    const uintptr_t *patched;
    uintptr_t want;
} mappings[] = {
    {"eth_regs", &eth_regs, 0x2000000},   {"hw_ring_buffer_vaddr", &hw_ring_buffer_vaddr, 0x2200000},
    {"rx_free", &rx_free, 0x2400000},     {"rx_active", &rx_active, 0x2600000},
    {"tx_free", &tx_free, 0x2800000},     {"tx_active", &tx_active, 0x2a00000},
};

static bool started;

void init(void)
{
    for (size_t i = 0; i < sizeof mappings / sizeof mappings[0]; i++) {
        if (*mappings[i].patched != mappings[i].want) {
            microkit_dbg_puts("eth: the system maps ");
            microkit_dbg_puts(mappings[i].name);
            microkit_dbg_puts(" elsewhere than eth_driver.pnk expects: driver not started\n");
            return;
        }
    }
    cml_heap = heap;
    cml_stack = cml_stackend = heap + sizeof heap / sizeof heap[0];
    cml_main();
    cfg_ring(hw_ring_buffer_paddr);
    eth_init();
    started = true;
}

void notified(microkit_channel ch)
{
    if (started) eth_notified(ch);
}
