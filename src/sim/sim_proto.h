/*
 * The protocol between the emulator (the "kernel", src/sim/kernel.c) and
 * the libmicrokit runtime inside each PD process (src/sim/rt). Shared by
 * both sides; nothing else may include it.
 *
 * Each PD has one kernel page: a memfd of SIM_KPAGE_SIZE bytes mapped in
 * the emulator and in the PD. It holds the PD's boot configuration
 * (written by the emulator before exec, read once by the runtime), one
 * request/response slot, and the IPC buffer (message registers).
 *
 * A kernel call: the PD fills the request, increments pd_seq (release),
 * writes its eventfd, and waits (spin, then futex) until kern_seq equals
 * its pd_seq. The emulator reads pd_seq (acquire), copies and validates
 * the request (the page is PD-writable: never trust it twice), and when
 * it decides the PD may run again stores the response and sets kern_seq
 * (release) then wakes the futex. Only the PD holding the baton runs, so
 * at most one request is in flight system-wide after boot.
 */
#ifndef GRIDDLE_SIM_PROTO_H
#define GRIDDLE_SIM_PROTO_H

#include <signal.h>
#include <stdint.h>

#define SIM_PROTO_MAGIC 0x67726431u     /* "grd1" */
#define SIM_KPAGE_SIZE 0x8000u
#define SIM_KPAGE_ENV "GRIDDLE_SIM_KPAGE"
#define SIM_MAX_MAPS 128
#define SIM_MAX_PATCHES 128
#define SIM_MAX_POSTED 64

enum SimOp {
    SIM_OP_NONE = 0,
    SIM_OP_BOOTED,      /* boot done; status != 0: failed, message in text */
    SIM_OP_RECV,        /* entry point returned: [reply], [deferred op], then wait */
    SIM_OP_NOTIFY,      /* signal now (the target may preempt us) */
    SIM_OP_IRQ_ACK,     /* acknowledge now */
    SIM_OP_PPCALL,      /* protected procedure call: ch, msginfo, mr[] */
    SIM_OP_MMIO,        /* device register access (trapped) */
    SIM_OP_FAULT,       /* memory fault: addr, access, ip, text */
    SIM_OP_FLUSH,       /* just deliver posted ops (e.g. before a long computation) */
    SIM_OP_YIELD,       /* preempted: the emulator asked (yield_req + SIM_PREEMPT_SIGNAL) */
    SIM_OP_PD_RESTART,  /* microkit_pd_restart: ch = child id, val = entry point */
    SIM_OP_PD_STOP,     /* microkit_pd_stop: ch = child id */
    SIM_OP_COUNT
};

/* Posted (lazy) operations: signals to PDs that cannot preempt the
 * sender, and IRQ acks. Semantically they happen when posted; the kernel
 * applies them, in order, at the start of the next kernel call, before
 * anything else of that call. Since nothing else runs in between, no PD
 * can observe the difference (reference §1.4: one core). */
enum SimPostKind { SIM_POST_NOTIFY = 1, SIM_POST_IRQ_ACK = 2 };

/* Access bits, for faults and MMIO. */
enum { SIM_ACC_READ = 1, SIM_ACC_WRITE = 2, SIM_ACC_EXEC = 4 };

/* Why a fault was reported. */
enum SimFaultKind {
    SIM_FAULT_UNMAPPED = 1,     /* no mapping at the address */
    SIM_FAULT_PERM,             /* mapping exists, access not permitted */
    SIM_FAULT_MMIO_DECODE,      /* device access by an instruction we cannot emulate */
    SIM_FAULT_MMIO_PERM,        /* device register access not permitted by the map */
    SIM_FAULT_BUS,              /* SIGBUS */
};

typedef struct SimMapCfg {
    uint64_t vaddr, size;
    uint32_t perms;             /* SIM_PERM_* */
    int32_t fd;                 /* memfd (read-only file description for r/rx maps); -1 for MMIO */
    uint32_t mmio;              /* device memory: PROT_NONE, trapped */
    uint32_t mr;                /* index of the MR, for messages */
} SimMapCfg;

