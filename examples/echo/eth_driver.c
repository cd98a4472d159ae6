/*
 * i.MX8 ENET driver PD, written for griddle from the structure of the
 * sDDF C driver (reference §4.1, init sequence §4.4, interrupt flow §4.5).
 * It owns the hardware rings; it consumes RX-free and TX-active, and
 * produces RX-active and TX-free; buffers are IO (physical) addresses.
 * Registers are accessed through a volatile struct, so under `griddle sim`
 * every access traps into the ENET device model.
 *
 * Channels: 0 IRQ, 1 TX virtualiser, 2 RX virtualiser.
 */
#include <microkit.h>
#include <stdint.h>

#include "echo_config.h"
#include "enet_regs.h"
#include "net_queue.h"

/* Patched from the system description (setvar). */
uintptr_t eth_regs;
uintptr_t hw_ring_buffer_vaddr;
uintptr_t hw_ring_buffer_paddr;
uintptr_t rx_free, rx_active, tx_free, tx_active;

typedef struct hw_ring {
    uint32_t tail, head, capacity;
    volatile struct descriptor *descr;
} hw_ring_t;

static hw_ring_t rx, tx;
static net_queue_handle_t rx_queue, tx_queue;
static volatile struct enet_regs *eth;

static bool ring_full(const hw_ring_t *r) { return r->tail - r->head == r->capacity; }
static bool ring_empty(const hw_ring_t *r) { return r->tail == r->head; }

/* stat is written last: it hands the slot to the device */
static void update_ring_slot(hw_ring_t *r, uint32_t idx, uintptr_t phys, uint16_t len,
                             uint16_t stat)
{
    volatile struct descriptor *d = &r->descr[idx];
    d->addr = (uint32_t)phys;
    d->len = len;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    d->stat = stat;
}

static void rx_provide(void)
{
    bool reprocess = true;
    while (reprocess) {
        while (!ring_full(&rx) && !net_queue_empty_free(&rx_queue)) {
            net_buff_desc_t b;
            net_dequeue_free(&rx_queue, &b);
            uint32_t idx = rx.tail % rx.capacity;
            uint16_t stat = RXD_EMPTY | (idx + 1 == rx.capacity ? WRAP : 0);
            update_ring_slot(&rx, idx, (uintptr_t)b.io_or_offset, 0, stat);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            eth->rdar = RDAR_RDAR;
            rx.tail++;
        }
        /* only ask for more buffers if there is room for them */
        if (!ring_full(&rx)) net_request_signal_free(&rx_queue);
        else net_cancel_signal_free(&rx_queue);
        reprocess = false;
        if (!net_queue_empty_free(&rx_queue) && !ring_full(&rx)) {
            net_cancel_signal_free(&rx_queue);
            reprocess = true;
        }
    }
}

static void rx_return(void)
{
    bool moved = false;
    while (!ring_empty(&rx)) {
        uint32_t idx = rx.head % rx.capacity;
        volatile struct descriptor *d = &rx.descr[idx];
        if (d->stat & RXD_EMPTY) break;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        net_buff_desc_t b = {.io_or_offset = d->addr, .len = d->len};
        net_enqueue_active(&rx_queue, b);
        rx.head++;
        moved = true;
    }
    if (moved && net_require_signal_active(&rx_queue)) {
        net_cancel_signal_active(&rx_queue);
        microkit_notify(DRIVER_RX_CH);
    }
}

static void tx_provide(void)
{
    bool reprocess = true;
    while (reprocess) {
        while (!ring_full(&tx) && !net_queue_empty_active(&tx_queue)) {
            net_buff_desc_t b;
            net_dequeue_active(&tx_queue, &b);
            uint32_t idx = tx.tail % tx.capacity;
            uint16_t stat = TXD_READY | TXD_ADDCRC | TXD_LAST |
                            (idx + 1 == tx.capacity ? WRAP : 0);
            update_ring_slot(&tx, idx, (uintptr_t)b.io_or_offset, (uint16_t)b.len, stat);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            eth->tdar = TDAR_TDAR;
            tx.tail++;
        }
        net_request_signal_active(&tx_queue);
        reprocess = false;
        if (!ring_full(&tx) && !net_queue_empty_active(&tx_queue)) {
            net_cancel_signal_active(&tx_queue);
            reprocess = true;
        }
    }
}

