/*
 * Host glue of the Pancake ENET driver (eth_driver.pnk, compiled by
 * `griddle build --emit obj`): the cake ABI of docs/abi.md. It gives the
 * Pancake program its heap, passes the addresses the system description
 * patches into this PD (setvar) to the program, maps Microkit's init() and
 * notified() to the exported Pancake entries, and implements the FFI
 * functions the Pancake code calls (@microkit_notify,
 * @microkit_deferred_irq_ack, @eth_bus_error, @eth_bad_channel: the
 * channel is the first word argument).
 */
#include <microkit.h>
#include <stdint.h>

/* Patched from the system description (setvar), as in eth_driver.c. */
uintptr_t eth_regs;
uintptr_t hw_ring_buffer_vaddr;
uintptr_t hw_ring_buffer_paddr;
uintptr_t rx_free, rx_active, tx_free, tx_active;

/* The Pancake program (exported functions return a word). */
uint64_t cml_main(void);
uint64_t cfg_regs(uint64_t regs, uint64_t vaddr, uint64_t paddr);
uint64_t cfg_queues(uint64_t rxf, uint64_t rxa, uint64_t txf, uint64_t txa);
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

void init(void)
{
    cml_heap = heap;
    cml_stack = cml_stackend = heap + sizeof heap / sizeof heap[0];
    cml_main();
    cfg_regs(eth_regs, hw_ring_buffer_vaddr, hw_ring_buffer_paddr);
    cfg_queues(rx_free, rx_active, tx_free, tx_active);
    eth_init();
}

void notified(microkit_channel ch)
{
    eth_notified(ch);
}
