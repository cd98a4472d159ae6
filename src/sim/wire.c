/*
 * The wire between the emulated NIC and its back ends, a hub: frames the
 * NIC transmits go to the pcap capture, the load generator and the
 * bridge; frames from the load generator or the bridge go to the capture
 * and the NIC (the first device model with a wire_rx).
 *
 * pcap: the classic format (microsecond timestamps, LINKTYPE_ETHERNET,
 * frames without FCS), written by hand; tshark and libpcap read it.
 * Bridge: an AF_PACKET socket bound to a Linux interface (e.g. one end of
 * a veth pair whose other end is in a network namespace). Frames the
 * kernel hands us with a checksum left to offload (TP_STATUS_CSUMNOTREADY,
 * common on veth) get their TCP/UDP checksum filled in first.
 */
#include "wire.h"
#include "loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct Pending {
    size_t len;
    uint8_t data[1600];
} Pending;

struct SimWire {
    VEC(Pending *) pending; /* load generator frames waiting for the NIC */
    FILE *pcap;
    uint64_t pcap_frames;
    int sock;
    uint64_t bridge_rx, bridge_tx;
    LoadGen *lg;
    bool lg_reported;
};

/* ---- pcap --------------------------------------------------------------- */

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static bool pcap_open(Sim *k, const char *path)
{
    SimWire *w = k->wire;
    w->pcap = fopen(path, "wb");
    if (!w->pcap) {
        diag_add(k->dl, DIAG_ERROR, "io", NULL, "cannot write pcap file '%s': %s", path,
                 strerror(errno));
        return false;
    }
    uint8_t h[24] = {0};
    put32le(h, 0xa1b2c3d4);     /* microsecond timestamps */
    h[4] = 2, h[6] = 4;         /* version 2.4 */
    put32le(h + 16, 65535);     /* snaplen */
    put32le(h + 20, 1);         /* LINKTYPE_ETHERNET */
    fwrite(h, 1, sizeof h, w->pcap);
    return true;
}

static void pcap_frame(SimWire *w, const uint8_t *f, size_t n)
{
    if (!w->pcap) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint8_t h[16];
    put32le(h, (uint32_t)ts.tv_sec);
    put32le(h + 4, (uint32_t)(ts.tv_nsec / 1000));
    put32le(h + 8, (uint32_t)n);
    put32le(h + 12, (uint32_t)n);
    fwrite(h, 1, sizeof h, w->pcap);
    fwrite(f, 1, n, w->pcap);
    w->pcap_frames++;
}

/* ---- the hub ------------------------------------------------------------- */

static KDev *nic(Sim *k)
{
    for (size_t d = 0; d < k->ndev; d++)
        if (k->dev[d].m->wire_rx) return &k->dev[d];
    return NULL;
}

/* A frame from outside, for the NIC. */
static void to_nic(Sim *k, const uint8_t *f, size_t n)
{
    pcap_frame(k->wire, f, n);
    KDev *d = nic(k);
    if (!d) return;
    uint64_t now = sim_now_ns();
    d->m->wire_rx(d->d, f, n, now);
    d->next_tick = d->m->tick(d->d, now);
}

/* The load generator may answer (ARP) from inside the NIC's transmit
 * path: its frames are queued and handed to the NIC from sim_wire_poll,
 * so the device model is never re-entered. */
static void lg_send(void *ctx, const uint8_t *f, size_t n)
{
    Sim *k = ctx;
    if (n > sizeof(((Pending *)0)->data)) return;
    Pending *p = xmalloc(sizeof *p);
    p->len = n;
    memcpy(p->data, f, n);
    vec_push(&k->wire->pending, p);
}

static void flush_pending(Sim *k)
{
    SimWire *w = k->wire;
    for (size_t i = 0; i < w->pending.n; i++) {
        to_nic(k, w->pending.v[i]->data, w->pending.v[i]->len);
        free(w->pending.v[i]);
    }
    w->pending.n = 0;
}

void sim_wire_tx(void *ctx, const uint8_t *f, size_t n)
{
    Sim *k = ctx;
    SimWire *w = k->wire;
    pcap_frame(w, f, n);
    if (w->lg) lg_receive(w->lg, f, n, sim_now_ns());
    if (w->sock >= 0 && send(w->sock, f, n, MSG_DONTWAIT) == (ssize_t)n) w->bridge_tx++;
}

/* ---- bridge ----------------------------------------------------------------- */

static bool bridge_open(Sim *k, const char *ifname)
{
    SimWire *w = k->wire;
    unsigned idx = if_nametoindex(ifname);
    if (!idx) {
        diag_add(k->dl, DIAG_ERROR, "bridge", NULL, "--bridge %s: no such interface", ifname);
        return false;
    }
    w->sock = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    int one = 1;
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                              .sll_ifindex = (int)idx};
    if (w->sock < 0 || bind(w->sock, (struct sockaddr *)&sll, sizeof sll) ||
        setsockopt(w->sock, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)) {
        diag_add(k->dl, DIAG_ERROR, "bridge", NULL, "--bridge %s: %s%s", ifname,
                 strerror(errno), errno == EPERM ? " (needs CAP_NET_RAW)" : "");
        return false;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)4 << 32};
    if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, w->sock, &ev)) {
        diag_add(k->dl, DIAG_ERROR, "bridge", NULL, "epoll_ctl: %s", strerror(errno));
        return false;
    }
    return true;
}

static uint32_t csum_add(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    return s;
}