static void tx_return(void)
{
    bool moved = false;
    while (!ring_empty(&tx)) {
        uint32_t idx = tx.head % tx.capacity;
        volatile struct descriptor *d = &tx.descr[idx];
        if (d->stat & TXD_READY) break;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        net_buff_desc_t b = {.io_or_offset = d->addr, .len = 0};
        net_enqueue_free(&tx_queue, b);
        tx.head++;
        moved = true;
    }
    if (moved && net_require_signal_free(&tx_queue)) {
        net_cancel_signal_free(&tx_queue);
        microkit_notify(DRIVER_TX_CH);
    }
}

static void handle_irq(void)
{
    uint32_t e = eth->eir & IRQ_MASK;
    eth->eir = e;
    while (e & IRQ_MASK) {
        if (e & NETIRQ_TXF) {
            tx_return();
            tx_provide();
        }
        if (e & NETIRQ_RXF) {
            rx_return();
            rx_provide();
        }
        if (e & NETIRQ_EBERR) microkit_dbg_puts("eth: system bus error\n");
        e = eth->eir & IRQ_MASK;
        eth->eir = e;
    }
}

static void eth_setup(void)
{
    eth = (volatile struct enet_regs *)eth_regs;
    uint32_t l = eth->palr, h = eth->paur;

    rx.descr = (volatile struct descriptor *)hw_ring_buffer_vaddr;
    rx.capacity = RX_COUNT;
    tx.descr = (volatile struct descriptor *)(hw_ring_buffer_vaddr + HW_TX_RING_OFFSET);
    tx.capacity = TX_COUNT;

    eth->ecr = ECR_RESET;
    while (eth->ecr & ECR_RESET) {}
    eth->ecr |= ECR_DBSWP;
    eth->eimr = 0;
    eth->eir = 0xffffffff;
    eth->mscr = 24 << 1;
    /* disable, clear and re-enable the MIB counters */
    eth->mibc |= MIBC_DIS;
    while (!(eth->mibc & MIBC_IDLE)) {}
    eth->mibc |= MIBC_CLEAR;
    while (!(eth->mibc & MIBC_IDLE)) {}
    eth->mibc &= ~MIBC_CLEAR;
    eth->mibc &= ~MIBC_DIS;
    eth->iaur = 0;
    eth->ialr = 0;
    eth->gaur = 0;
    eth->galr = 0;
    if (eth->palr == 0) {       /* the reset cleared the address: restore it */
        eth->palr = l;
        eth->paur = h;
    }
    eth->opd = PAUSE_OPCODE_FIELD;
    eth->txic0 = ICEN | ICFT(128) | 0xFF;
    eth->tipg = TIPG;
    eth->tfwr = STRFWD;
    eth->rsfl = 0;
    eth->racc = RACC_LINEDIS | RACC_IPDIS | RACC_PRODIS;
    eth->tacc = TACC_PROCHK | TACC_IPCHK;
    eth->rdsr = (uint32_t)hw_ring_buffer_paddr;
    eth->tdsr = (uint32_t)(hw_ring_buffer_paddr + HW_TX_RING_OFFSET);
    eth->mrbr = MAX_PACKET_SIZE;
    eth->rcr = RCR_MAX_FL(1518) | RCR_RGMII_EN | RCR_MII_MODE | RCR_PROMISCUOUS;
    eth->tcr = TCR_FDEN;
    eth->ecr |= ECR_SPEED;
    eth->ecr |= ECR_ETHEREN;
    eth->rdar = RDAR_RDAR;
    eth->eir = eth->eir;
    eth->eimr = IRQ_MASK;
}

void init(void)
{
    eth_setup();
    net_queue_init(&rx_queue, (void *)rx_free, (void *)rx_active, RX_QUEUE_CAPACITY_DRIV);
    net_queue_init(&tx_queue, (void *)tx_free, (void *)tx_active, TX_QUEUE_CAPACITY_DRIV);
    rx_provide();
    tx_provide();
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case DRIVER_IRQ_CH:
        handle_irq();
        /* acked when we wait again: events after the last EIR read fire anew */
        microkit_deferred_irq_ack(ch);
        break;
    case DRIVER_RX_CH: rx_provide(); break;
    case DRIVER_TX_CH: tx_provide(); break;
    default: microkit_dbg_puts("eth: notification on an unexpected channel\n"); break;
    }
}
