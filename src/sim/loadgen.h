/*
 * The built-in load generator (`--load rate=PPS,count=N,size=BYTES`): a
 * host on the wire at 10.0.0.1 that resolves the echo client (10.0.0.2)
 * with ARP, sends it UDP echo requests to port 1235 at a fixed rate, each
 * carrying a sequence number, a timestamp and a checkable pattern, and
 * checks every reply. With a window (closed loop) it also never has more
 * than `window` requests unanswered: it waits for replies instead of
 * sending, so host scheduling noise delays the load instead of
 * overflowing the system's queues; a window that stays full for the
 * drain time ends the run (the missing replies count as lost). Private to src/sim; no process or clock of its own:
 * the caller passes the time and a function to put frames on the wire.
 */
#ifndef GRIDDLE_SIM_LOADGEN_H
#define GRIDDLE_SIM_LOADGEN_H

#include "sim.h"

typedef struct LoadGen LoadGen;
typedef void (*LgSend)(void *ctx, const uint8_t *frame, size_t len);

LoadGen *lg_new(const SimLoad *cfg, LgSend send, void *ctx, uint64_t now);
void lg_free(LoadGen *lg);
/* Sends what is due; returns the next time it wants to be called (at the
 * latest, when the drain time after the last request is over). */
uint64_t lg_poll(LoadGen *lg, uint64_t now, uint64_t drain_ns);
/* A frame from the wire (sent by the emulated system). */
void lg_receive(LoadGen *lg, const uint8_t *frame, size_t len, uint64_t now);
/* Everything sent, and every reply in or the drain time over. */
bool lg_done(const LoadGen *lg, uint64_t now, uint64_t drain_ns);

typedef struct LgStats {
    uint64_t sent, received, lost, bad, duplicates;
    uint64_t rebases;       /* times the schedule restarted after a host stall */
    uint64_t window_waits;  /* times a due request waited for the window */
    bool arp_resolved;
    double rtt_p50_us, rtt_p99_us, rtt_min_us, rtt_max_us, rtt_mean_us;
    double seconds;         /* first send to last reply */
} LgStats;
void lg_stats(LoadGen *lg, LgStats *out);

/* Frame builders shared with tests: an IPv4/UDP frame with correct
 * checksums; returns its length. */
size_t lg_build_udp(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                    const uint8_t src_ip[4], const uint8_t dst_ip[4], uint16_t sport,
                    uint16_t dport, const uint8_t *payload, size_t n, uint16_t ip_id);

#endif
