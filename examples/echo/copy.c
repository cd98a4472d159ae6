/*
 * Copier PD (reference §3.4): copies received frames from the RX DMA
 * region, which it maps read-only, into its client's RX buffers, and
 * returns the DMA buffers to the RX virtualiser. As in the 2024 sDDF,
 * when the client has no free buffer the copier waits for one (and asks
 * to be signalled) rather than dropping.
 *
 * Channels: 0 RX virtualiser, 1 client.
 */
#include <microkit.h>
#include <stdint.h>
#include <string.h>

#include "echo_config.h"
#include "net_queue.h"

uintptr_t rx_free_virt, rx_active_virt, rx_free_cli, rx_active_cli;
uintptr_t virt_buffer_data_region, cli_buffer_data_region;

static net_queue_handle_t virt, cli;

static void rx_copy(void)
{
    bool enq_cli = false, enq_virt = false;
    bool reprocess = true;
    while (reprocess) {
        while (!net_queue_empty_active(&virt) && !net_queue_empty_free(&cli)) {
            net_buff_desc_t in = {0}, out = {0};
            net_dequeue_active(&virt, &in);
            net_dequeue_free(&cli, &out);
            if (in.len > NET_BUFFER_SIZE || in.io_or_offset > DATA_REGION_SIZE - NET_BUFFER_SIZE ||
                out.io_or_offset > DATA_REGION_SIZE - NET_BUFFER_SIZE) {
                microkit_dbg_puts("copy: bad buffer\n");
                continue;
            }
            memcpy((void *)(cli_buffer_data_region + out.io_or_offset),
                   (const void *)(virt_buffer_data_region + in.io_or_offset), in.len);
            out.len = in.len;
            net_enqueue_active(&cli, out);
            in.len = 0;
            net_enqueue_free(&virt, in);
            enq_cli = enq_virt = true;
        }
        /* wait for whichever queue stopped us */
        if (!net_queue_empty_active(&virt)) net_request_signal_free(&cli);
        else net_cancel_signal_free(&cli);
        net_request_signal_active(&virt);
        reprocess = false;
        if (!net_queue_empty_active(&virt) && !net_queue_empty_free(&cli)) {
            net_cancel_signal_active(&virt);
            net_cancel_signal_free(&cli);
            reprocess = true;
        }
    }
    if (enq_cli && net_require_signal_active(&cli)) {
        net_cancel_signal_active(&cli);
        microkit_notify(COPY_CLIENT_CH);
    }
    if (enq_virt && net_require_signal_free(&virt)) {
        net_cancel_signal_free(&virt);
        microkit_deferred_notify(COPY_VIRT_CH);
    }
}

void init(void)
{
    net_queue_init(&virt, (void *)rx_free_virt, (void *)rx_active_virt, RX_QUEUE_CAPACITY_COPY);
    net_queue_init(&cli, (void *)rx_free_cli, (void *)rx_active_cli, RX_QUEUE_CAPACITY_CLI);
    /* the client's RX buffers start out free (reference §3.2) */
    net_buffers_init(&cli, 0);
}

void notified(microkit_channel ch)
{
    (void)ch;
    rx_copy();
}
