/* Unit tests of the i.MX8 ENET model through the public device interface.
 * Expected values come from the reference (§4.2-§4.6) and the i.MX8MM RM
 * register descriptions, worked out by hand; the FCS is checked with an
 * independent bitwise CRC-32, itself checked against the standard check
 * value CRC32("123456789") = 0xCBF43926. */
#include "sim/sim.h"

#include <stdio.h>
#include <string.h>

static int failures;
static const char *test = "";

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            printf("%s:%d: [%s] CHECK(%s) failed\n", __FILE__, __LINE__, test, #cond); \
            failures++;                                                                \
        }                                                                              \
    } while (0)
#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);     \
        if (a_ != b_) {                                                                    \
            printf("%s:%d: [%s] %s == 0x%llx, expected %s == 0x%llx\n", __FILE__, __LINE__, \
                   test, #a, a_, #b, b_);                                                  \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* ---- a fake host: 64 KiB of RAM at 0x10000000, a wire, a clock -------- */

#define RAM_BASE 0x10000000u
#define RDSR_AT 0x10000000u   /* RX ring */
#define TDSR_AT 0x10000800u   /* TX ring */
#define BUF_AT 0x10001000u    /* buffers, 2 KiB each */

static uint8_t ram[0x10000];
static uint8_t wire[8][2048];
static size_t wire_len[8], nwire;
static uint64_t clock_ns;

static uint8_t *fake_dma(void *ctx, uint64_t paddr, size_t len)
{
    (void)ctx;
    if (paddr < RAM_BASE || paddr - RAM_BASE + len > sizeof ram) return NULL;
    return ram + (paddr - RAM_BASE);
}

static void fake_tx(void *ctx, const uint8_t *f, size_t n)
{
    (void)ctx;
    if (nwire < 8) {
        memcpy(wire[nwire], f, n);
        wire_len[nwire] = n;
    }
    nwire++;
}

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return clock_ns;
}

static const SimDevHost HOST = {NULL, fake_dma, fake_tx, fake_now};
static const uint8_t MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x10};

/* registers and bits (reference §4.3) */
enum { EIR = 0x004, EIMR = 0x008, RDAR = 0x010, TDAR = 0x014, ECR = 0x024, MIBC = 0x064,
       RCR = 0x084, PALR = 0x0e4, PAUR = 0x0e8, TXIC0 = 0x0f0, RDSR = 0x180, TDSR = 0x184,
       MRBR = 0x188, TACC = 0x1c0 };
enum { TXF = 1u << 27, TXB = 1u << 26, RXF = 1u << 25, RXB = 1u << 24, EBERR = 1u << 22 };
enum { RDAR_ACTIVE = 1u << 24 };

static const SimDevModel *M;

static uint32_t rd(SimDev *d, uint32_t off) { return (uint32_t)M->read(d, off, 4); }
static void wr(SimDev *d, uint32_t off, uint32_t v) { M->write(d, off, 4, v); }

static void set_bd(uint32_t ring, unsigned i, uint16_t len, uint16_t stat, uint32_t addr)
{
    uint8_t *b = ram + (ring - RAM_BASE) + 8 * i;
    b[0] = (uint8_t)len, b[1] = (uint8_t)(len >> 8);
    b[2] = (uint8_t)stat, b[3] = (uint8_t)(stat >> 8);
    memcpy(b + 4, &addr, 4);
}

static uint16_t bd_len(uint32_t ring, unsigned i) { uint8_t *b = ram + (ring - RAM_BASE) + 8 * i; return (uint16_t)(b[0] | b[1] << 8); }
static uint16_t bd_stat(uint32_t ring, unsigned i) { uint8_t *b = ram + (ring - RAM_BASE) + 8 * i; return (uint16_t)(b[2] | b[3] << 8); }

/* The driver's eth_setup, reduced to what the model looks at. */
static SimDev *setup(size_t fifo)
{
    memset(ram, 0, sizeof ram);
    nwire = 0;
    clock_ns = 1000;
    SimEnetOpts o = {.line_bps = 0, .rx_fifo_bytes = fifo};
    SimDev *d = sim_enet_create(&HOST, MAC, &o);
    wr(d, ECR, 1);                      /* RESET */
    wr(d, ECR, 1u << 8);                /* DBSWP */
    wr(d, EIMR, 0);
    wr(d, EIR, 0xffffffff);
    wr(d, RDSR, RDSR_AT);
    wr(d, TDSR, TDSR_AT);
    wr(d, MRBR, 1536);
    wr(d, RCR, (1518u << 16) | (1u << 6) | (1u << 3) | (1u << 2)); /* MAX_FL, RGMII, PROM, MII */
    wr(d, ECR, rd(d, ECR) | 2);         /* ETHEREN */
    return d;
}

