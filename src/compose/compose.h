/*
 * compose: the Microkit system composition checker (`griddle compose`,
 * docs/composition.md).
 *
 * The pipeline is authority -> policies -> initialisation -> ledger:
 *  - cmp_authority() turns a validated system description (a SimSystem
 *    from sim_load, the one SDF reader of griddle) into the authority each
 *    protection domain holds (I) and the influence graph over PDs and
 *    memory regions: who can affect whom, through writes, reads,
 *    notifications, PPCs, interrupts and device DMA. The kernel contract K
 *    (no mapping, no access; no channel, no signal) is what makes this
 *    graph complete; the ledger lists it as trusted.
 *  - cmp_policy_parse() reads a policy file (`no_write PD -> MR`,
 *    `no_read PD -> MR`, `no_flow A -> B`, `isolated PD`, `assume no_dma
 *    MR`) and cmp_policy_check() decides each policy on the graph,
 *    producing a witness path when one fails.
 *  - cmp_init_check() compares a `griddle sim --dump-state` JSON document
 *    with what the system description specifies (reference §2.3).
 *  - cmp_ledger_*() assemble claims, obligations, the trusted base and a
 *    coverage summary, and render them as text, JSON, Markdown or DOT.
 *
 * Depends on: util, sim (the SimSystem model, read as data), verify
 * (vspec_build and verify_program, for contracts: the clauses of all
 * contracts are turned into model methods whose verification is the
 * bridge obligations). Memory: a
 * CmpGraph, CmpPolicySet and CmpInitReport own what they point to (one
 * arena each), released by their *_free(); they point into the SimSystem,
 * which must outlive them. Global state: none. Library code never prints:
 * problems in the user's input are diagnostics appended to a DiagList,
 * findings (failed policies, initialisation differences) are data.
 */
#ifndef GRIDDLE_COMPOSE_H
#define GRIDDLE_COMPOSE_H

#include "sim/sim.h"
#include "util/util.h"

/* ---- authority and the influence graph ------------------------------- */

/* Nodes: PDs are 0..npd-1, memory regions npd..npd+nmr-1. A memory region
 * that covers a device's registers stands for the device itself (its
 * registers, its DMA engine and its interrupt line). */
typedef enum CmpEdgeKind {
    CMP_E_WRITE,     /* PD -> MR: a map with w */
    CMP_E_READ,      /* MR -> PD: a map with r */
    CMP_E_EXEC,      /* MR -> PD: a map with x (its contents run as the PD) */
    CMP_E_NOTIFY,    /* PD -> PD: a channel end with notify */
    CMP_E_PPC,       /* PD -> PD: a channel end with pp (call and its payload) */
    CMP_E_REPLY,     /* PD -> PD: the callee's reply to a PPC */
    CMP_E_IRQ,       /* device MR -> PD: the device's interrupt line */
    CMP_E_DMA_WRITE, /* device MR -> MR: DMA into a region with a physical address */
    CMP_E_DMA_READ,  /* MR -> device MR: DMA from it */
    CMP_E_CONTROL,   /* PD -> child PD: the parent holds the child's TCB (stop, restart,
                        set and read its registers: it runs the child as it likes) */
    CMP_E_FAULT,     /* child PD -> PD: the child's faults and registers reach its parent */
} CmpEdgeKind;

typedef VEC(int) CmpIntVec;

typedef struct CmpEdge {
    CmpEdgeKind kind;
    int from, to;           /* node ids */
    int pd;                 /* the PD whose authority this is (-1: hardware) */
    int map;                /* index into that PD's maps (WRITE/READ/EXEC), else -1 */
    int channel;            /* index into SimSystem.channels (NOTIFY/PPC/REPLY), else -1 */
    int end;                /* which end of the channel is `from` */
    int irq;                /* index into the PD's irqs (IRQ), else -1 */
} CmpEdge;

typedef struct CmpGraph {
    const SimSystem *s;
    size_t npd, nmr, nnodes;
    VEC(CmpEdge) edges;
    bool *no_dma;           /* per MR: `assume no_dma` given (device does not DMA) */
    bool *dma_target;       /* per MR: reachable by device DMA (non-device, has a paddr) */
    VEC(int) *out;          /* per node: indices of outgoing edges */
} CmpGraph;

