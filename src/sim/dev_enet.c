/*
 * Behavioural model of the i.MX8 ENET (FEC) MAC with legacy 8-byte buffer
 * descriptors, as the sDDF driver uses it (reference §4.2-§4.6; register
 * offsets and bits as in the i.MX8M Mini RM §11.5 and Linux fec.h).
 *
 *  - ECR.RESET resets everything except the MAC address and self-clears;
 *    ETHEREN 0->1 restarts both rings at RDSR/TDSR.
 *  - EIR is write-1-to-clear; the IRQ line is (EIR & EIMR) != 0 (level).
 *  - RDAR/TDAR: any write while enabled sets the doorbell; the device
 *    clears it when it finds no usable descriptor.
 *  - RX: frames from the wire wait in a bounded FIFO (rx_fifo_bytes) for
 *    an empty descriptor; each goes into one buffer with its FCS appended
 *    (unless RCR.CRCFWD), then len, then stat (E cleared, L set, W kept)
 *    last; RXF|RXB raised. A frame longer than RCR.MAX_FL is flagged LG,
 *    one longer than MRBR is truncated and flagged TR (frames spanning
 *    several buffers are not modelled). Without RCR.PROM only broadcast
 *    and our own address are accepted.
 *  - TX: descriptors with R set are sent in ring order, gathered until L,
 *    paced at the line rate; checksums inserted per TACC; stat written
 *    back with R cleared; TXB per buffer, TXF per frame or per TXIC0
 *    coalescing (ICFT frames or ICTT x 64 TX clocks after the first
 *    unreported frame).
 *  - A descriptor or buffer outside emulated RAM is a bus error: EBERR,
 *    and ETHEREN clears.
 *  - MIB counters at 0x200 count RX/TX frames and octets (FCS included);
 *    MIBC reads IDLE; MIB_CLEAR zeroes them.
 * Descriptors are shared with a driver running concurrently in another
 * process: stat is read with acquire and written with release ordering.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

enum {
    R_EIR = 0x004, R_EIMR = 0x008, R_RDAR = 0x010, R_TDAR = 0x014, R_ECR = 0x024,
    R_MIBC = 0x064, R_RCR = 0x084, R_TCR = 0x0c4, R_PALR = 0x0e4, R_PAUR = 0x0e8,
    R_TXIC0 = 0x0f0, R_RDSR = 0x180, R_TDSR = 0x184, R_MRBR = 0x188, R_TACC = 0x1c0,
    R_RACC = 0x1c4, R_MIB = 0x200, R_MIB_END = 0x300, R_SPACE = 0x800,
};

enum {
    EIR_EBERR = 1u << 22, EIR_RXB = 1u << 24, EIR_RXF = 1u << 25, EIR_TXB = 1u << 26,
    EIR_TXF = 1u << 27,
    ECR_RESET = 1u << 0, ECR_ETHEREN = 1u << 1,
    MIBC_DIS = 1u << 31, MIBC_IDLE = 1u << 30, MIBC_CLEAR = 1u << 29,
    RCR_PROM = 1u << 3, RCR_CRCFWD = 1u << 14,
    TACC_IPCHK = 1u << 3, TACC_PROCHK = 1u << 4,
    RACC_IPDIS = 1u << 1, RACC_PRODIS = 1u << 2,
    DAR_ACTIVE = 1u << 24,
    TXIC_ICEN = 1u << 31,
    /* descriptor status bits (Linux BD_ENET_RX_* / BD_ENET_TX_*) */
    BD_E = 0x8000, BD_R = 0x8000, BD_W = 0x2000, BD_L = 0x0800, BD_TC = 0x0400,
    BD_M = 0x0100, BD_BC = 0x0080, BD_MC = 0x0040, BD_LG = 0x0020, BD_TR = 0x0001,
};

/* MIB counter offsets (Linux fec.h / sDDF ethernet.h struct mib_regs) */
enum {
    M_T_PACKETS = 0x204, M_T_BC = 0x208, M_T_MC = 0x20c, M_T_OCTETS = 0x244,
    M_T_FRAME_OK = 0x24c, M_T_OCTETS_OK = 0x274,
    M_R_PACKETS = 0x284, M_R_BC = 0x288, M_R_MC = 0x28c, M_R_OVERSIZE = 0x298,
    M_R_OCTETS = 0x2c4, M_R_FRAME_OK = 0x2cc, M_R_MACERR = 0x2d8, M_R_OCTETS_OK = 0x2e0,
};

