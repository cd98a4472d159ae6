/*
 * The wire: what the emulated NIC's frames travel on. Back ends: the
 * built-in load generator (loadgen.c), a pcap capture of both directions
 * (pcap.c) and an AF_PACKET bridge to a Linux interface (bridge.c).
 * Private to src/sim.
 */
#ifndef GRIDDLE_SIM_WIRE_H
#define GRIDDLE_SIM_WIRE_H

#include "sim_int.h"

bool sim_wire_start(Sim *k);            /* open back ends; errors in k->dl */
uint64_t sim_wire_poll(Sim *k, uint64_t now);   /* due work; next deadline */
bool sim_wire_external(Sim *k);         /* can input still arrive? */
bool sim_wire_done(Sim *k);             /* the load generator has finished */
void sim_wire_readable(Sim *k);         /* the bridge socket has frames */
void sim_wire_tx(void *ctx, const uint8_t *frame, size_t len); /* from a device */
int sim_wire_finish(Sim *k);            /* summary; 4 if the load saw losses */
void sim_wire_report(Sim *k, StrBuf *b); /* the "load" member of --report */
void sim_wire_free(Sim *k);

#endif
