/*
 * Declarations shared by the files of src/sim only (never included from
 * outside the module, except by src/sim/rt which shares the protocol
 * header sim_proto.h instead).
 */
#ifndef GRIDDLE_SIM_INT_H
#define GRIDDLE_SIM_INT_H

#include "sim.h"

/* ---- sdf.c / sdf_check.c ---------------------------------------------- */

/* Validation of a parsed system (global rules: names, ids, priorities,
 * overlaps, physical addresses, devices). Appends to dl. */
void sdf_check(SimSystem *s, DiagList *dl, const SimLoadOpts *o);
/* Parses a number the way the Microkit tool does: decimal or 0x-hex, with
 * '_' separators allowed. */
bool sdf_parse_u64(const char *str, uint64_t *out);

/* ---- elf.c ------------------------------------------------------------- */

typedef struct SimElfSeg {
    uint64_t vaddr, memsz;
    unsigned flags;         /* PF_R/W/X */
} SimElfSeg;

typedef struct SimElf {
    uint16_t type;          /* ET_EXEC or ET_DYN */
    uint64_t entry;
    VEC(SimElfSeg) segs;
    uint8_t *data;          /* the whole file */
    size_t len;
    const uint8_t *symtab, *strtab;
    size_t nsyms, strsz;
} SimElf;

/* Reads and checks an x86-64 ELF64 executable; on failure returns false
 * with a message in err. */
bool sim_elf_open(const char *path, SimElf *e, char *err, size_t errlen);
void sim_elf_close(SimElf *e);
/* Finds a defined symbol; false if absent. */
bool sim_elf_symbol(const SimElf *e, const char *name, uint64_t *value, uint64_t *size);

/* ---- dev.c ------------------------------------------------------------- */

/* Adds the devices of a board and of --device specs to s->devs. */
void sim_dev_setup(SimSystem *s, DiagList *dl, const SimLoadOpts *o);

/* Monotonic clock in nanoseconds. */
uint64_t sim_now_ns(void);

/* ---- the running system (realise.c, kernel.c, run.c, dump.c) ---------- */

#include "sim_proto.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

typedef enum KState {
    K_BOOTING,      /* process started, not yet reported BOOTED */
    K_READY,        /* runnable, response stored, waiting for the baton */
    K_RUNNING,      /* holds the baton */
    K_RECV,         /* blocked waiting for a notification or a PPC */
    K_CALL,         /* blocked in a PPC (queued, or being served) */
    K_FAULTED,      /* stopped after a fault: under the monitor, or until its parent acts */
    K_STOPPED,      /* suspended by its parent (microkit_pd_stop) */
    K_DEAD,         /* the process has exited */
} KState;

typedef enum KChanKind { KCH_NONE, KCH_CHANNEL, KCH_IRQ } KChanKind;

typedef struct KChan {
    KChanKind kind;
    int peer;               /* KCH_CHANNEL: peer PD; KCH_IRQ: index into Sim.irq */
    unsigned peer_id;       /* the id the peer knows this channel by */
    bool notify, pp;        /* rights of this end */
} KChan;

typedef struct KIrq {
    int pd;
    unsigned id;
    uint64_t irq;
    int dev;                /* index into Sim.dev, -1: never fires */
    bool edge, masked, line, latched;
} KIrq;

/* A scheduling context (sched.c): budget and period as seL4 MCS refills. */
enum { KSC_REFILLS = 8 };
typedef struct KRefill {
    uint64_t t, amount;     /* release time and budget, ns */
} KRefill;
typedef struct KSc {
    uint64_t budget, period;
    bool rr;                /* budget == period: a round-robin timeslice */
    KRefill r[KSC_REFILLS]; /* circular queue */
    unsigned head, n;
} KSc;

void sc_init(KSc *sc, uint64_t budget_ns, uint64_t period_ns, uint64_t now);
bool sc_ready(const KSc *sc, uint64_t now);     /* may run now */
uint64_t sc_release(const KSc *sc);             /* when the head refill is released */
uint64_t sc_left(const KSc *sc);                /* budget in the head refill */
void sc_unblock(KSc *sc, uint64_t now);         /* its thread woke up */
bool sc_charge(KSc *sc, uint64_t used);         /* consumed; true: timeslice over */

