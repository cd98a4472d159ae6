/*
 * Load generator (see loadgen.h). Payload of each request, little-endian:
 *   0  u32 sequence number      4  u32 magic "GRDL"
 *   8  u64 send time (ns)      16  pattern: byte j = (seq + j) & 0xff
 * A reply is good if it comes from 10.0.0.2:1235 to us, with valid IP and
 * UDP checksums, the same length, our magic, a sequence number we sent
 * and have not seen back yet, and the pattern intact.
 */
#include "loadgen.h"
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

#define LG_MAGIC 0x4c445247u /* "GRDL" */
#define LG_PORT 40000
#define ECHO_PORT 1235
#define ARP_RETRY_NS 100000000ull
#define ARP_TRIES 50
#define MAX_BURST 64

static const uint8_t MY_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t MY_IP[4] = {10, 0, 0, 1};
static const uint8_t PEER_IP[4] = {10, 0, 0, 2};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct LoadGen {
    SimLoad cfg;
    LgSend send;
    void *ctx;
    uint8_t peer_mac[6];
    bool resolved;
    unsigned arp_tries;
    uint64_t next_arp, t_start, t_first, t_last_send, t_last_reply;
    uint64_t sent, received, bad, dups;
    uint64_t rebased_at, rebases; /* schedule restarts after host stalls */
    uint64_t t_progress;    /* last send or good reply (closed loop: stall detection) */
    uint64_t window_waits;
    bool waiting;           /* a due request waits for the window */
    uint8_t *seen;          /* one byte per sequence number */
    uint64_t *rtt;          /* nanoseconds, in arrival order */
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }


size_t lg_build_udp(uint8_t *b, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                    const uint8_t src_ip[4], const uint8_t dst_ip[4], uint16_t sport,
                    uint16_t dport, const uint8_t *payload, size_t n, uint16_t ip_id)
{
    memcpy(b, dst_mac, 6);
    memcpy(b + 6, src_mac, 6);
    put16(b + 12, 0x0800);
    uint8_t *ip = b + 14, *udp = ip + 20;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + 8 + n));
    put16(ip + 4, ip_id);
    ip[6] = 0x40;           /* don't fragment */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, src_ip, 4);
    memcpy(ip + 16, dst_ip, 4);
    put16(ip + 10, inet_fold(inet_sum(ip, 20, 0)));
    put16(udp, sport);
    put16(udp + 2, dport);
    put16(udp + 4, (uint16_t)(8 + n));
    put16(udp + 6, 0);
    memcpy(udp + 8, payload, n);
    uint32_t s = inet_sum(ip + 12, 8, 0) + 17 + (uint32_t)(8 + n);
    uint16_t c = inet_fold(inet_sum(udp, 8 + n, s));
    put16(udp + 6, c ? c : 0xffff);
    size_t len = 14 + 20 + 8 + n;
    if (len < 60) {
        memset(b + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

/* ARP for IPv4 over Ethernet; op 1 request, 2 reply. */
static void send_arp(LoadGen *lg, uint16_t op, const uint8_t *tha, const uint8_t *tip)
{
    uint8_t f[60] = {0};
    memcpy(f, op == 1 ? BCAST : tha, 6);
    memcpy(f + 6, MY_MAC, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6, f[19] = 4;
    put16(f + 20, op);
    memcpy(f + 22, MY_MAC, 6);
    memcpy(f + 28, MY_IP, 4);
    if (op == 2) memcpy(f + 32, tha, 6);
    memcpy(f + 38, tip, 4);
    lg->send(lg->ctx, f, sizeof f);
}

LoadGen *lg_new(const SimLoad *cfg, LgSend send, void *ctx, uint64_t now)
{
    LoadGen *lg = xcalloc(1, sizeof *lg);
    lg->cfg = *cfg;
    lg->send = send;
    lg->ctx = ctx;
    lg->next_arp = now;
    lg->seen = xcalloc(cfg->count ? cfg->count : 1, 1);
    lg->rtt = xcalloc(cfg->count ? cfg->count : 1, sizeof *lg->rtt);
    return lg;
}

void lg_free(LoadGen *lg)
{
    if (!lg) return;
    free(lg->seen);
    free(lg->rtt);
    free(lg);
}

static void send_request(LoadGen *lg, uint64_t seq, uint64_t now)
{
    uint8_t payload[1472], frame[1600];
    uint32_t s32 = (uint32_t)seq, magic = LG_MAGIC;
    memcpy(payload, &s32, 4);
    memcpy(payload + 4, &magic, 4);
    memcpy(payload + 8, &now, 8);
    for (size_t j = 16; j < lg->cfg.size; j++) payload[j] = (uint8_t)(seq + j);
    size_t n = lg_build_udp(frame, lg->peer_mac, MY_MAC, MY_IP, PEER_IP, LG_PORT, ECHO_PORT,
                            payload, lg->cfg.size, (uint16_t)seq);
    lg->send(lg->ctx, frame, n);
    lg->sent++;
    lg->t_last_send = lg->t_progress = now;
}

static bool window_full(const LoadGen *lg)
{
    return lg->cfg.window && lg->sent - lg->received >= lg->cfg.window;
}

uint64_t lg_poll(LoadGen *lg, uint64_t now, uint64_t drain_ns)
{
    if (!lg->resolved) {
        if (now >= lg->next_arp && lg->arp_tries < ARP_TRIES) {
            send_arp(lg, 1, NULL, PEER_IP);
            lg->arp_tries++;
            lg->next_arp = now + ARP_RETRY_NS;
        }
        return lg->arp_tries < ARP_TRIES ? lg->next_arp : UINT64_MAX;
    }
    uint64_t period = 1000000000ull / lg->cfg.rate_pps;
    unsigned burst = 0;
    while (lg->sent < lg->cfg.count) {
        if (window_full(lg)) {
            /* lg_receive opens it; the emulator polls us after every event */
            if (!lg->waiting) lg->window_waits++;
            lg->waiting = true;
            return lg->t_progress + drain_ns;
        }
        if (lg->waiting) {
            /* the rate applies from the reply that opened the window */
            lg->waiting = false;
            lg->t_start = now;
            lg->rebased_at = lg->sent;
        }
        uint64_t due = lg->t_start + (lg->sent - lg->rebased_at) * period;
        if (due > now) return due;
        /* The generator runs in the emulator process: if the host did not
         * schedule us for a while, a real generator on its own machine
         * would not have stalled, so continue at the rate from now rather
         * than burst the backlog at the system. Small delays are caught
         * up (in bursts of at most MAX_BURST). */
        if (now - due > 2 * period + 1000000) {
            lg->rebases++;
            lg->t_start = now;
            lg->rebased_at = lg->sent;
        }
        if (++burst > MAX_BURST) return now;
        send_request(lg, lg->sent, now);
    }
    /* all sent: wake up when the drain time is over */
    return lg->received < lg->sent ? lg->t_last_send + drain_ns : UINT64_MAX;
}

static bool good_reply(LoadGen *lg, const uint8_t *f, size_t len, uint64_t *seq_out,
                       const uint8_t **payload)
{
    if (len < 14 + 20 + 8 || get16(f + 12) != 0x0800) return false;
    const uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = get16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || 14 + tot > len) return false;
    if (ip[9] != 17 || memcmp(ip + 12, PEER_IP, 4) || memcmp(ip + 16, MY_IP, 4)) return false;
    if (inet_fold(inet_sum(ip, ihl, 0)) != 0) return false;
    const uint8_t *udp = ip + ihl;
    size_t ulen = get16(udp + 4);
    if (get16(udp) != ECHO_PORT || get16(udp + 2) != LG_PORT || ulen != tot - ihl) return false;
    if (get16(udp + 6)) {
        uint32_t s = inet_sum(ip + 12, 8, 0) + 17 + (uint32_t)ulen;
        if (inet_fold(inet_sum(udp, ulen, s)) != 0) return false;
    }
    size_t n = ulen - 8;
    const uint8_t *p = udp + 8;
    uint32_t s32, magic;
    if (n != lg->cfg.size) return false;
    memcpy(&s32, p, 4);
    memcpy(&magic, p + 4, 4);
    if (magic != LG_MAGIC || s32 >= lg->sent) return false;
    for (size_t j = 16; j < n; j++)
        if (p[j] != (uint8_t)(s32 + j)) return false;
    *seq_out = s32;
    *payload = p;
    return true;
}

static void on_arp(LoadGen *lg, const uint8_t *f, size_t len)
{
    if (len < 42 || get16(f + 14) != 1 || get16(f + 16) != 0x0800) return;
    uint16_t op = get16(f + 20);
    if (op == 1 && !memcmp(f + 38, MY_IP, 4)) send_arp(lg, 2, f + 22, f + 28);
    if (op == 2 && !memcmp(f + 28, PEER_IP, 4) && !lg->resolved) {
        memcpy(lg->peer_mac, f + 22, 6);
        lg->resolved = true;
    }
}

void lg_receive(LoadGen *lg, const uint8_t *f, size_t len, uint64_t now)
{
    if (len < 14) return;
    if (get16(f + 12) == 0x0806) {
        bool was = lg->resolved;
        on_arp(lg, f, len);
        if (!was && lg->resolved) lg->t_start = lg->t_first = now;
        return;
    }
    if (memcmp(f, MY_MAC, 6)) return; /* not for us */
    uint64_t seq;
    const uint8_t *p;
    if (!good_reply(lg, f, len, &seq, &p)) {
        lg->bad++;
        return;
    }
    if (lg->seen[seq]) {
        lg->dups++;
        return;
    }
    lg->seen[seq] = 1;
    uint64_t sent_at;
    memcpy(&sent_at, p + 8, 8);
    lg->rtt[lg->received++] = now - sent_at;
    lg->t_last_reply = lg->t_progress = now;
}

bool lg_done(const LoadGen *lg, uint64_t now, uint64_t drain_ns)
{
    if (!lg->resolved) return lg->arp_tries >= ARP_TRIES && now >= lg->next_arp;
    /* closed loop: nothing came back for the drain time with the window full */
    if (lg->sent < lg->cfg.count) return window_full(lg) && now >= lg->t_progress + drain_ns;
    return lg->received == lg->sent || now >= lg->t_last_send + drain_ns;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted sample. */
static double pct(const uint64_t *v, uint64_t n, double p)
{
    if (!n) return 0;
    uint64_t rank = (uint64_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)v[rank - 1] / 1000.0;
}

void lg_stats(LoadGen *lg, LgStats *o)
{
    memset(o, 0, sizeof *o);
    o->sent = lg->sent;
    o->received = lg->received;
    o->lost = lg->sent - lg->received;
    o->bad = lg->bad;
    o->duplicates = lg->dups;
    o->arp_resolved = lg->resolved;
    o->rebases = lg->rebases;
    o->window_waits = lg->window_waits;
    uint64_t n = lg->received;
    if (!n) return;
    uint64_t *v = xmalloc(n * sizeof *v);
    memcpy(v, lg->rtt, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u64);
    double sum = 0;
    for (uint64_t i = 0; i < n; i++) sum += (double)v[i];
    o->rtt_p50_us = pct(v, n, 50);
    o->rtt_p99_us = pct(v, n, 99);
    o->rtt_min_us = (double)v[0] / 1000.0;
    o->rtt_max_us = (double)v[n - 1] / 1000.0;
    o->rtt_mean_us = sum / (double)n / 1000.0;
    o->seconds = (double)(lg->t_last_reply - lg->t_first) / 1e9;
    free(v);
}