#define MAX_FRAME 16384

typedef struct RxFrame {
    size_t len;
    uint8_t *data;
} RxFrame;

struct SimDev {
    SimDevHost host;
    SimEnetOpts opt;
    uint32_t reg[R_SPACE / 4];
    bool rx_active, tx_active;
    uint32_t rx_idx, tx_idx;
    uint32_t txic_count;
    uint64_t txic_deadline;     /* 0: no timer running */
    uint64_t tx_free_at;        /* the wire is busy until then */
    uint8_t txbuf[MAX_FRAME];
    size_t txlen;
    VEC(RxFrame) fifo;
    size_t fifo_head, fifo_bytes;
    uint32_t crc_table[256];
    /* statistics for --report */
    uint64_t rx_frames, rx_no_buffer, rx_fifo_drop, rx_disabled, rx_filtered, rx_csum_drop;
    uint64_t tx_frames, bus_errors, irq_events;
};

static uint32_t *R(SimDev *d, uint32_t off) { return &d->reg[off / 4]; }

/* ---- helpers -------------------------------------------------------------- */

static void crc_init(SimDev *d)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        d->crc_table[i] = c;
    }
}

/* IEEE 802.3 FCS (reflected CRC-32), transmitted least significant byte first. */
static uint32_t fcs(const SimDev *d, const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) c = d->crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

static void mib_add(SimDev *d, uint32_t off, uint32_t n)
{
    if (!(*R(d, R_MIBC) & MIBC_DIS)) *R(d, off) += n;
}

static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t ld32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The descriptor at index i of the ring based at base, or NULL (bus error). */
static uint8_t *bd(SimDev *d, uint32_t base, uint32_t i)
{
    return d->host.dma(d->host.ctx, (uint64_t)base + 8ull * i, 8);
}

static uint16_t bd_stat(const uint8_t *b)
{
    uint16_t v;
    __atomic_load((const uint16_t *)(b + 2), &v, __ATOMIC_ACQUIRE);
    return v;
}

static void bd_set_stat(uint8_t *b, uint16_t v)
{
    __atomic_store((uint16_t *)(b + 2), &v, __ATOMIC_RELEASE);
}

static void bus_error(SimDev *d)
{
    d->bus_errors++;
    *R(d, R_EIR) |= EIR_EBERR;
    *R(d, R_ECR) &= ~ECR_ETHEREN;
    d->rx_active = d->tx_active = false;
}

static bool enabled(SimDev *d) { return (*R(d, R_ECR) & ECR_ETHEREN) != 0; }

/* ---- checksums (TACC insertion, RACC checking; inet_sum in sim_int.h) ---- */

/* Locates an unfragmented IPv4 packet: header length and total length. */
static bool ipv4(const uint8_t *f, size_t n, size_t *ihl, size_t *tot)
{
    if (n < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4) return false;
    *ihl = (size_t)(f[14] & 15) * 4;
    *tot = (size_t)(f[16] << 8 | f[17]);
    if (*ihl < 20 || *tot < *ihl || 14 + *tot > n) return false;
    return true;
}

/* The L4 checksum field offset within the IP payload, or 0. */
static size_t l4_csum_off(uint8_t proto)
{
    return proto == 17 ? 6 : proto == 6 ? 16 : proto == 1 ? 2 : 0;
}

static uint16_t l4_sum(const uint8_t *ip, size_t ihl, size_t tot)
{
    uint8_t proto = ip[9];
    uint32_t s = 0;
    if (proto != 1) {   /* pseudo-header for UDP/TCP */
        s = inet_sum(ip + 12, 8, 0);
        s += proto;
        s += (uint32_t)(tot - ihl);
    }
    return inet_fold(inet_sum(ip + ihl, tot - ihl, s));
}