static void frame(uint8_t *f, size_t n, uint8_t seed)
{
    memset(f, 0xff, 6);                 /* broadcast */
    memcpy(f + 6, "\x52\x54\x00\x00\x00\x01", 6);
    f[12] = 0x08, f[13] = 0x06;
    for (size_t i = 14; i < n; i++) f[i] = (uint8_t)(seed + i);
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* ---- tests ------------------------------------------------------------ */

static void t_reset_and_mac(void)
{
    test = "reset, MAC, MIBC";
    SimDev *d = setup(0);
    /* RESET self-clears; ETHEREN and DBSWP as written */
    CHECK_EQ(rd(d, ECR), (1u << 8) | 2);
    /* PALR = bytes 0..3 with byte 0 in bits 31:24; PAUR bits 31:16 = bytes 4..5,
     * TYPE field 0x8808 in bits 15:0 */
    CHECK_EQ(rd(d, PALR), 0x02000000u);
    CHECK_EQ(rd(d, PAUR), 0x00108808u);
    CHECK(rd(d, MIBC) & (1u << 30));    /* MIB_IDLE: the driver spins on it */
    wr(d, PALR, 0x11223344);
    wr(d, ECR, 1);                      /* reset keeps the MAC address */
    CHECK_EQ(rd(d, PALR), 0x11223344u);
    CHECK_EQ(rd(d, ECR), 0);
    M->destroy(d);
}

static void t_tx_and_eir(void)
{
    test = "TX, EIR write-1-to-clear, EIMR, IRQ line";
    SimDev *d = setup(0);
    for (int i = 0; i < 60; i++) ram[BUF_AT - RAM_BASE + (size_t)i] = (uint8_t)i;
    /* one ready descriptor, the last of a 2-entry ring: R|W|L|TC */
    set_bd(TDSR_AT, 0, 60, 0x8000 | 0x2000 | 0x0800 | 0x0400, BUF_AT);
    CHECK(!M->irq_line(d));
    wr(d, TDAR, 1u << 24);
    CHECK_EQ(nwire, 1);
    CHECK_EQ(wire_len[0], 60);
    CHECK(memcmp(wire[0], ram + (BUF_AT - RAM_BASE), 60) == 0);
    /* stat written back with R cleared, W/L/TC kept */
    CHECK_EQ(bd_stat(TDSR_AT, 0), 0x2000 | 0x0800 | 0x0400);
    CHECK_EQ(rd(d, EIR), TXF | TXB);
    CHECK(!M->irq_line(d));             /* EIMR = 0 masks everything */
    wr(d, EIMR, TXF);
    CHECK(M->irq_line(d));
    wr(d, EIR, TXB);                    /* clears only TXB */
    CHECK_EQ(rd(d, EIR), TXF);
    CHECK(M->irq_line(d));
    wr(d, EIR, 0);                      /* writing 0 clears nothing */
    CHECK_EQ(rd(d, EIR), TXF);
    wr(d, EIR, rd(d, EIR));             /* the driver's read-and-write-back */
    CHECK_EQ(rd(d, EIR), 0);
    CHECK(!M->irq_line(d));
    /* no more ready descriptors: the doorbell clears */
    CHECK_EQ(rd(d, TDAR), 0);
    /* MIB: one frame of 60 bytes + 4 FCS */
    CHECK_EQ(rd(d, 0x204), 1);          /* RMON_T_PACKETS */
    CHECK_EQ(rd(d, 0x208), 0);          /* RMON_T_BC_PKT: destination 00:01:02:.. is unicast */
    CHECK_EQ(rd(d, 0x244), 64);         /* RMON_T_OCTETS */
    M->destroy(d);
}

static void t_rx_fcs(void)
{
    test = "RX: FCS in the length, status bits";
    SimDev *d = setup(0);
    set_bd(RDSR_AT, 0, 0, 0x8000 | 0x2000, BUF_AT);   /* E|W: a one-entry ring */
    wr(d, RDAR, 1u << 24);
    CHECK_EQ(rd(d, RDAR), RDAR_ACTIVE);
    uint8_t f[60];
    frame(f, sizeof f, 7);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(bd_len(RDSR_AT, 0), 64);   /* 60 + FCS (RCR.CRCFWD = 0) */
    /* E cleared, W kept, L set, BC for a broadcast destination */
    CHECK_EQ(bd_stat(RDSR_AT, 0), 0x2000 | 0x0800 | 0x0080);
    const uint8_t *buf = ram + (BUF_AT - RAM_BASE);
    CHECK(memcmp(buf, f, 60) == 0);
    uint32_t c = crc32_bitwise(f, 60);
    CHECK_EQ(buf[60] | buf[61] << 8 | buf[62] << 16 | (uint32_t)buf[63] << 24, c);
    CHECK_EQ(rd(d, EIR), RXF | RXB);
    /* MIB: RMON_R_PACKETS, RMON_R_BC_PKT, RMON_R_OCTETS, IEEE_R_FRAME_OK */
    CHECK_EQ(rd(d, 0x284), 1);
    CHECK_EQ(rd(d, 0x288), 1);
    CHECK_EQ(rd(d, 0x2c4), 64);
    CHECK_EQ(rd(d, 0x2cc), 1);
    wr(d, MIBC, 1u << 29);              /* MIB_CLEAR */
    CHECK_EQ(rd(d, 0x284), 0);
    CHECK_EQ(rd(d, 0x2c4), 0);
    M->destroy(d);
}

static void t_ring_wrap(void)
{
    test = "RX ring wrap";
    SimDev *d = setup(0);
    set_bd(RDSR_AT, 0, 0, 0x8000, BUF_AT);
    set_bd(RDSR_AT, 1, 0, 0x8000 | 0x2000, BUF_AT + 0x800);  /* W on the last */
    wr(d, RDAR, 1u << 24);
    uint8_t f[3][80];
    for (int i = 0; i < 3; i++) frame(f[i], 80, (uint8_t)(10 * i));
    M->wire_rx(d, f[0], 80, clock_ns);
    M->wire_rx(d, f[1], 80, clock_ns);
    CHECK(memcmp(ram + (BUF_AT - RAM_BASE), f[0], 80) == 0);
    CHECK(memcmp(ram + (BUF_AT + 0x800 - RAM_BASE), f[1], 80) == 0);
    /* the driver hands slot 0 back; after W the device is at slot 0 again */
    set_bd(RDSR_AT, 0, 0, 0x8000, BUF_AT + 0x1000);
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f[2], 80, clock_ns);
    CHECK(memcmp(ram + (BUF_AT + 0x1000 - RAM_BASE), f[2], 80) == 0);
    CHECK_EQ(bd_stat(RDSR_AT, 0), 0x0800 | 0x0080);
    CHECK_EQ(bd_len(RDSR_AT, 0), 84);
    M->destroy(d);
}

