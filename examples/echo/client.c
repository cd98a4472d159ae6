/*
 * Echo client PD with lwIP (Debian's liblwip, raw API): answers ARP and
 * ICMP echo (lwIP itself) and echoes UDP on port 1235 (reference §6.1).
 * Received frames become zero-copy custom pbufs pointing into the RX data
 * region; the buffer goes back to the free queue when lwIP frees the
 * pbuf. Outgoing frames are copied into TX buffers; if none is free, the
 * frame waits (and we ask virt_tx for a signal).
 *
 * Debian builds lwIP with NO_SYS=0; we never start its tcpip thread and
 * call the raw API from this single thread only, which is what its core
 * locking check expects when that thread does not exist. lwIP computes
 * checksums in software (the sDDF imx build would leave them to the NIC;
 * the ENET model inserts them too, with the same result). Time for lwIP's
 * timers comes from the host clock (sys_now in liblwip), not a timer PD.
 *
 * Channels: 2 copier (RX), 3 TX virtualiser.
 */
#include <microkit.h>
#include <stdint.h>
#include <stdio.h>

#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>
#include <netif/ethernet.h>

#include "echo_config.h"
#include "net_queue.h"

uintptr_t rx_free, rx_active, tx_free, tx_active;
uintptr_t rx_buffer_data_region, tx_buffer_data_region;

typedef struct rx_pbuf {
    struct pbuf_custom custom;
    uint64_t offset;
    struct rx_pbuf *next_free;
} rx_pbuf_t;

#define TX_WAIT_MAX 256

static net_queue_handle_t rxq, txq;
static struct netif netif;
static int idx;
static bool notify_rx, notify_tx;
static rx_pbuf_t rx_pbufs[RX_QUEUE_CAPACITY_CLI];
static rx_pbuf_t *rx_pbuf_free_list;
static struct pbuf *tx_wait[TX_WAIT_MAX];
static unsigned tx_wait_head, tx_wait_n;
static unsigned long tx_dropped;

/* ---- receive ---------------------------------------------------------- */

static void rx_pbuf_release(struct pbuf *p)
{
    rx_pbuf_t *r = (rx_pbuf_t *)p;
    net_buff_desc_t b = {.io_or_offset = r->offset, .len = 0};
    net_enqueue_free(&rxq, b);
    notify_rx = true;
    r->next_free = rx_pbuf_free_list;
    rx_pbuf_free_list = r;
}

static void receive(void)
{
    bool reprocess = true;
    while (reprocess) {
        net_buff_desc_t b;
        while (rx_pbuf_free_list && !net_dequeue_active(&rxq, &b)) {
            rx_pbuf_t *r = rx_pbuf_free_list;
            rx_pbuf_free_list = r->next_free;
            r->offset = b.io_or_offset;
            r->custom.custom_free_function = rx_pbuf_release;
            struct pbuf *p = pbuf_alloced_custom(
                PBUF_RAW, (u16_t)b.len, PBUF_REF, &r->custom,
                (void *)(rx_buffer_data_region + b.io_or_offset), NET_BUFFER_SIZE);
            if (netif.input(p, &netif) != ERR_OK) pbuf_free(p);
        }
        net_request_signal_active(&rxq);
        reprocess = false;
        if (rx_pbuf_free_list && !net_queue_empty_active(&rxq)) {
            net_cancel_signal_active(&rxq);
            reprocess = true;
        }
    }
}

/* ---- transmit --------------------------------------------------------- */

static bool send_now(struct pbuf *p)
{
    net_buff_desc_t b;
    if (net_dequeue_free(&txq, &b)) return false;
    pbuf_copy_partial(p, (void *)(tx_buffer_data_region + b.io_or_offset), p->tot_len, 0);
    b.len = p->tot_len;
    net_enqueue_active(&txq, b);
    notify_tx = true;
    return true;
}

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > NET_BUFFER_SIZE) return ERR_MEM;
    if (!tx_wait_n && send_now(p)) return ERR_OK;
    if (tx_wait_n == TX_WAIT_MAX) {
        tx_dropped++;
        return ERR_MEM;
    }
    pbuf_ref(p);
    tx_wait[(tx_wait_head + tx_wait_n++) % TX_WAIT_MAX] = p;
    net_request_signal_free(&txq);
    return ERR_OK;
}