/* Extra well-formedness rules sim_load does not apply (it validates the
 * SDF the way the Microkit tool does); appended to dl as warnings/errors
 * located in the SDF. Returns false if there were errors. */
bool cmp_wellformed(const SimSystem *s, DiagList *dl);

/* Builds the graph. no_dma (per MR, may be NULL) removes DMA edges of
 * devices the policy files assume not to be bus masters. */
void cmp_graph_build(CmpGraph *g, const SimSystem *s, const bool *no_dma);
void cmp_graph_free(CmpGraph *g);

const char *cmp_node_name(const CmpGraph *g, int node);
bool cmp_node_is_pd(const CmpGraph *g, int node);
/* Node id of a PD or MR by name (PDs first), or -1. */
int cmp_node_find(const CmpGraph *g, const char *name);
/* "write (rw map at 0x3000000)" and the like, for witnesses. */
void cmp_edge_label(const CmpGraph *g, const CmpEdge *e, StrBuf *b);
/* A path as "a --label--> b --label--> c". */
void cmp_path_print(const CmpGraph *g, const int *edges, size_t n, int from, StrBuf *b);

/* Shortest path (fewest edges) from node `from` to node `to` with at least
 * one edge, following only edges for which allow(edge, ctx) is true (NULL:
 * all). Fills *path (edge indices) and returns true if one exists. */
typedef bool (*CmpEdgeFilter)(const CmpGraph *g, const CmpEdge *e, void *ctx);
bool cmp_path(const CmpGraph *g, int from, int to, CmpEdgeFilter allow, void *ctx,
              CmpIntVec *path);

/* Nodes reachable from `from` by at least one edge (true per node id);
 * caller frees. */
bool *cmp_reach(const CmpGraph *g, int from);
/* Per PD: the PDs and regions it can affect and the PDs that can affect
 * it, transitively, as text / as a JSON object keyed by node name. */
void cmp_influence_text(const CmpGraph *g, StrBuf *b);
void cmp_influence_json(const CmpGraph *g, StrBuf *b);

/* The authority of every PD as a JSON array (for the ledger). */
void cmp_authority_json(const CmpGraph *g, StrBuf *b);
/* ... and as text, one block per PD. */
void cmp_authority_text(const CmpGraph *g, StrBuf *b);

/* ---- policies ---------------------------------------------------------- */

typedef enum CmpPolicyKind {
    CMP_P_NO_WRITE,  /* no_write PD -> MR */
    CMP_P_NO_READ,   /* no_read PD -> MR */
    CMP_P_NO_FLOW,   /* no_flow A -> B (PD or MR each) */
    CMP_P_ISOLATED,  /* isolated PD */
    CMP_P_NO_DMA,    /* assume no_dma MR: an assumption, not a claim */
} CmpPolicyKind;

typedef enum CmpStatus {
    CMP_DISCHARGED,
    CMP_FAILED,
    CMP_TRUSTED,
    CMP_UNKNOWN,
} CmpStatus;

const char *cmp_status_name(CmpStatus st);

typedef struct CmpPolicy {
    CmpPolicyKind kind;
    const char *a_name, *b_name; /* as written (b_name NULL for isolated/no_dma) */
    int a, b;                    /* node ids */
    const char *label;           /* optional "..." text, or NULL */
    const char *text;            /* the statement, normalised ("no_write sensor -> logger_mem") */
    Span span;
    /* results of cmp_policy_check */
    CmpStatus status;
    char *witness;               /* failed: the path(s), else NULL */
    CmpIntVec wedges;            /* failed: the witness paths' edges */
    char *evidence;              /* discharged: what was checked */
    bool uses_dma;               /* the decision depended on DMA edges */
} CmpPolicy;

typedef struct CmpPolicySet {
    Arena arena;
    VEC(CmpPolicy) v;
} CmpPolicySet;

void cmp_policy_init(CmpPolicySet *ps);
void cmp_policy_free(CmpPolicySet *ps);
/* Parses one policy file's text (added to sm as `name`), resolving names
 * against the system. Appends to ps; errors (located) to dl. Returns false
 * if there were errors. */