typedef struct SimPatchCfg {
    uint64_t sym_vaddr;         /* link-time address; the runtime adds the load bias */
    uint64_t value;
} SimPatchCfg;

typedef struct SimBootCfg {
    uint32_t magic;
    uint32_t pd_index;
    char name[64];
    uint64_t image_entry;       /* e_entry; bias = AT_ENTRY - image_entry */
    int32_t efd;                /* eventfd to wake the kernel */
    uint32_t passive;
    uint64_t notifications;     /* channel ids this PD may signal */
    uint64_t pps;               /* channel ids this PD may call */
    uint64_t irqs;              /* channel ids that are IRQs */
    uint64_t preempt;           /* signals that may preempt us: must be immediate */
    uint32_t nmaps, npatches;
    SimMapCfg maps[SIM_MAX_MAPS];
    SimPatchCfg patches[SIM_MAX_PATCHES];
} SimBootCfg;

typedef struct SimPost {
    uint32_t kind, ch;
} SimPost;

typedef struct SimKPage {
    /* futex words first, each in its own cache line */
    uint32_t pd_seq;
    uint32_t pd_waiting;        /* PD is (about to be) asleep in futex_wait */
    uint8_t pad0[56];
    uint32_t kern_seq;
    uint32_t kern_waiting;      /* emulator is asleep: the PD must write its eventfd */
    uint32_t yield_req;         /* emulator wants the baton back (see SIM_PREEMPT_SIGNAL) */
    uint8_t pad1[52];

    /* request */
    uint32_t op;
    uint32_t ch;
    uint64_t msginfo;
    uint64_t addr, val, ip;
    uint32_t width, access, fault_kind, status;
    uint32_t have_reply, have_deferred, deferred_kind, deferred_ch;
    uint64_t reply_msginfo;
    uint32_t nposted, pad2;
    SimPost posted[SIM_MAX_POSTED];
    char text[256];

    /* response */
    uint64_t badge;             /* RECV: notification word, PPC or fault badge */
    uint64_t ret_msginfo;       /* RECV of a PPC or fault, or PPCALL's reply */
    uint64_t ret_val;           /* MMIO read; PD_RESTART/PD_STOP: seL4 error code */
    uint32_t restart;           /* the PD was restarted by its parent: start over */
    uint32_t pad3;

    /* statistics kept by the runtime (informational) */
    uint64_t mmio_traps;
    uint64_t trap_ns;

    uint64_t mr[64];            /* the IPC buffer's message registers */

    SimBootCfg boot;
} SimKPage;

_Static_assert(sizeof(SimKPage) <= SIM_KPAGE_SIZE, "kernel page too small");

/* Asynchronous preemption. The emulator sets yield_req and sends this
 * signal to the running PD when a higher-priority PD became ready (an
 * interrupt) or the PD's budget ran out; the runtime's handler answers
 * with SIM_OP_YIELD and returns when the PD is scheduled again. Every
 * request clears yield_req (each kernel call is a preemption point
 * anyway), so a late signal finds it clear and does nothing. SIGURG is
 * ignored by default, so a signal racing with start-up is harmless. */
#define SIM_PREEMPT_SIGNAL SIGURG

/* Badge bits (reference §1.3). */
#define SIM_BADGE_PPC (1ull << 63)
#define SIM_BADGE_FAULT (1ull << 62)

/* A child's fault as its parent's fault() sees it: seL4 MCS's VMFault
 * message (label seL4_Fault_VMFault, 4 words: IP, address, prefetch
 * (instruction fetch), FSR, which on x86 is the page-fault error code).
 * FAULT requests carry the FSR in val. */
#define SIM_FAULT_LABEL_VMFAULT 6u
#define SIM_FAULT_WORDS 4u
#define SIM_SEL4_FAILED_LOOKUP 6u   /* seL4_FailedLookup: no such child */

#endif