static void flush_waiting(void)
{
    while (tx_wait_n && send_now(tx_wait[tx_wait_head])) {
        pbuf_free(tx_wait[tx_wait_head]);
        tx_wait_head = (tx_wait_head + 1) % TX_WAIT_MAX;
        tx_wait_n--;
    }
    if (tx_wait_n) net_request_signal_free(&txq);
    else net_cancel_signal_free(&txq);
}

/* ---- lwIP glue -------------------------------------------------------- */

static err_t netif_setup(struct netif *n)
{
    n->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(n->hwaddr, client_macs[idx], ETH_HWADDR_LEN);
    n->mtu = 1500;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    n->name[0] = 'e';
    n->name[1] = '0';
    return ERR_OK;
}

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                     u16_t port)
{
    (void)arg;
    udp_sendto(pcb, p, addr, port);
    pbuf_free(p);
}

/* Signals to our higher-priority neighbours: one may be deferred (folded
 * into our next wait); a second one must go now (reference §1.3). */
static void signal_neighbour(microkit_channel ch)
{
    if (!microkit_have_signal) microkit_deferred_notify(ch);
    else microkit_notify(ch);
}

static void flush_signals(void)
{
    if (notify_tx && net_require_signal_active(&txq)) {
        net_cancel_signal_active(&txq);
        signal_neighbour(CLIENT_TX_CH);
    }
    notify_tx = false;
    if (notify_rx && net_require_signal_free(&rxq)) {
        net_cancel_signal_free(&rxq);
        signal_neighbour(CLIENT_RX_CH);
    }
    notify_rx = false;
}

void init(void)
{
    idx = echo_index(microkit_name, "client");
    if (idx < 0) {
        microkit_dbg_puts("client: PD name must be client0 or client1\n");
        return;
    }
    net_queue_init(&rxq, (void *)rx_free, (void *)rx_active, RX_QUEUE_CAPACITY_CLI);
    net_queue_init(&txq, (void *)tx_free, (void *)tx_active, TX_QUEUE_CAPACITY_CLI);
    net_buffers_init(&txq, 0);
    net_cancel_signal_free(&txq); /* only wanted while frames wait */
    for (unsigned i = 0; i < RX_QUEUE_CAPACITY_CLI; i++) {
        rx_pbufs[i].next_free = rx_pbuf_free_list;
        rx_pbuf_free_list = &rx_pbufs[i];
    }
    lwip_init();
    ip4_addr_t ip, mask, gw;
    const uint8_t *a = client_ips[idx];
    IP4_ADDR(&ip, a[0], a[1], a[2], a[3]);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    netif_add(&netif, &ip, &mask, &gw, NULL, netif_setup, ethernet_input);
    netif_set_default(&netif);
    netif_set_up(&netif);
    netif_set_link_up(&netif);
    struct udp_pcb *pcb = udp_new();
    udp_bind(pcb, IP_ADDR_ANY, ECHO_UDP_PORT);
    udp_recv(pcb, udp_echo, NULL);
    char line[160];
    const uint8_t *m = client_macs[idx];
    snprintf(line, sizeof line,
             "%s: lwIP up at %u.%u.%u.%u (%02x:%02x:%02x:%02x:%02x:%02x), UDP echo on port %d\n",
             microkit_name, a[0], a[1], a[2], a[3], m[0], m[1], m[2], m[3], m[4], m[5],
             ECHO_UDP_PORT);
    microkit_dbg_puts(line);
    flush_signals();
}

void notified(microkit_channel ch)
{
    if (idx < 0) return;
    if (ch == CLIENT_RX_CH) receive();
    else if (ch == CLIENT_TX_CH) flush_waiting();
    sys_check_timeouts();
    flush_signals();
}