bool cmp_policy_parse(CmpPolicySet *ps, const SimSystem *s, const char *name, const char *text,
                      size_t len, SrcMgr *sm, DiagList *dl);
/* Per MR: true when some `assume no_dma MR` names it. Caller frees. */
bool *cmp_policy_no_dma(const CmpPolicySet *ps, const SimSystem *s);
/* Decides every policy on the graph (sets status, witness, evidence). */
void cmp_policy_check(CmpPolicySet *ps, const CmpGraph *g);
/* One error per failed policy, at the statement, with the witness and
 * the SDF elements (maps, channel ends, IRQs) its edges come from as notes. */
void cmp_policy_report(const CmpPolicySet *ps, const CmpGraph *g, DiagList *dl);

/* ---- initialisation (reference §2.3) ------------------------------------ */

typedef struct CmpInitReport {
    bool checked;            /* a dump was compared */
    const char *source;      /* where the dump came from (file name) */
    size_t ncompared;        /* facts compared */
    VEC(char *) diffs;       /* one line per difference */
} CmpInitReport;

/* Compares the dump (JSON text, added to sm as `name` so parse errors are
 * located) with the system. Returns false on malformed input (errors in
 * dl); differences are findings in r, not errors. */
bool cmp_init_check(CmpInitReport *r, const SimSystem *s, const char *name, const char *text,
                    size_t len, SrcMgr *sm, DiagList *dl);
void cmp_init_free(CmpInitReport *r);

/* ---- the assurance ledger ---------------------------------------------- */

/* ---- contracts and bridge obligations (P) --------------------------------- */

/* A component contract (docs/composition.md has the grammar): for one PD,
 * word views of its regions, a guarantee on every word it writes to a
 * region (over addr, old, v), a rely on every word it reads (over addr,
 * v), and per channel what holds when it notifies and what it assumes
 * when notified (over view fields). Clauses are expressions of griddle
 * verify's annotation language, typed and proved by src/verify. */
typedef enum CmpClauseKind {
    CMP_C_GUARANTEE, CMP_C_RELY, CMP_C_NOTIFY, CMP_C_ASSUME,
    CMP_C_INVARIANT,         /* a property of a region's words at all times */
} CmpClauseKind;

typedef struct CmpClause {
    CmpClauseKind kind;
    int mr;                  /* GUARANTEE/RELY/INVARIANT: the region */
    unsigned id;             /* NOTIFY/ASSUME: the PD's channel id */
    const char *expr;        /* as written */
    const char *gen;         /* REGION.FIELD rewritten to REGION_at_OFF (the word's value;
                                in a region clause, before the write) */
    Span span;               /* of the expression */
} CmpClause;

typedef struct CmpField { const char *name; uint64_t off; Span span; } CmpField;
typedef struct CmpView { int mr; VEC(CmpField) fields; } CmpView;

typedef struct CmpContract {
    const char *path;
    int pd;
    bool trusted;
    const char *trust_reason;
    VEC(CmpView) views;
    VEC(CmpClause) clauses;
    Span span;               /* the `component` line */
    /* Evidence (issue 7, 4c): the component's Pancake sources and the
     * models it is verified against (`source`/`model` items, paths
     * relative to the contract file), and the result of griddle verify on
     * them, filled in by the caller before the ledger (ev_text NULL: not
     * verified). */
    VEC(const char *) sources;
    VEC(const char *) models;
    VEC(const char *) only;  /* `only FUNC...`: verify just these (griddle verify --only);
                                the promises then stay unknown, never discharged */
    Span source_span;        /* the first `source` item */
    Span only_span;          /* the `only` item */
    CmpStatus ev_status;
    char *ev_text;           /* owned (xmalloc) */
    /* Microkit entry points (CMP_ENTRY_*) that the code defines as
     * functions griddle verify proved (now or from the cache). */
    bool entry_verified[4];
    /* Words whose current value the generated model tracks as ghost state
     * (cmp_evidence_words): those the notify clauses speak of, and the view
     * fields of regions whose guarantee speaks of `old`. */
    VEC(struct CmpWord) words;
} CmpContract;

/* A word of a region a Pancake component's model tracks. It is tracked
 * (its ghost value is the word's value) only when the component alone
 * changes it: every other writer's guarantee leaves it unchanged (frame
 * bridge obligations, proved) and no device DMAs into the region. */