static void insert_checksums(SimDev *d, uint8_t *f, size_t n)
{
    size_t ihl, tot;
    uint32_t tacc = *R(d, R_TACC);
    if (!(tacc & (TACC_IPCHK | TACC_PROCHK)) || !ipv4(f, n, &ihl, &tot)) return;
    uint8_t *ip = f + 14;
    bool frag = (ip[6] & 0x3f) || ip[7];
    if (tacc & TACC_IPCHK) {
        ip[10] = ip[11] = 0;
        uint16_t c = inet_fold(inet_sum(ip, ihl, 0));
        ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
    }
    size_t co = l4_csum_off(ip[9]);
    if ((tacc & TACC_PROCHK) && co && !frag && tot - ihl >= co + 2) {
        ip[ihl + co] = ip[ihl + co + 1] = 0;
        uint16_t c = l4_sum(ip, ihl, tot);
        if (ip[9] == 17 && c == 0) c = 0xffff;
        ip[ihl + co] = (uint8_t)(c >> 8), ip[ihl + co + 1] = (uint8_t)c;
    }
}

/* RACC: discard frames whose IP or protocol checksum is wrong. */
static bool checksums_ok(SimDev *d, const uint8_t *f, size_t n)
{
    size_t ihl, tot;
    uint32_t racc = *R(d, R_RACC);
    if (!(racc & (RACC_IPDIS | RACC_PRODIS)) || !ipv4(f, n, &ihl, &tot)) return true;
    const uint8_t *ip = f + 14;
    if ((racc & RACC_IPDIS) && inet_fold(inet_sum(ip, ihl, 0)) != 0) return false;
    size_t co = l4_csum_off(ip[9]);
    bool frag = (ip[6] & 0x3f) || ip[7];
    if (!(racc & RACC_PRODIS) || !co || frag || tot - ihl < co + 2) return true;
    if (ip[9] == 17 && ip[ihl + 6] == 0 && ip[ihl + 7] == 0) return true; /* no UDP checksum */
    return l4_sum(ip, ihl, tot) == 0;
}

/* ---- receive -------------------------------------------------------------- */

static bool accepted(SimDev *d, const uint8_t *f)
{
    if (*R(d, R_RCR) & RCR_PROM) return true;
    if (f[0] & 1) return f[0] == 0xff; /* broadcast; multicast hash filters are zero */
    uint32_t palr = *R(d, R_PALR), paur = *R(d, R_PAUR);
    uint8_t mac[6] = {(uint8_t)(palr >> 24), (uint8_t)(palr >> 16), (uint8_t)(palr >> 8),
                      (uint8_t)palr, (uint8_t)(paur >> 24), (uint8_t)(paur >> 16)};
    return memcmp(f, mac, 6) == 0;
}

static void rx_mib(SimDev *d, const uint8_t *f, uint32_t total)
{
    mib_add(d, M_R_PACKETS, 1);
    mib_add(d, M_R_OCTETS, total);
    mib_add(d, M_R_FRAME_OK, 1);
    mib_add(d, M_R_OCTETS_OK, total);
    if (f[0] == 0xff && !memcmp(f, "\xff\xff\xff\xff\xff\xff", 6)) mib_add(d, M_R_BC, 1);
    else if (f[0] & 1) mib_add(d, M_R_MC, 1);
}

/* Puts one frame into the current RX descriptor; false if there is no
 * empty descriptor (the doorbell clears) or on a bus error. */
static bool rx_one(SimDev *d, const uint8_t *f, size_t n)
{
    uint8_t *b = bd(d, *R(d, R_RDSR), d->rx_idx);
    if (!b) {
        bus_error(d);
        return false;
    }
    uint16_t stat = bd_stat(b);
    if (!(stat & BD_E)) {
        d->rx_active = false;
        return false;
    }
    bool crc = !(*R(d, R_RCR) & RCR_CRCFWD);
    size_t total = n + (crc ? 4 : 0), mrbr = *R(d, R_MRBR) & 0x3ff0, max_fl = (*R(d, R_RCR) >> 16) & 0x3fff;
    uint16_t flags = BD_L;
    if (total > max_fl) flags |= BD_LG;
    size_t put = total;
    if (mrbr && put > mrbr) put = mrbr, flags |= BD_TR | BD_LG;
    uint8_t *buf = d->host.dma(d->host.ctx, ld32(b + 4), put);
    if (!buf) {
        bus_error(d);
        return false;
    }
    uint8_t tmp[MAX_FRAME + 4];
    memcpy(tmp, f, n);
    uint32_t c = fcs(d, f, n);
    for (int i = 0; i < 4; i++) tmp[n + (size_t)i] = (uint8_t)(c >> (8 * i));
    memcpy(buf, tmp, put);
    if (f[0] & 1) flags |= (f[0] == 0xff) ? BD_BC : BD_MC;
    if (total > max_fl) mib_add(d, M_R_OVERSIZE, 1);
    b[0] = (uint8_t)put, b[1] = (uint8_t)(put >> 8);
    bd_set_stat(b, (uint16_t)((stat & BD_W) | flags));
    *R(d, R_EIR) |= EIR_RXF | EIR_RXB;
    d->rx_idx = (stat & BD_W) ? 0 : d->rx_idx + 1;
    d->rx_frames++;
    rx_mib(d, f, (uint32_t)total);
    return true;
}

