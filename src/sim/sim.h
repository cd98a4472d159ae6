/*
 * sim: run a seL4 Microkit system on Linux (`griddle sim`).
 *
 * The pipeline is load -> check -> realise -> run:
 *  - sim_load() parses a System Description File (SDF, Microkit 1.x and
 *    2.x) with expat into a SimSystem, validates it the way the Microkit
 *    tool does (located diagnostics appended to a DiagList) and reads the
 *    program images' symbol tables;
 *  - sim_run() realises it (one memfd per memory region, one Linux
 *    process per protection domain running an ELF linked against our
 *    libmicrokit emulation, src/sim/rt) and plays the seL4 kernel for it:
 *    notifications, protected procedure calls, IRQs, child PDs and their
 *    faults, and a deterministic priority scheduler that preempts
 *    asynchronously and enforces budgets and periods, with device models
 *    (sim_dev_*) behind trapped MMIO and wire back ends (load generator,
 *    pcap, AF_PACKET bridge).
 *
 * The device model and instruction decoder interfaces are public so that
 * tests can drive them without processes.
 *
 * Depends on: util, libexpat. Memory: a SimSystem owns everything it
 * points to (one arena), released by sim_free(). Global state: none;
 * sim_run() blocks SIGINT/SIGTERM for the duration of a run and reads
 * them from a signalfd (no handler), restoring the mask afterwards. The
 * PD runtime (src/sim/rt) is a separate library with its own documented
 * globals: it is the PD process's side of the kernel interface.
 */
#ifndef GRIDDLE_SIM_H
#define GRIDDLE_SIM_H

#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>

/* Hard limits from Microkit (reference §1.1). */
enum {
    SIM_MAX_PDS = 63,
    SIM_MAX_CH = 62,       /* channel and IRQ ids 0..61 */
    SIM_MAX_PRIO = 254,
    SIM_MSG_WORDS = 64,    /* PPC payload, words each way */
    SIM_MAX_CHILD_ID = 64, /* child ids 0..63 (the tool's 64 TCB cap slots) */
};

/* ---- the system description ------------------------------------------ */

enum { SIM_PERM_R = 1, SIM_PERM_W = 2, SIM_PERM_X = 4 };

typedef struct SimMr {
    const char *name;
    uint64_t size, page_size;
    bool paddr_given;       /* phys_addr in the SDF */
    bool has_paddr;         /* given, or chosen for <setvar region_paddr> */
    uint64_t paddr;
    const char *prefill_path; /* resolved path, or NULL */
    int device;             /* index into SimSystem.devs if device memory, else -1 */
    int nmaps;              /* how many <map>s use it */
    Span span;
} SimMr;

typedef struct SimMap {
    int mr;
    uint64_t vaddr;
    unsigned perms;         /* SIM_PERM_* */
    bool cached;
    Span span;
} SimMap;

typedef struct SimIrq {
    uint64_t irq;
    unsigned id;
    bool edge;
    Span span;
} SimIrq;

typedef enum SimSetvarKind {
    SIM_SETVAR_VADDR,       /* <map setvar_vaddr>: the map's vaddr */
    SIM_SETVAR_SIZE,        /* <map setvar_size>: the MR's size */
    SIM_SETVAR_PADDR,       /* <setvar region_paddr>: the MR's physical address */
    SIM_SETVAR_ID,          /* <irq/end setvar_id>: the channel id */
} SimSetvarKind;

typedef struct SimSetvar {
    const char *symbol;
    SimSetvarKind kind;
    int mr;                 /* SIZE, PADDR */
    uint64_t value;         /* resolved by sim_load */
    uint64_t sym_vaddr;     /* link-time address of the symbol in the image */
    Span span;
} SimSetvar;

typedef struct SimPd {
    const char *name;
    unsigned priority;
    uint64_t budget, period, stack_size;
    unsigned cpu;
    bool passive;
    bool pp_v1;             /* Microkit 1.x pp="true" on the PD */
    int parent;             /* index of the parent PD, or -1 */
    unsigned child_id;      /* parent >= 0: the id the parent knows it by */
    bool has_children;
    const char *image;      /* as written */
    const char *image_path; /* resolved */
    uint64_t image_entry;   /* e_entry, to find the load bias at run time */
    bool image_pie;
    VEC(SimMap) maps;
    VEC(SimIrq) irqs;
    VEC(SimSetvar) setvars;
    Span span, image_span;
} SimPd;

typedef struct SimEnd {
    int pd;
    unsigned id;
    bool pp;                /* this end may PPC the other (2.x, or derived from 1.x) */
    bool notify;            /* this end may signal the other */
    Span span;
} SimEnd;

typedef struct SimChannel {
    SimEnd end[2];
    Span span;
} SimChannel;

/* A device instance: a model attached to a physical register window. */
typedef struct SimDevInst {
    const char *model;      /* e.g. "imx8-enet" */
    uint64_t paddr, size;
    uint64_t irq;           /* interrupt line it drives */
    int mr;                 /* the MR covering its registers, or -1 */
} SimDevInst;

