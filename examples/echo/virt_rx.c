/*
 * RX virtualiser PD (reference §3.4): takes received buffers from the
 * driver (IO addresses), turns them into offsets in the RX DMA region,
 * and routes each by destination MAC to the copier of the matching client
 * (broadcasts to every client, with a reference count); anything else
 * goes straight back to the driver. Buffers coming back from copiers are
 * returned to the driver when their count drops to zero.
 *
 * Channels: 0 driver, 1 + i copier i.
 */
#include <microkit.h>
#include <stdint.h>

#include "echo_config.h"
#include "net_queue.h"

uintptr_t rx_free_drv, rx_active_drv;
uintptr_t rx_free_cli0, rx_active_cli0, rx_free_cli1, rx_active_cli1;
uintptr_t buffer_data_vaddr;
uintptr_t buffer_data_paddr;

static net_queue_handle_t drv;
static net_queue_handle_t cli[NUM_CLIENTS];
static uint8_t refcount[RX_QUEUE_CAPACITY_DRIV];

static int route(const uint8_t *frame)
{
    for (int i = 0; i < NUM_CLIENTS; i++)
        if (!memcmp(frame, client_macs[i], 6)) return i;
    if (!memcmp(frame, "\xff\xff\xff\xff\xff\xff", 6)) return NUM_CLIENTS; /* everyone */
    return -1;
}

static void rx_return(void)
{
    bool notify[NUM_CLIENTS] = {false};
    bool returned = false;
    bool reprocess = true;
    while (reprocess) {
        net_buff_desc_t b;
        while (!net_dequeue_active(&drv, &b)) {
            b.io_or_offset -= buffer_data_paddr;
            const uint8_t *frame = (const uint8_t *)(buffer_data_vaddr + b.io_or_offset);
            int to = route(frame);
            size_t slot = b.io_or_offset / NET_BUFFER_SIZE;
            if (to < 0) {
                b.io_or_offset += buffer_data_paddr;
                net_enqueue_free(&drv, b);
                returned = true;
                continue;
            }
            for (int i = 0; i < NUM_CLIENTS; i++) {
                if (to != i && to != NUM_CLIENTS) continue;
                net_enqueue_active(&cli[i], b);
                refcount[slot]++;
                notify[i] = true;
            }
        }
        net_request_signal_active(&drv);
        reprocess = false;
        if (!net_queue_empty_active(&drv)) {
            net_cancel_signal_active(&drv);
            reprocess = true;
        }
    }
    for (int i = 0; i < NUM_CLIENTS; i++)
        if (notify[i] && net_require_signal_active(&cli[i])) {
            net_cancel_signal_active(&cli[i]);
            microkit_notify(VIRT_RX_COPY_CH(i));
        }
    if (returned && net_require_signal_free(&drv)) {
        net_cancel_signal_free(&drv);
        microkit_deferred_notify(VIRT_RX_DRIVER_CH);
    }
}

static void rx_provide(void)
{
    bool returned = false;
    for (int i = 0; i < NUM_CLIENTS; i++) {
        bool reprocess = true;
        while (reprocess) {
            net_buff_desc_t b;
            while (!net_dequeue_free(&cli[i], &b)) {
                size_t slot = b.io_or_offset / NET_BUFFER_SIZE;
                if (slot >= RX_QUEUE_CAPACITY_DRIV || !refcount[slot]) {
                    microkit_dbg_puts("virt_rx: bad buffer from a copier\n");
                    continue;
                }
                if (--refcount[slot]) continue;
                b.io_or_offset += buffer_data_paddr;
                b.len = 0;
                net_enqueue_free(&drv, b);
                returned = true;
            }
            net_request_signal_free(&cli[i]);
            reprocess = false;
            if (!net_queue_empty_free(&cli[i])) {
                net_cancel_signal_free(&cli[i]);
                reprocess = true;
            }
        }
    }
    /* the driver has a higher priority: a deferred signal is folded into
     * our next wait instead of preempting us now (reference §3.4) */
    if (returned && net_require_signal_free(&drv)) {
        net_cancel_signal_free(&drv);
        microkit_deferred_notify(VIRT_RX_DRIVER_CH);
    }
}

void init(void)
{
    net_queue_init(&drv, (void *)rx_free_drv, (void *)rx_active_drv, RX_QUEUE_CAPACITY_DRIV);
    net_queue_init(&cli[0], (void *)rx_free_cli0, (void *)rx_active_cli0, RX_QUEUE_CAPACITY_COPY);
    net_queue_init(&cli[1], (void *)rx_free_cli1, (void *)rx_active_cli1, RX_QUEUE_CAPACITY_COPY);
    net_buffers_init(&drv, buffer_data_paddr);
    if (net_require_signal_free(&drv)) {
        net_cancel_signal_free(&drv);
        microkit_deferred_notify(VIRT_RX_DRIVER_CH);
    }
}

void notified(microkit_channel ch)
{
    (void)ch;
    rx_return();
    rx_provide();
}