static void fifo_pop(SimDev *d)
{
    RxFrame *fr = &d->fifo.v[d->fifo_head++];
    d->fifo_bytes -= fr->len;
    free(fr->data);
    if (d->fifo_head == d->fifo.n) d->fifo.n = d->fifo_head = 0;
}

static void rx_drain(SimDev *d)
{
    while (d->fifo_head < d->fifo.n && enabled(d) && d->rx_active) {
        RxFrame *fr = &d->fifo.v[d->fifo_head];
        if (!rx_one(d, fr->data, fr->len)) break;
        fifo_pop(d);
    }
}

static void enet_wire_rx(SimDev *d, const uint8_t *f, size_t n, uint64_t now)
{
    (void)now;
    if (n < 14 || n > MAX_FRAME) return;
    if (!enabled(d)) {
        d->rx_disabled++;
        return;
    }
    if (!accepted(d, f)) {
        d->rx_filtered++;
        return;
    }
    if (!checksums_ok(d, f, n)) {
        d->rx_csum_drop++;
        return;
    }
    rx_drain(d);
    if (d->fifo_head == d->fifo.n && d->rx_active && rx_one(d, f, n)) return;
    if (d->fifo_bytes + n > d->opt.rx_fifo_bytes) {
        /* no buffer and no room: the frame is lost (RM: FIFO overflow) */
        if (!d->rx_active) d->rx_no_buffer++;
        else d->rx_fifo_drop++;
        mib_add(d, M_R_MACERR, 1);
        return;
    }
    RxFrame fr = {.len = n, .data = xmalloc(n)};
    memcpy(fr.data, f, n);
    vec_push(&d->fifo, fr);
    d->fifo_bytes += n;
}

/* ---- transmit ------------------------------------------------------------- */

static uint64_t wire_ns(SimDev *d, size_t n)
{
    if (!d->opt.line_bps) return 0;
    /* preamble+SFD 8, FCS 4, inter-frame gap 12; minimum frame 64 with FCS */
    size_t bytes = (n < 60 ? 60 : n) + 4 + 8 + 12;
    return (uint64_t)bytes * 8ull * 1000000000ull / d->opt.line_bps;
}

static void tx_done(SimDev *d, uint64_t now)
{
    uint32_t txic = *R(d, R_TXIC0);
    if (!(txic & TXIC_ICEN)) {
        *R(d, R_EIR) |= EIR_TXF;
        return;
    }
    uint32_t icft = (txic >> 20) & 0xff, ictt = txic & 0xffff;
    if (++d->txic_count >= (icft ? icft : 1)) {
        *R(d, R_EIR) |= EIR_TXF;
        d->txic_count = 0;
        d->txic_deadline = 0;
    } else if (!d->txic_deadline && ictt) {
        /* ICTT counts 64 periods of the 125 MHz TX clock (1 Gb/s): 512 ns */
        d->txic_deadline = now + (uint64_t)ictt * 512;
    }
}

static void tx_frame(SimDev *d, uint64_t now)
{
    /* Ethernet's minimum frame: the MAC pads short frames (assumed, as
     * Ethernet requires 64 bytes with FCS; not checked against the RM) */
    if (d->txlen < 60) {
        memset(d->txbuf + d->txlen, 0, 60 - d->txlen);
        d->txlen = 60;
    }
    insert_checksums(d, d->txbuf, d->txlen);
    d->host.wire_tx(d->host.ctx, d->txbuf, d->txlen);
    d->tx_frames++;
    uint32_t total = (uint32_t)d->txlen + 4;
    mib_add(d, M_T_PACKETS, 1);
    mib_add(d, M_T_OCTETS, total);
    mib_add(d, M_T_FRAME_OK, 1);
    mib_add(d, M_T_OCTETS_OK, total);
    if (d->txbuf[0] == 0xff) mib_add(d, M_T_BC, 1);
    else if (d->txbuf[0] & 1) mib_add(d, M_T_MC, 1);
    d->tx_free_at = (d->tx_free_at > now ? d->tx_free_at : now) + wire_ns(d, d->txlen);
    d->txlen = 0;
    tx_done(d, now);
}