typedef struct CmpWord {
    int mr;
    uint64_t off;
    bool for_notify;         /* a notify clause speaks of it */
    bool for_old;            /* a guarantee over `old` may need its previous value */
    bool tracked;            /* set after the frame bridges (cmp_bridges_settle) */
    bool monotone;           /* not tracked, but every other writer only increases it
                                (its mono frame bridges): the model keeps the last value
                                the component saw of it as a lower bound */
} CmpWord;

/* The entry points of a Microkit PD (reference 1.3), in the ledger's
 * coverage: init and notified always, protected when some channel end may
 * call the PD, fault when it has children. */
enum { CMP_ENTRY_INIT, CMP_ENTRY_NOTIFIED, CMP_ENTRY_PROTECTED, CMP_ENTRY_FAULT };
extern const char *const cmp_entry_names[4];

typedef struct CmpContractSet {
    Arena arena;
    VEC(CmpContract) v;
} CmpContractSet;

void cmp_contract_init(CmpContractSet *cs);
void cmp_contract_free(CmpContractSet *cs);
/* Parses one contract file and checks it against the system: the
 * component is a PD, every region it speaks about is mapped by it (rely:
 * readable, guarantee: writable), every channel id is one of its channel
 * ends (notify: one that may notify); errors name both. */
bool cmp_contract_parse(CmpContractSet *cs, const SimSystem *s, const char *name,
                        const char *text, size_t len, SrcMgr *sm, DiagList *dl);

/* Evidence (issue 7, 4c; evidence.c). The regions a contract has a
 * guarantee or rely on (appended to mrs; false if none). */
bool cmp_evidence_regions(const CmpContract *c, const SimSystem *s, CmpIntVec *mrs);
/* Fills c->words (untracked until the frame bridges are settled). */
void cmp_evidence_words(CmpContract *c, const SimSystem *s);

/* What the component's code declares, read by a first vspec_build with the
 * contract's own model files (the shared declarations are kept even when
 * their methods are missing: VSpec.shared_decls). */
typedef struct CmpCodeShared {
    const char *name;        /* owned by the CmpCode */
    uint64_t lo, hi, stride;
    uint8_t width;
    bool read, write;
} CmpCodeShared;
typedef struct CmpCode {
    VEC(CmpCodeShared) shared;
    size_t nmodel_fields;    /* implicit Ref parameters of every model method */
} CmpCode;
void cmp_code_free(CmpCode *k);

/* The model (griddle verify's model language) of the contract's regions
 * as the code sees them through its maps: for every `shared` declaration
 * of the code that reaches a region the contract speaks of, store_DECL
 * requires the guarantee (its `old` bound to the tracked word's ghost
 * value, else to every value), load_DECL ensures the rely (a two-state one
 * for some previous value); with notify clauses, microkit_notify and
 * ffimicrokit_notify require, per channel, the clause over the tracked
 * words' ghost values, and only the channels the PD may notify on; a
 * load also ensures the contract's invariants of its region. The ghost
 * words (tracked values, monotone lower bounds) live in the model
 * predicates cmp_words_MR, one per region, which *pnk_extra
 * (xmalloc'd Pancake text, or NULL) declares. NULL and *why (xmalloc'd)
 * when the code cannot be bound (a declaration of another width reaching
 * a region). Caller frees. */
char *cmp_evidence_model(const CmpContract *c, const SimSystem *s, const CmpCode *code,
                         char **pnk_extra, char **why);

typedef enum CmpBridgeKind {
    CMP_B_FRAME,             /* writer's guarantee leaves word `off` of mr unchanged, so
                                the reader (a Pancake component) may track it */
    CMP_B_REGION,            /* writer's guarantee => reader's rely, per word of mr */
    CMP_B_ZERO,              /* reader's rely holds of the zero-initialised region */
    CMP_B_DEVICE,            /* a device writes mr by DMA: no guarantee to check */
    CMP_B_CHANNEL,           /* notifier's clause => receiver's assumption */
} CmpBridgeKind;