static void t_no_buffers(void)
{
    test = "doorbell with no buffers";
    SimDev *d = setup(0);               /* no FIFO: the reference's drop rule */
    set_bd(RDSR_AT, 0, 0, 0x2000, BUF_AT);      /* not empty: owned by software */
    wr(d, RDAR, 1u << 24);
    uint8_t f[64];
    frame(f, sizeof f, 1);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(rd(d, RDAR), 0);           /* the device found no buffer: cleared */
    CHECK_EQ(rd(d, EIR) & RXF, 0);
    CHECK_EQ(bd_stat(RDSR_AT, 0), 0x2000);
    CHECK_EQ(rd(d, 0x284), 0);
    /* a later frame, after the driver provides the buffer, is received */
    set_bd(RDSR_AT, 0, 0, 0x8000 | 0x2000, BUF_AT);
    M->wire_rx(d, f, sizeof f, clock_ns);   /* doorbell not rung yet: dropped */
    CHECK_EQ(rd(d, EIR) & RXF, 0);
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(rd(d, EIR) & RXF, RXF);
    M->destroy(d);

    test = "frames wait in the FIFO for a buffer";
    d = setup(4096);
    set_bd(RDSR_AT, 0, 0, 0x2000, BUF_AT);
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(rd(d, EIR) & RXF, 0);
    set_bd(RDSR_AT, 0, 0, 0x8000 | 0x2000, BUF_AT);
    wr(d, RDAR, 1u << 24);              /* the doorbell drains the FIFO */
    CHECK_EQ(rd(d, EIR) & RXF, RXF);
    CHECK_EQ(bd_len(RDSR_AT, 0), 68);
    M->destroy(d);
}