static void tx_run(SimDev *d, uint64_t now)
{
    while (enabled(d) && d->tx_active) {
        if (d->opt.line_bps && now < d->tx_free_at) return; /* wire busy: tick resumes */
        uint8_t *b = bd(d, *R(d, R_TDSR), d->tx_idx);
        if (!b) {
            bus_error(d);
            return;
        }
        uint16_t stat = bd_stat(b);
        if (!(stat & BD_R)) {
            d->tx_active = false;
            return;
        }
        size_t len = ld16(b);
        const uint8_t *data = d->host.dma(d->host.ctx, ld32(b + 4), len);
        if (!data) {
            bus_error(d);
            return;
        }
        if (d->txlen + len <= MAX_FRAME) memcpy(d->txbuf + d->txlen, data, len);
        d->txlen = d->txlen + len <= MAX_FRAME ? d->txlen + len : MAX_FRAME;
        bd_set_stat(b, (uint16_t)(stat & ~BD_R));
        *R(d, R_EIR) |= EIR_TXB;
        d->tx_idx = (stat & BD_W) ? 0 : d->tx_idx + 1;
        if (stat & BD_L) tx_frame(d, now);
    }
}

/* ---- registers ------------------------------------------------------------ */

static void reset(SimDev *d)
{
    uint32_t palr = *R(d, R_PALR), paur = *R(d, R_PAUR);
    memset(d->reg, 0, sizeof d->reg);
    *R(d, R_PALR) = palr;
    *R(d, R_PAUR) = paur;
    *R(d, R_RCR) = 0x05ee0001;     /* RM reset value: MAX_FL 1518, LOOP */
    d->rx_active = d->tx_active = false;
    d->rx_idx = d->tx_idx = 0;
    d->txic_count = 0;
    d->txic_deadline = 0;
    d->txlen = 0;
    while (d->fifo_head < d->fifo.n) fifo_pop(d);
}

static uint32_t reg_read(SimDev *d, uint32_t off)
{
    switch (off) {
    case R_RDAR: return d->rx_active ? DAR_ACTIVE : 0;
    case R_TDAR: return d->tx_active ? DAR_ACTIVE : 0;
    case R_MIBC: return (*R(d, off) & (MIBC_DIS | MIBC_CLEAR)) | MIBC_IDLE;
    case R_PAUR: return (*R(d, off) & 0xffff0000u) | 0x8808; /* TYPE reads 0x8808 */
    default: return off < R_SPACE ? *R(d, off) : 0;
    }
}

static void reg_write(SimDev *d, uint32_t off, uint32_t v, uint32_t lanes)
{
    uint64_t now = d->host.now(d->host.ctx);
    uint32_t old = off < R_SPACE ? *R(d, off) : 0, merged = (old & ~lanes) | (v & lanes);
    switch (off) {
    case R_EIR: *R(d, off) &= ~(v & lanes); return;
    case R_RDAR:
        if (enabled(d)) d->rx_active = true;
        rx_drain(d);
        return;
    case R_TDAR:
        if (enabled(d)) d->tx_active = true;
        tx_run(d, now);
        return;
    case R_ECR:
        if (merged & ECR_RESET) {
            reset(d);
            return;
        }
        *R(d, off) = merged;
        if ((merged & ECR_ETHEREN) && !(old & ECR_ETHEREN)) d->rx_idx = d->tx_idx = 0;
        if (!(merged & ECR_ETHEREN)) d->rx_active = d->tx_active = false;
        return;
    case R_MIBC:
        *R(d, off) = merged & (MIBC_DIS | MIBC_CLEAR);
        if (merged & MIBC_CLEAR)
            memset(&d->reg[R_MIB / 4], 0, (R_MIB_END - R_MIB));
        return;
    case R_RDSR: case R_TDSR: *R(d, off) = merged & ~7u; return;
    case R_MRBR: *R(d, off) = merged & 0x3ff0; return;
    default:
        if (off >= R_MIB && off < R_MIB_END) return; /* counters are read-only */
        if (off < R_SPACE) *R(d, off) = merged;
        return;
    }
}