typedef struct SimSystem {
    Arena arena;
    const char *path;
    uint32_t file;          /* in the SrcMgr given to sim_load */
    VEC(SimPd) pds;
    VEC(SimMr) mrs;
    VEC(SimChannel) channels;
    VEC(SimDevInst) devs;
} SimSystem;

typedef struct SimLoadOpts {
    const char *const *search;  /* extra directories for program images */
    size_t nsearch;
    const char *board;          /* device table; NULL = "imx8mm" */
    const char *const *devices; /* extra "MODEL@PADDR[,irq=N][,size=S]" */
    size_t ndevices;
    bool no_images;             /* skip reading program images (tests) */
} SimLoadOpts;

/* Parses and validates; NULL if there were errors (all in dl). The file's
 * text is added to sm so diagnostics can quote it. */
SimSystem *sim_load(const char *path, SrcMgr *sm, DiagList *dl, const SimLoadOpts *o);
/* Same, from text in memory (name is used in diagnostics). */
SimSystem *sim_load_text(const char *name, const char *text, size_t len, SrcMgr *sm,
                         DiagList *dl, const SimLoadOpts *o);
void sim_free(SimSystem *s);

/* Index of the PD / MR with this name, or -1. */
int sim_pd_index(const SimSystem *s, const char *name);
int sim_mr_index(const SimSystem *s, const char *name);

/* ---- running ---------------------------------------------------------- */

typedef struct SimLoad {
    uint64_t rate_pps, count;
    unsigned size;          /* UDP payload bytes */
    unsigned window;        /* at most this many requests unanswered; 0 = open loop */
} SimLoad;

typedef struct SimRunOpts {
    FILE *log;              /* monitor messages and the run summary */
    double duration_s;      /* stop after this long; 0 = until done or interrupted */
    bool have_load;
    SimLoad load;
    const char *pcap_path;
    const char *bridge_if;
    const char *report_path;
    const char *dump_state_path;
    bool dump_only;         /* realise, dump, stop before any init() runs */
    bool trace;             /* log every kernel event */
    bool pin;               /* emulator and PDs on two CPUs of their own; spin */
    bool no_budgets;        /* do not enforce budgets and periods */
    double drain_s;         /* after the last load frame, wait this long for replies */
} SimRunOpts;

/* Runs the system. Returns 0 when the run completed (PD faults are
 * reported, not failures), 1 if the system could not be realised (errors
 * in dl), 3 on environment failures. With a load, 4 if any frame was lost
 * or a reply was wrong. */
int sim_run(SimSystem *s, const SimRunOpts *o, DiagList *dl);

/* x86-64 load/store decoding (MMIO trapping, reference §4.7): x86dec.h,
 * self-contained so the compiled-program host (src/target/host) embeds it. */
#include "sim/x86dec.h"

/* ---- device models ---------------------------------------------------- */

/* What a model needs from its host: physical memory for DMA, the wire,
 * the clock. A NULL return from dma means "no memory there" (bus error). */
typedef struct SimDevHost {
    void *ctx;
    uint8_t *(*dma)(void *ctx, uint64_t paddr, size_t len);
    /* A frame the device put on the wire (without FCS). */
    void (*wire_tx)(void *ctx, const uint8_t *frame, size_t len);
    uint64_t (*now)(void *ctx); /* nanoseconds */
} SimDevHost;

typedef struct SimDev SimDev;

typedef struct SimDevModel {
    const char *name;
    uint64_t size;          /* register window */
    SimDev *(*create)(const SimDevHost *host, const uint8_t mac[6]);
    void (*destroy)(SimDev *d);
    uint64_t (*read)(SimDev *d, uint64_t off, unsigned width);
    void (*write)(SimDev *d, uint64_t off, unsigned width, uint64_t val);
    bool (*irq_line)(SimDev *d);
    /* Advance to time now_ns; returns the next time it wants a tick, or
     * UINT64_MAX. */
    uint64_t (*tick)(SimDev *d, uint64_t now_ns);
    /* A frame (without FCS) arrived from the wire. */
    void (*wire_rx)(SimDev *d, const uint8_t *frame, size_t len, uint64_t now_ns);
    /* Appends a JSON object of counters (for --report). */
    void (*stats_json)(SimDev *d, StrBuf *b);
} SimDevModel;

const SimDevModel *sim_dev_model(const char *name);

/* The i.MX8 ENET model's tunables, exposed for tests. */
typedef struct SimEnetOpts {
    uint64_t line_bps;      /* 0 = infinitely fast wire */
    size_t rx_fifo_bytes;   /* frames waiting for a free RX descriptor */
} SimEnetOpts;
SimDev *sim_enet_create(const SimDevHost *host, const uint8_t mac[6], const SimEnetOpts *o);

#endif