static void t_coalescing(void)
{
    test = "TX interrupt coalescing (TXIC0)";
    SimDev *d = setup(0);
    /* ICEN, ICFT = 2 frames, ICTT = 4 units of 64 TX clocks = 2048 ns */
    wr(d, TXIC0, (1u << 31) | (2u << 20) | 4);
    for (unsigned i = 0; i < 3; i++)
        set_bd(TDSR_AT, i, 60, 0x8000 | 0x0800 | 0x0400 | (i == 2 ? 0x2000 : 0), BUF_AT);
    wr(d, TDAR, 1u << 24);              /* three frames go out */
    CHECK_EQ(nwire, 3);
    /* TXF after the second frame; the third starts the timer */
    CHECK_EQ(rd(d, EIR), TXF | TXB);
    wr(d, EIR, TXF | TXB);
    uint64_t next = M->tick(d, clock_ns);
    CHECK_EQ(next, clock_ns + 2048);
    CHECK_EQ(rd(d, EIR) & TXF, 0);
    clock_ns += 2048;
    M->tick(d, clock_ns);
    CHECK_EQ(rd(d, EIR) & TXF, TXF);
    M->destroy(d);
}

static void t_errors(void)
{
    test = "bus error, disabled receiver, oversize frames";
    SimDev *d = setup(0);
    uint8_t f[100];
    frame(f, sizeof f, 3);
    wr(d, RDSR, 0x20000000);            /* no RAM there */
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(rd(d, EIR) & EBERR, EBERR);
    CHECK_EQ(rd(d, ECR) & 2, 0);        /* ETHEREN cleared by the bus error */
    M->destroy(d);

    d = setup(0);
    wr(d, ECR, rd(d, ECR) & ~2u);       /* disabled: frames are ignored */
    set_bd(RDSR_AT, 0, 0, 0x8000 | 0x2000, BUF_AT);
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(rd(d, EIR), 0);
    CHECK_EQ(bd_stat(RDSR_AT, 0), 0x8000 | 0x2000);
    /* re-enabled, with MAX_FL = 64: a 100-byte frame is flagged LG */
    wr(d, RCR, (64u << 16) | (1u << 3));
    wr(d, ECR, rd(d, ECR) | 2);
    wr(d, RDAR, 1u << 24);
    M->wire_rx(d, f, sizeof f, clock_ns);
    CHECK_EQ(bd_stat(RDSR_AT, 0), 0x2000 | 0x0800 | 0x0080 | 0x0020);
    CHECK_EQ(bd_len(RDSR_AT, 0), 104);
    M->destroy(d);
}

static void t_checksum_offload(void)
{
    test = "TACC checksum insertion";
    SimDev *d = setup(0);
    wr(d, TACC, (1u << 3) | (1u << 4)); /* IPCHK | PROCHK */
    /* IPv4/UDP 10.0.0.1:1000 -> 10.0.0.2:7, payload "hi", checksums zero.
     * By hand: IP header words 4500 001e 0000 4000 4011 0000 0a00 0001
     * 0a00 0002 sum to 0xd932 -> checksum 0x26cd. UDP: pseudo-header
     * 0a00 0001 0a00 0002 0011 000a + 03e8 0007 000a 0000 6869 sum to
     * 0x8080 -> 0x7f7f. */
    uint8_t f[44] = {0};
    memcpy(f, "\x02\x00\x00\x00\x00\x20\x02\x00\x00\x00\x00\x10\x08\x00", 14);
    memcpy(f + 14, "\x45\x00\x00\x1e\x00\x00\x40\x00\x40\x11\x00\x00\x0a\x00\x00\x01"
                   "\x0a\x00\x00\x02", 20);
    memcpy(f + 34, "\x03\xe8\x00\x07\x00\x0a\x00\x00hi", 10);
    memcpy(ram + (BUF_AT - RAM_BASE), f, sizeof f);
    set_bd(TDSR_AT, 0, sizeof f, 0x8000 | 0x2000 | 0x0800 | 0x0400, BUF_AT);
    wr(d, TDAR, 1u << 24);
    CHECK_EQ(nwire, 1);
    CHECK_EQ(wire[0][24] << 8 | wire[0][25], 0x26cd);
    CHECK_EQ(wire[0][40] << 8 | wire[0][41], 0x7f7f);
    M->destroy(d);
}

int main(void)
{
    M = sim_dev_model("imx8-enet");
    if (!M) {
        printf("model imx8-enet not registered\n");
        return 1;
    }
    test = "crc32 reference";
    CHECK_EQ(crc32_bitwise((const uint8_t *)"123456789", 9), 0xcbf43926u);
    t_reset_and_mac();
    t_tx_and_eir();
    t_rx_fcs();
    t_ring_wrap();
    t_no_buffers();
    t_coalescing();
    t_errors();
    t_checksum_offload();
    if (failures) printf("%d check(s) failed\n", failures);
    else printf("all ENET model checks passed\n");
    return failures != 0;
}