/* Completes a TCP/UDP checksum the sender left to hardware. */
static void fix_checksum(uint8_t *f, size_t n)
{
    if (n < 34 || f[12] != 0x08 || f[13] != 0 || (f[14] >> 4) != 4) return;
    uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = (size_t)(ip[2] << 8 | ip[3]);
    size_t off = ip[9] == 17 ? 6 : ip[9] == 6 ? 16 : 0;
    if (!off || ihl < 20 || tot < ihl + off + 2 || 14 + tot > n) return;
    uint8_t *l4 = ip + ihl;
    l4[off] = l4[off + 1] = 0;
    uint32_t s = csum_add(ip + 12, 8, 0) + ip[9] + (uint32_t)(tot - ihl);
    s = csum_add(l4, tot - ihl, s);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    uint16_t c = (uint16_t)~s;
    if (ip[9] == 17 && c == 0) c = 0xffff;
    l4[off] = (uint8_t)(c >> 8), l4[off + 1] = (uint8_t)c;
}

void sim_wire_readable(Sim *k)
{
    SimWire *w = k->wire;
    uint8_t buf[16384];
    for (int i = 0; i < 64; i++) {
        struct sockaddr_ll from;
        union {
            struct cmsghdr h;
            uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } ctl;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                            .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl};
        ssize_t n = recvmsg(w->sock, &mh, MSG_DONTWAIT);
        if (n <= 0) return;
        if (from.sll_pkttype == PACKET_OUTGOING) continue; /* our own sends */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
            struct tpacket_auxdata aux;
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (aux.tp_status & TP_STATUS_CSUMNOTREADY) fix_checksum(buf, (size_t)n);
        }
        w->bridge_rx++;
        to_nic(k, buf, (size_t)n);
    }
}

/* ---- life cycle ---------------------------------------------------------- */

bool sim_wire_start(Sim *k)
{
    k->wire = xcalloc(1, sizeof *k->wire);
    k->wire->sock = -1;
    if (k->o->pcap_path && !pcap_open(k, k->o->pcap_path)) return false;
    if (k->o->bridge_if && !bridge_open(k, k->o->bridge_if)) return false;
    return true;
}

static uint64_t drain_ns(Sim *k) { return (uint64_t)((k->o->drain_s > 0 ? k->o->drain_s : 2.0) * 1e9); }

/* The load generator starts once the system has settled: every init()
 * has run and every PD waits (k->settled). */
uint64_t sim_wire_poll(Sim *k, uint64_t now)
{
    SimWire *w = k->wire;
    if (k->o->have_load && !w->lg && k->settled) w->lg = lg_new(&k->o->load, lg_send, k, now);
    uint64_t next = w->lg ? lg_poll(w->lg, now, drain_ns(k)) : UINT64_MAX;
    flush_pending(k);
    return next;
}

bool sim_wire_external(Sim *k) { return k->wire->sock >= 0 || k->o->have_load; }

bool sim_wire_done(Sim *k)
{
    SimWire *w = k->wire;
    return w->lg && lg_done(w->lg, sim_now_ns(), drain_ns(k));
}

int sim_wire_finish(Sim *k)
{
    SimWire *w = k->wire;
    if (w->pcap) fflush(w->pcap);
    if (w->sock >= 0)
        fprintf(k->log, "griddle sim: bridge %s: %llu frames in, %llu out\n", k->o->bridge_if,
                (unsigned long long)w->bridge_rx, (unsigned long long)w->bridge_tx);
    if (!w->lg) return 0;
    LgStats st;
    lg_stats(w->lg, &st);
    if (!st.arp_resolved) {
        fprintf(k->log, "griddle sim: load: no ARP reply from 10.0.0.2; nothing sent\n");
        return 4;
    }
    double pps = st.seconds > 0 ? (double)st.received / st.seconds : 0;
    fprintf(k->log, "griddle sim: load: sent %llu, received %llu, lost %llu, bad %llu; "
            "rtt p50 %.1f us, p99 %.1f us; %.0f replies/s\n",
            (unsigned long long)st.sent, (unsigned long long)st.received,
            (unsigned long long)st.lost, (unsigned long long)st.bad, st.rtt_p50_us,
            st.rtt_p99_us, pps);
    return (st.lost || st.bad || st.duplicates || st.sent < k->o->load.count) ? 4 : 0;
}

void sim_wire_report(Sim *k, StrBuf *b)
{
    SimWire *w = k->wire;
    if (!w || !w->lg) {
        sb_puts(b, "null");
        return;
    }
    LgStats st;
    lg_stats(w->lg, &st);
    sb_printf(b, "{\"sent\":%llu,\"received\":%llu,\"lost\":%llu,\"bad\":%llu,"
              "\"duplicates\":%llu,\"generator_stalls\":%llu,\"rate_pps\":%llu,\"size\":%u,"
              "\"window\":%u,\"window_waits\":%llu,\"seconds\":%.6f,"
              "\"rtt_us\":{\"p50\":%.3f,\"p99\":%.3f,\"min\":%.3f,\"max\":%.3f,\"mean\":%.3f}}",
              (unsigned long long)st.sent, (unsigned long long)st.received,
              (unsigned long long)st.lost, (unsigned long long)st.bad,
              (unsigned long long)st.duplicates, (unsigned long long)st.rebases,
              (unsigned long long)k->o->load.rate_pps,
              k->o->load.size, k->o->load.window, (unsigned long long)st.window_waits, st.seconds, st.rtt_p50_us, st.rtt_p99_us, st.rtt_min_us,
              st.rtt_max_us, st.rtt_mean_us);
}

void sim_wire_free(Sim *k)
{
    SimWire *w = k->wire;
    if (!w) return;
    if (w->pcap) fclose(w->pcap);
    if (w->sock >= 0) close(w->sock);
    for (size_t i = 0; i < w->pending.n; i++) free(w->pending.v[i]);
    vec_free(&w->pending);
    lg_free(w->lg);
    free(w);
    k->wire = NULL;
}
