/*
 * i.MX8 ENET registers and descriptor format used by the echo driver
 * (reference §4.2, §4.3; i.MX8MM RM §11.5). Offsets are checked below.
 */
#ifndef ECHO_ENET_REGS_H
#define ECHO_ENET_REGS_H

#include <stddef.h>
#include <stdint.h>

struct enet_regs {
    uint32_t r000;
    uint32_t eir;       /* 0x004 interrupt events, write-1-to-clear */
    uint32_t eimr;      /* 0x008 interrupt mask */
    uint32_t r00c;
    uint32_t rdar;      /* 0x010 RX descriptors active */
    uint32_t tdar;      /* 0x014 TX descriptors active */
    uint32_t r018[3];
    uint32_t ecr;       /* 0x024 control */
    uint32_t r028[6];
    uint32_t mmfr;      /* 0x040 */
    uint32_t mscr;      /* 0x044 MII speed */
    uint32_t r048[7];
    uint32_t mibc;      /* 0x064 MIB control */
    uint32_t r068[7];
    uint32_t rcr;       /* 0x084 receive control */
    uint32_t r088[15];
    uint32_t tcr;       /* 0x0c4 transmit control */
    uint32_t r0c8[7];
    uint32_t palr;      /* 0x0e4 MAC address bytes 0..3 */
    uint32_t paur;      /* 0x0e8 MAC address bytes 4..5 */
    uint32_t opd;       /* 0x0ec pause opcode */
    uint32_t txic0;     /* 0x0f0 TX interrupt coalescing */
    uint32_t r0f4[9];
    uint32_t iaur;      /* 0x118 */
    uint32_t ialr;      /* 0x11c */
    uint32_t gaur;      /* 0x120 */
    uint32_t galr;      /* 0x124 */
    uint32_t r128[7];
    uint32_t tfwr;      /* 0x144 TX FIFO watermark */
    uint32_t r148[14];
    uint32_t rdsr;      /* 0x180 RX ring start */
    uint32_t tdsr;      /* 0x184 TX ring start */
    uint32_t mrbr;      /* 0x188 max RX buffer size */
    uint32_t r18c;
    uint32_t rsfl;      /* 0x190 */
    uint32_t r194[6];
    uint32_t tipg;      /* 0x1ac */
    uint32_t r1b0[4];
    uint32_t tacc;      /* 0x1c0 TX accelerator */
    uint32_t racc;      /* 0x1c4 RX accelerator */
    uint32_t r1c8[14];
    uint32_t mib[64];   /* 0x200 RMON/IEEE counters */
};

_Static_assert(offsetof(struct enet_regs, eir) == 0x004, "eir");
_Static_assert(offsetof(struct enet_regs, ecr) == 0x024, "ecr");
_Static_assert(offsetof(struct enet_regs, mibc) == 0x064, "mibc");
_Static_assert(offsetof(struct enet_regs, rcr) == 0x084, "rcr");
_Static_assert(offsetof(struct enet_regs, tcr) == 0x0c4, "tcr");
_Static_assert(offsetof(struct enet_regs, palr) == 0x0e4, "palr");
_Static_assert(offsetof(struct enet_regs, txic0) == 0x0f0, "txic0");
_Static_assert(offsetof(struct enet_regs, iaur) == 0x118, "iaur");
_Static_assert(offsetof(struct enet_regs, tfwr) == 0x144, "tfwr");
_Static_assert(offsetof(struct enet_regs, rdsr) == 0x180, "rdsr");
_Static_assert(offsetof(struct enet_regs, rsfl) == 0x190, "rsfl");
_Static_assert(offsetof(struct enet_regs, tipg) == 0x1ac, "tipg");
_Static_assert(offsetof(struct enet_regs, tacc) == 0x1c0, "tacc");
_Static_assert(offsetof(struct enet_regs, mib) == 0x200, "mib");

/* Legacy buffer descriptor, little-endian with ECR.DBSWP (§4.2). */
struct descriptor {
    uint16_t len;
    uint16_t stat;
    uint32_t addr;
};

#define NETIRQ_TXF (1u << 27)
#define NETIRQ_RXF (1u << 25)
#define NETIRQ_EBERR (1u << 22)
#define IRQ_MASK (NETIRQ_RXF | NETIRQ_TXF | NETIRQ_EBERR)

#define RXD_EMPTY (1u << 15)
#define WRAP (1u << 13)
#define TXD_READY (1u << 15)
#define TXD_LAST (1u << 11)
#define TXD_ADDCRC (1u << 10)

#define RDAR_RDAR (1u << 24)
#define TDAR_TDAR (1u << 24)
#define ECR_RESET (1u << 0)
#define ECR_ETHEREN (1u << 1)
#define ECR_SPEED (1u << 5)
#define ECR_DBSWP (1u << 8)
#define MIBC_DIS (1u << 31)
#define MIBC_IDLE (1u << 30)
#define MIBC_CLEAR (1u << 29)
#define RCR_MAX_FL(x) (((uint32_t)(x) & 0x3fff) << 16)
#define RCR_RGMII_EN (1u << 6)
#define RCR_PROMISCUOUS (1u << 3)
#define RCR_MII_MODE (1u << 2)
#define TCR_FDEN (1u << 2)
#define PAUSE_OPCODE_FIELD (1u << 16)
#define ICEN (1u << 31)
#define ICFT(x) (((uint32_t)(x) & 0xff) << 20)
#define TIPG 8
#define STRFWD (1u << 8)
#define RACC_IPDIS (1u << 1)
#define RACC_PRODIS (1u << 2)
#define RACC_LINEDIS (1u << 6)
#define TACC_IPCHK (1u << 3)
#define TACC_PROCHK (1u << 4)
#define MAX_PACKET_SIZE 1536

#endif