typedef struct CmpBridge {
    CmpBridgeKind kind;
    int mr, writer, reader;  /* REGION/ZERO/DEVICE (writer: PD, or device MR for DEVICE) */
    int channel, from_end;   /* CHANNEL: the notifying end */
    const CmpContract *wc, *rc;  /* the contracts (wc NULL: no contract) */
    const CmpClause *g, *r;  /* g NULL: guarantees nothing (true) */
    char *text;              /* what the obligation says */
    CmpStatus status;
    char *evidence;
    uint64_t off;            /* FRAME: the word */
    bool dma;                /* FRAME: the writer is a device (DMA): never unchanged */
    bool mono;               /* FRAME: the writer's guarantee implies old <= v at the word
                                (it never decreases it), not v == old; always quiet */
    bool quiet;              /* FRAME for `old` only: a refutation just leaves the word
                                untracked (no diagnostic; dropped by cmp_bridges_settle) */
    char method[32];         /* the generated Pancake function */
    uint32_t first_line, last_line; /* its lines in the generated text */
} CmpBridge;

typedef struct CmpBridgeSet {
    VEC(CmpBridge) v;
} CmpBridgeSet;

/* Enumerates the bridge obligations of the contracts over the graph. */
void cmp_bridges_build(CmpBridgeSet *bs, const CmpContractSet *cs, const CmpGraph *g);
/* Discharges them with griddle verify (one model method per obligation);
 * errors in the clauses are located in the contract files. Returns false
 * on such errors (statuses then unknown). timeout_ms per obligation. */
bool cmp_bridges_check(CmpBridgeSet *bs, const CmpContractSet *cs, const SimSystem *s,
                       unsigned timeout_ms, SrcMgr *sm, DiagList *dl);
void cmp_bridges_free(CmpBridgeSet *bs);
/* After cmp_bridges_check: marks the words of every contract tracked whose
 * frame bridges are all discharged, and drops the quiet frame bridges
 * that were not (the word is then any value for `old`). */
void cmp_bridges_settle(CmpBridgeSet *bs, CmpContractSet *cs);

typedef struct CmpLedgerIn {
    const SimSystem *s;
    const CmpGraph *g;
    const CmpPolicySet *ps;
    const CmpInitReport *init;
    const CmpContractSet *contracts;   /* may be NULL */
    const CmpBridgeSet *bridges;       /* may be NULL */
    size_t nwarnings;        /* well-formedness warnings (reported as diagnostics) */
} CmpLedgerIn;

typedef enum CmpFormat { CMP_FMT_TEXT, CMP_FMT_JSON, CMP_FMT_MD } CmpFormat;

/* Overall status: failed if anything failed, else unknown if anything is
 * unknown, else discharged (trusted obligations are listed, not failures). */
CmpStatus cmp_ledger_status(const CmpLedgerIn *in);
void cmp_ledger_render(const CmpLedgerIn *in, CmpFormat f, StrBuf *b);
/* The system as a graphviz digraph: PDs, regions, channels; edges on a
 * failed policy's witness red, edges and nodes covered by discharged
 * claims green. */
void cmp_ledger_dot(const CmpLedgerIn *in, StrBuf *b);

/* ---- JSON reading (the dump) --------------------------------------------- */

typedef enum CmpJsonKind { CJ_NULL, CJ_BOOL, CJ_NUM, CJ_STR, CJ_ARR, CJ_OBJ } CmpJsonKind;

typedef struct CmpJson CmpJson;
struct CmpJson {
    CmpJsonKind kind;
    bool b;
    double num;
    bool num_is_u64;         /* an integer literal that fits in uint64_t */
    uint64_t u64;
    const char *str;         /* CJ_STR (NUL-terminated; embedded NULs rejected) */
    const char **keys;       /* CJ_OBJ */
    CmpJson **items;         /* CJ_ARR elements / CJ_OBJ values */
    size_t n;
    uint32_t off;            /* byte offset in the text */
};

/* Parses text into arena-allocated values; NULL and a located error in dl
 * (file `file` of the SrcMgr) on malformed input. Nesting is limited. */
CmpJson *cmp_json_parse(Arena *a, const char *text, size_t len, uint32_t file, SrcMgr *sm,
                        DiagList *dl);
const CmpJson *cmp_json_get(const CmpJson *obj, const char *key);

#endif