typedef struct KPd {
    const SimPd *spd;
    pid_t pid;
    int pidfd, efd, kfd;
    SimKPage *kp;
    KState st;
    uint64_t pending;       /* the notification word */
    int64_t stamp;          /* FIFO order among ready PDs of one priority */
    uint32_t seen_seq;      /* last request processed */
    int serving;            /* caller whose PPC this PD is serving, or -1 */
    int calling;            /* K_CALL: the callee, or -1 */
    bool call_queued;       /* K_CALL: still waiting on the callee's endpoint */
    int64_t call_stamp;
    uint64_t call_msginfo;
    unsigned call_ch;       /* the id the callee knows the caller's channel by */
    bool call_fault;        /* K_FAULTED child: the "call" is its fault message */
    uint64_t fault_mr[4];   /* the fault message (SIM_FAULT_WORDS) */
    KChan ch[SIM_MAX_CH];
    uint64_t bias;          /* load bias of the image (PIE) */
    /* statistics */
    uint64_t n_notified, n_sent, n_irqs, n_ppcalls, n_protected, n_mmio, n_kcalls;
    uint64_t n_faults, n_restarts;
    int perf_fd;
    int perf_errno;         /* why perf_event_open failed, 0 if it did not */
    uint64_t instructions;
    bool have_instructions;
    struct rusage ru;
    int wstatus;
    bool reaped;
    bool warned_blocked;
    uint64_t run_since;     /* when it last got the baton */
    bool warned_long_run;
    /* budgets (sched.c) and asynchronous preemption */
    KSc sc;
    clockid_t cpuclk;       /* the process's CPU-time clock */
    bool have_cpuclk;
    uint64_t cpu_charged;   /* its CPU time charged so far, ns */
    uint64_t budget_check;  /* while it runs: when to look at its budget again */
    bool throttled;         /* ready, but its SC has no budget until sc_release() */
    bool slice_over;        /* round-robin timeslice ran out: yield to a peer */
    bool yield_sent;        /* asked to yield (SIM_PREEMPT_SIGNAL), no request since */
    uint64_t n_throttled, n_preempt_signals;
} KPd;

typedef struct KDev {
    const SimDevModel *m;
    SimDev *d;
    SimDevInst *inst;
    uint64_t next_tick;
} KDev;

typedef struct SimWire SimWire; /* wire.c */

typedef struct Sim {
    SimSystem *s;
    const SimRunOpts *o;
    DiagList *dl;
    FILE *log;
    KPd *pd;
    size_t npd;
    int *mr_fd;
    uint8_t **mr_map;       /* the emulator's own mapping of every RAM MR */
    uint64_t *mr_ino;
    KDev *dev;
    size_t ndev;
    VEC(KIrq) irq;
    int running;            /* PD holding the baton, or -1 */
    int last_ran;           /* for counting context switches */
    int64_t next_stamp, head_stamp, call_seq;
    int epfd, sigfd;
    int pd_cpu;             /* --pin: the CPU of every PD, else -1 */
    SimWire *wire;
    SimDevHost host;        /* given to every device model */
    bool settled;           /* every PD has waited at least once with none ready */
    bool budgets;           /* enforce budgets and periods */
    bool stop;
    const char *stop_reason;
    uint64_t t0;
    uint64_t n_switches;
} Sim;

/* realise.c */
bool sim_realise(Sim *k);               /* memfds, processes; errors in k->dl */
bool sim_boot_wait(Sim *k);             /* until every PD reported BOOTED */
void sim_teardown(Sim *k);              /* kill and reap every PD */
void sim_release(Sim *k);               /* free what sim_realise made */
uint8_t *sim_dma(void *ctx, uint64_t paddr, size_t len);

/* kernel.c */
void k_request(Sim *k, int pd);         /* a PD posted a request */
void k_schedule(Sim *k);                /* give the baton away if nobody holds it */
void k_irq_update(Sim *k);              /* device lines -> IRQ deliveries */
/* Between requests: releases throttled PDs whose budget is back, asks the
 * running PD to yield if a higher-priority PD is ready or its budget ran
 * out; returns when it next needs to be called. */
uint64_t k_enforce(Sim *k, uint64_t now);
void k_start(Sim *k);                   /* before the first PD runs: budgets */
void k_pd_died(Sim *k, int pd);
const char *k_state_name(KState st);

/* The Internet checksum (RFC 1071), shared by the ENET model's checksum
 * offload and the load generator: inet_sum adds the 16-bit big-endian words
 * of p[0..n) to s (an odd last byte padded with zero), inet_fold folds the
 * carries and complements. */
static inline uint32_t inet_sum(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    return s;
}

static inline uint16_t inet_fold(uint32_t s)
{
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* dump.c */
bool sim_dump_state(Sim *k, const char *path);
bool sim_write_report(Sim *k, const char *path);

#endif
