/*
 * Configuration of griddle's emulated sDDF echo system (examples/echo):
 * the Pancake-era shape (reference §3.4) with fixed channel numbers and
 * capacities, shared by every component and by the load generator's
 * defaults (src/sim/loadgen.c uses the same addresses).
 */
#ifndef ECHO_CONFIG_H
#define ECHO_CONFIG_H

#include <stdint.h>
#include <string.h>

#define NUM_CLIENTS 2

/* Queue capacities (reference §3.4); powers of two. */
#define RX_QUEUE_CAPACITY_DRIV 512
#define TX_QUEUE_CAPACITY_DRIV 1024
#define RX_QUEUE_CAPACITY_COPY 512
#define RX_QUEUE_CAPACITY_CLI 512
#define TX_QUEUE_CAPACITY_CLI 512

/* Hardware descriptor rings, both in one 64 KiB region: RX at offset 0,
 * TX at 256 * 8 (reference §4.2, Pancake-era layout). */
#define RX_COUNT 256
#define TX_COUNT 256
#define HW_TX_RING_OFFSET (RX_COUNT * 8)

/* Data regions: 2 MiB each (1024 buffers of 2 KiB). */
#define DATA_REGION_SIZE 0x200000

/* Channels, by component. */
#define DRIVER_IRQ_CH 0
#define DRIVER_TX_CH 1
#define DRIVER_RX_CH 2
#define VIRT_RX_DRIVER_CH 0
#define VIRT_RX_COPY_CH(i) (1 + (i))
#define VIRT_TX_DRIVER_CH 0
#define VIRT_TX_CLIENT_CH(i) (1 + (i))
#define COPY_VIRT_CH 0
#define COPY_CLIENT_CH 1
#define CLIENT_RX_CH 2
#define CLIENT_TX_CH 3

/* Client addresses: MACs as on imx8mm (reference §3.4), IPv4 on 10.0.0/24. */
static const uint8_t client_macs[NUM_CLIENTS][6] = {
    {0x52, 0x54, 0x01, 0x00, 0x00, 0x01},
    {0x52, 0x54, 0x01, 0x00, 0x00, 0x02},
};
static const uint8_t client_ips[NUM_CLIENTS][4] = {{10, 0, 0, 2}, {10, 0, 0, 3}};
#define ECHO_UDP_PORT 1235

/* Client index from the PD name "clientN"/"copyN", or -1. */
static inline int echo_index(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) || name[n] < '0' || name[n] >= '0' + NUM_CLIENTS || name[n + 1])
        return -1;
    return name[n] - '0';
}

#endif
