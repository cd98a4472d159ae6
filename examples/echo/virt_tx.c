/*
 * TX virtualiser PD (reference §3.4): moves clients' outgoing buffers
 * (offsets in their TX data regions) to the driver as IO addresses after
 * checking bounds, and returns transmitted buffers to their owner, found
 * by address range.
 *
 * Channels: 0 driver, 1 + i client i.
 */
#include <microkit.h>
#include <stdint.h>

#include "echo_config.h"
#include "net_queue.h"

uintptr_t tx_free_drv, tx_active_drv;
uintptr_t tx_free_cli0, tx_active_cli0, tx_free_cli1, tx_active_cli1;
uintptr_t buffer_data_region_cli0_paddr, buffer_data_region_cli1_paddr;

static net_queue_handle_t drv;
static net_queue_handle_t cli[NUM_CLIENTS];
static uintptr_t cli_paddr[NUM_CLIENTS];

static void tx_provide(void)
{
    bool moved = false;
    for (int i = 0; i < NUM_CLIENTS; i++) {
        bool reprocess = true;
        while (reprocess) {
            net_buff_desc_t b;
            while (!net_dequeue_active(&cli[i], &b)) {
                if (b.io_or_offset % NET_BUFFER_SIZE ||
                    b.io_or_offset >= (uint64_t)NET_BUFFER_SIZE * TX_QUEUE_CAPACITY_CLI ||
                    b.len > NET_BUFFER_SIZE) {
                    microkit_dbg_puts("virt_tx: bad buffer from a client\n");
                    continue;
                }
                b.io_or_offset += cli_paddr[i];
                net_enqueue_active(&drv, b);
                moved = true;
            }
            net_request_signal_active(&cli[i]);
            reprocess = false;
            if (!net_queue_empty_active(&cli[i])) {
                net_cancel_signal_active(&cli[i]);
                reprocess = true;
            }
        }
    }
    if (moved && net_require_signal_active(&drv)) {
        net_cancel_signal_active(&drv);
        microkit_deferred_notify(VIRT_TX_DRIVER_CH);
    }
}

static void tx_return(void)
{
    bool notify[NUM_CLIENTS] = {false};
    bool reprocess = true;
    while (reprocess) {
        net_buff_desc_t b;
        while (!net_dequeue_free(&drv, &b)) {
            int owner = -1;
            for (int i = 0; i < NUM_CLIENTS; i++)
                if (b.io_or_offset >= cli_paddr[i] &&
                    b.io_or_offset < cli_paddr[i] + DATA_REGION_SIZE)
                    owner = i;
            if (owner < 0) {
                microkit_dbg_puts("virt_tx: buffer with no owner from the driver\n");
                continue;
            }
            b.io_or_offset -= cli_paddr[owner];
            net_enqueue_free(&cli[owner], b);
            notify[owner] = true;
        }
        net_request_signal_free(&drv);
        reprocess = false;
        if (!net_queue_empty_free(&drv)) {
            net_cancel_signal_free(&drv);
            reprocess = true;
        }
    }
    for (int i = 0; i < NUM_CLIENTS; i++)
        if (notify[i] && net_require_signal_free(&cli[i])) {
            net_cancel_signal_free(&cli[i]);
            microkit_notify(VIRT_TX_CLIENT_CH(i));
        }
}

void init(void)
{
    net_queue_init(&drv, (void *)tx_free_drv, (void *)tx_active_drv, TX_QUEUE_CAPACITY_DRIV);
    net_queue_init(&cli[0], (void *)tx_free_cli0, (void *)tx_active_cli0, TX_QUEUE_CAPACITY_CLI);
    net_queue_init(&cli[1], (void *)tx_free_cli1, (void *)tx_active_cli1, TX_QUEUE_CAPACITY_CLI);
    cli_paddr[0] = buffer_data_region_cli0_paddr;
    cli_paddr[1] = buffer_data_region_cli1_paddr;
    tx_provide();
}

void notified(microkit_channel ch)
{
    (void)ch;
    tx_return();
    tx_provide();
}