/* Accesses of any width are split into the 32-bit registers they touch. */
static uint64_t enet_read(SimDev *d, uint64_t off, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        uint64_t a = off + i;
        uint32_t r = reg_read(d, (uint32_t)(a & ~3ull));
        v |= (uint64_t)((r >> (8 * (a & 3))) & 0xff) << (8 * i);
    }
    return v;
}

static void enet_write(SimDev *d, uint64_t off, unsigned width, uint64_t val)
{
    uint64_t end = off + width;
    for (uint64_t a = off & ~3ull; a < end; a += 4) {
        uint32_t v = 0, lanes = 0;
        for (unsigned b = 0; b < 4; b++) {
            if (a + b < off || a + b >= end) continue;
            v |= (uint32_t)((val >> (8 * (a + b - off))) & 0xff) << (8 * b);
            lanes |= 0xffu << (8 * b);
        }
        reg_write(d, (uint32_t)a, v, lanes);
    }
}

static bool enet_irq_line(SimDev *d) { return (*R(d, R_EIR) & *R(d, R_EIMR)) != 0; }

static uint64_t enet_tick(SimDev *d, uint64_t now)
{
    if (d->txic_deadline && now >= d->txic_deadline) {
        *R(d, R_EIR) |= EIR_TXF;
        d->txic_count = 0;
        d->txic_deadline = 0;
    }
    tx_run(d, now);
    rx_drain(d);
    uint64_t next = UINT64_MAX;
    if (d->txic_deadline) next = d->txic_deadline;
    if (enabled(d) && d->tx_active && d->tx_free_at > now && d->tx_free_at < next)
        next = d->tx_free_at;
    return next;
}

static void enet_stats(SimDev *d, StrBuf *b)
{
    sb_printf(b, "{\"rx_frames\":%llu,\"rx_dropped_no_buffer\":%llu,\"rx_dropped_fifo\":%llu,"
              "\"rx_dropped_disabled\":%llu,\"rx_filtered\":%llu,\"rx_dropped_checksum\":%llu,"
              "\"tx_frames\":%llu,\"bus_errors\":%llu}",
              (unsigned long long)d->rx_frames, (unsigned long long)d->rx_no_buffer,
              (unsigned long long)d->rx_fifo_drop, (unsigned long long)d->rx_disabled,
              (unsigned long long)d->rx_filtered, (unsigned long long)d->rx_csum_drop,
              (unsigned long long)d->tx_frames, (unsigned long long)d->bus_errors);
}

SimDev *sim_enet_create(const SimDevHost *host, const uint8_t mac[6], const SimEnetOpts *o)
{
    SimDev *d = xcalloc(1, sizeof *d);
    d->host = *host;
    d->opt = *o;
    crc_init(d);
    *R(d, R_PALR) = (uint32_t)mac[0] << 24 | (uint32_t)mac[1] << 16 | (uint32_t)mac[2] << 8 | mac[3];
    *R(d, R_PAUR) = (uint32_t)mac[4] << 24 | (uint32_t)mac[5] << 16;
    reset(d);
    return d;
}

static SimDev *enet_create(const SimDevHost *host, const uint8_t mac[6])
{
    /* 1 Gb/s, and a receive FIFO of 8 KiB, the order of the real one */
    SimEnetOpts o = {.line_bps = 1000000000ull, .rx_fifo_bytes = 8192};
    return sim_enet_create(host, mac, &o);
}

static void enet_destroy(SimDev *d)
{
    if (!d) return;
    while (d->fifo_head < d->fifo.n) fifo_pop(d);
    vec_free(&d->fifo);
    free(d);
}

const SimDevModel sim_model_enet = {
    .name = "imx8-enet",
    .size = 0x10000,
    .create = enet_create,
    .destroy = enet_destroy,
    .read = enet_read,
    .write = enet_write,
    .irq_line = enet_irq_line,
    .tick = enet_tick,
    .wire_rx = enet_wire_rx,
    .stats_json = enet_stats,
};
