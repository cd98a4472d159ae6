/*
 * The x86-64 back end's driver: runs the passes over every function
 * (optimisation, instruction selection, register allocation, emission),
 * writes the entry points of the cake ABI (cml_main, one C-callable
 * wrapper per `export fun`), the run-time pieces (throw, data), and
 * computes the stack report from the generated frames.
 *
 * Entry wrappers (docs/abi.md): save the C callee-saved registers, link
 * a handler record for uncaught exceptions (which calls the host's
 * griddle_uncaught), call the Pancake function, restore. cml_main also
 * sets @base/@top from cml_heap/cml_stack and runs the globals'
 * initialiser first (§5.3).
 *
 * Symbols (docs/abi.md "Symbols"): everything the back end names itself
 * contains a '.' (pnk.f.NAME, pnk.init, pnk.base, ...), which no Pancake
 * identifier can, so no exported function can clash with it.
 */
#include "x64_int.h"

#include <string.h>

/* Bytes an entry wrapper adds below the C caller's %rsp: the return
 * address, six saved registers, a 24-byte handler record. */
#define WRAPPER_BYTES (8 + 48 + 24)

/* ---- instruction selection ------------------------------------------ */

typedef struct Uses {
    uint32_t *count;
} Uses;

static void count_use(void *ctx, uint32_t v) { ((Uses *)ctx)->count[v]++; }

/* if (a cc b) as one compare-and-branch when the SETCC feeds only the BR. */
static void fuse_branches(IrFn *fn, const uint32_t *uses)
{
    for (size_t b = 0; b < fn->blocks.n; b++) {
        IrBlock *bl = &fn->blocks.v[b];
        if (bl->ins.n < 2) continue;
        IrIns *br = &bl->ins.v[bl->ins.n - 1], *sc = br - 1;
        if (br->op != IR_BR || br->a.kind != OPND_VREG || sc->op != IR_SETCC ||
            sc->dst != br->a.v || uses[sc->dst] != 1)
            continue;
        br->op = IR_BRCC;
        br->cc = sc->cc;
        br->a = sc->a;
        br->b = sc->b;
        *sc = *br;
        bl->ins.n--;
        /* (x & m) ==/!= 0 with the AND just before: test m, x */
        IrIns *and = bl->ins.n >= 2 ? sc - 1 : NULL;
        if (and && and->op == IR_AND && (sc->cc == CC_EQ || sc->cc == CC_NE) &&
            sc->b.kind == OPND_IMM && sc->b.imm == 0 && sc->a.kind == OPND_VREG &&
            sc->a.v == and->dst && uses[and->dst] == 1) {
            sc->op = IR_BRTEST;
            sc->a = and->a;
            sc->b = and->b;
            *and = *sc;
            bl->ins.n--;
        }
    }
}

/* Address arithmetic a memory operation can absorb: base + idx*scale +
 * disp, valid while base and idx keep the values they had (versions). */
typedef struct Addr {
    uint32_t base, idx, bver, iver, stamp;
    uint8_t scale;
    int64_t disp;
} Addr;

typedef struct AddrCtx {
    Addr *rec;
    uint32_t *ver, stamp;
} AddrCtx;

static bool fits32s(int64_t x) { return x == (int64_t)(int32_t)x; }

static const Addr *valid(const AddrCtx *c, Opnd o)
{
    if (o.kind != OPND_VREG) return NULL;
    const Addr *r = &c->rec[o.v];
    if (r->stamp != c->stamp || (r->base && c->ver[r->base] != r->bver) ||
        (r->idx && c->ver[r->idx] != r->iver))
        return NULL;
    return r;
}

/* What address does d = in compute, if any? */
static bool addr_of(const AddrCtx *c, const IrIns *in, Addr *out)
{
    Addr r = {0};
    r.scale = 1;
    const Addr *ra = valid(c, in->a), *rb = valid(c, in->b);
    if (in->op == IR_SHL && in->a.kind == OPND_VREG && in->b.kind == OPND_IMM && in->b.imm <= 3) {
        r.idx = in->a.v;
        r.scale = (uint8_t)(1u << in->b.imm);
    } else if (in->op == IR_ADD && in->a.kind == OPND_VREG && in->b.kind == OPND_IMM) {
        if (ra && ra->base) r = *ra;
        else r.base = in->a.v;
        r.disp += (int64_t)in->b.imm;
        if (!fits32s(r.disp)) return false;
    } else if (in->op == IR_ADD && in->a.kind == OPND_VREG && in->b.kind == OPND_VREG) {
        if (rb && !rb->base && rb->idx && !rb->disp) r = (Addr){.base = in->a.v, .idx = rb->idx, .scale = rb->scale};
        else if (ra && !ra->base && ra->idx && !ra->disp) r = (Addr){.base = in->b.v, .idx = ra->idx, .scale = ra->scale};
        else if (ra && ra->base && !ra->idx) r = (Addr){.base = ra->base, .idx = in->b.v, .scale = 1, .disp = ra->disp};
        else if (rb && rb->base && !rb->idx) r = (Addr){.base = rb->base, .idx = in->a.v, .scale = 1, .disp = rb->disp};
        else r = (Addr){.base = in->a.v, .idx = in->b.v, .scale = 1};
    } else {
        return false;
    }
    if (r.base == in->dst || r.idx == in->dst) return false;
    r.bver = r.base ? c->ver[r.base] : 0;
    r.iver = r.idx ? c->ver[r.idx] : 0;
    r.stamp = c->stamp;
    *out = r;
    return true;
}

static bool is_mem(IrOp op) { return op == IR_LOAD || op == IR_STORE || op == IR_SHLOAD || op == IR_SHSTORE; }

static void bump(void *ctx, uint32_t v) { ((AddrCtx *)ctx)->ver[v]++; }

/* Folds address arithmetic defined earlier in the same block into the
 * base, index, scale and displacement of memory operations (which stay
 * one instruction: shared accesses keep their width and number). */
static void fold_addresses(IrFn *fn)
{
    uint32_t n = fn->nvregs + 1;
    AddrCtx c = {xcalloc(n, sizeof(Addr)), xcalloc(n, sizeof(uint32_t)), 0};
    for (size_t b = 0; b < fn->blocks.n; b++) {
        c.stamp++;
        IrBlock *bl = &fn->blocks.v[b];
        for (size_t i = 0; i < bl->ins.n; i++) {
            IrIns *in = &bl->ins.v[i];
            const Addr *r = is_mem(in->op) && !in->x.kind ? valid(&c, in->a) : NULL;
            if (r && r->base && fits32s(in->disp + r->disp)) {
                in->a = ir_vreg(r->base);
                in->x = r->idx ? ir_vreg(r->idx) : (Opnd){0};
                in->scale = r->scale;
                in->disp += r->disp;
            }
            Addr na;
            bool has = in->dst && addr_of(&c, in, &na);
            ir_defs(fn, in, bump, &c);
            if (in->dst) c.rec[in->dst] = has ? na : (Addr){0};
            if (has) {   /* versions were taken before this definition */
                c.rec[in->dst].bver = na.base ? c.ver[na.base] : 0;
                c.rec[in->dst].iver = na.idx ? c.ver[na.idx] : 0;
            }
        }
    }
    free(c.rec);
    free(c.ver);
}

/* A block ending in `x ==/!= 0 ? ...` where x is computed by add, sub,
 * and, or or xor earlier in the block: that instruction moves down to
 * just before the branch (past pure and memory instructions that neither
 * read x nor write x or its operands), so the branch can use its flags
 * (x64_emit.c: the compare is left out). */
static void sink_flag_defs(IrFn *fn)
{
    for (size_t b = 0; b < fn->blocks.n; b++) {
        IrBlock *bl = &fn->blocks.v[b];
        IrIns *br = &bl->ins.v[bl->ins.n - 1];
        if (br->op != IR_BRCC || (br->cc != CC_EQ && br->cc != CC_NE) || br->a.kind != OPND_VREG ||
            br->b.kind != OPND_IMM || br->b.imm != 0)
            continue;
        uint32_t x = br->a.v;
        size_t d = bl->ins.n - 1;
        while (d-- > 0 && bl->ins.v[d].dst != x) {}
        if (d >= bl->ins.n) continue;
        IrIns def = bl->ins.v[d];
        if (def.op != IR_ADD && def.op != IR_SUB && def.op != IR_AND && def.op != IR_OR && def.op != IR_XOR)
            continue;
        uint32_t a = def.a.kind == OPND_VREG ? def.a.v : x, b2 = def.b.kind == OPND_VREG ? def.b.v : x;
        bool ok = true;
        for (size_t i = d + 1; i + 1 < bl->ins.n && ok; i++) {
            const IrIns *in = &bl->ins.v[i];
            ok = !ir_reads(fn, in, x) && !ir_writes(fn, in, x) && !ir_writes(fn, in, a) &&
                 !ir_writes(fn, in, b2) && in->op != IR_CALL && in->op != IR_FFI;
        }
        if (!ok || d + 2 == bl->ins.n) continue;
        memmove(&bl->ins.v[d], &bl->ins.v[d + 1], (bl->ins.n - 2 - d) * sizeof def);
        bl->ins.v[bl->ins.n - 2] = def;
    }
}

void x64_isel(IrFn *fn)
{
    fold_addresses(fn);
    ir_dce(fn);
    ir_coalesce(fn, true);
    ir_dce(fn);
    Uses u = {xcalloc(fn->nvregs + 1, sizeof(uint32_t))};
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++)
            ir_uses(fn, &fn->blocks.v[b].ins.v[i], count_use, &u);
    fuse_branches(fn, u.count);
    sink_flag_defs(fn);
    free(u.count);
}

/* ---- functions ------------------------------------------------------ */

static uint32_t count_try(const IrFn *fn, const bool *reach)
{
    uint32_t n = 0;
    for (size_t b = 0; b < fn->blocks.n; b++) {
        if (!reach[b]) continue;
        const IrBlock *bl = &fn->blocks.v[b];
        n += bl->ins.n && bl->ins.v[bl->ins.n - 1].op == IR_TRYCALL;
    }
    return n;
}

static bool makes_calls(const X64Fn *xf)
{
    const IrFn *fn = xf->fn;
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; xf->reachable[b] && i < fn->blocks.v[b].ins.n; i++) {
            IrOp op = fn->blocks.v[b].ins.v[i].op;
            if (op == IR_CALL || op == IR_TRYCALL || op == IR_FFI) return true;
        }
    return false;
}

static void frame_layout(X64Fn *xf)
{
    uint32_t bytes = 8 * xf->nslots + 24 * xf->ntry;
    /* %rsp is 8 mod 16 at entry (return address): keep calls aligned */
    if ((bytes + 8 * xf->nsaved + 8) % 16 && makes_calls(xf)) bytes += 8;
    xf->frame = bytes;
}

static void dump_stage(const X64Opts *o, const char *stage, const IrFn *fn, const IrProg *ir,
                       const X64Fn *xf)
{
    if (!o->dump || strcmp(o->dump, stage)) return;
    ir_dump_fn(fn, ir, o->dump_out, xf ? x64_loc_name : NULL, (void *)xf);
}

/* ---- program-level assembly ----------------------------------------- */

static void wrapper(StrBuf *out, const IrProg *ir, const char *sym, const IrFn *callee, bool is_main)
{
    sb_printf(out, "\t.globl %s\n\t.type %s, @function\n\t.p2align 4\n%s:\n", sym, sym, sym);
    /* re-entry (docs/abi.md): an export only when no Pancake code runs */
    if (!is_main) sb_printf(out, "\tcmpq $0, pnk.ready(%%rip)\n\tje .Lerr_%s\n", sym);
    sb_puts(out, "\tmovq $0, pnk.ready(%rip)\n");
    sb_puts(out, "\tpushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n");
    sb_puts(out, "\tsubq $24, %rsp\n\tmovq pnk.handler(%rip), %r11\n\tmovq %r11, 0(%rsp)\n");
    sb_printf(out, "\tmovq %%rsp, 8(%%rsp)\n\tleaq .Lunc_%s(%%rip), %%r11\n\tmovq %%r11, 16(%%rsp)\n", sym);
    sb_puts(out, "\tmovq %rsp, pnk.handler(%rip)\n");
    if (is_main) {
        sb_puts(out, "\tmovq cml_heap(%rip), %r11\n\tmovq %r11, pnk.base(%rip)\n");
        sb_printf(out, "\tmovq cml_stack(%%rip), %%r11\n\tsubq $%llu, %%r11\n",
                  8ull * ir->global_words);
        sb_puts(out, "\tmovq %r11, pnk.top(%rip)\n\tcall pnk.init\n");
    }
    sb_printf(out, "\tcall pnk.f.%s\n", callee->name);
    sb_puts(out, "\tmovq 0(%rsp), %r11\n\tmovq %r11, pnk.handler(%rip)\n");
    sb_printf(out, ".Lret_%s:\n\tmovq $1, pnk.ready(%%rip)\n\taddq $24, %%rsp\n", sym);
    sb_puts(out, "\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\tret\n");
    /* an exception escaped: %rsp is back at the record, already unlinked */
    sb_printf(out, ".Lunc_%s:\n", sym);
    sb_puts(out, "\tmovq pnk.xid(%rip), %rax\n\tleaq pnk.exn_names(%rip), %r11\n"
                 "\tmovq (%r11,%rax,8), %rdi\n\tleaq pnk.exn_words(%rip), %r11\n"
                 "\tmovq (%r11,%rax,8), %rdx\n\tleaq pnk.xbuf(%rip), %rsi\n"
                 "\tmovq griddle_uncaught@GOTPCREL(%rip), %rax\n\ttestq %rax, %rax\n"
                 "\tjz 1f\n\tcall *%rax\n\txorl %eax, %eax\n");
    sb_printf(out, "\tjmp .Lret_%s\n1:\tud2\n", sym);
    if (!is_main) {   /* refused: cml_err(3), then 0 (no cml_err: ud2) */
        sb_printf(out, ".Lerr_%s:\n\tmovq cml_err@GOTPCREL(%%rip), %%rax\n\ttestq %%rax, %%rax\n"
                       "\tjz 1b\n\tsubq $8, %%rsp\n\tmovl $3, %%edi\n\tcall *%%rax\n"
                       "\taddq $8, %%rsp\n\txorl %%eax, %%eax\n\tret\n", sym);
    }
    sb_printf(out, "\t.size %s, .-%s\n", sym, sym);
}

static void runtime(StrBuf *out, const IrProg *ir)
{
    sb_puts(out, "\t.p2align 4\n"
                 "pnk.throw:\n"
                 "\tmovq pnk.handler(%rip), %r11\n"
                 "\tmovq 0(%r11), %r10\n"
                 "\tmovq %r10, pnk.handler(%rip)\n"
                 "\tmovq 8(%r11), %rsp\n"
                 "\tjmp *16(%r11)\n");
    uint32_t buf = ir->max_words > 8 ? ir->max_words : 8;
    sb_puts(out, "\n\t.bss\n\t.p2align 4\n");
    sb_puts(out, "pnk.base:\t.zero 8\npnk.top:\t.zero 8\n");
    /* cake's assembly defines these and hosts declare them extern
     * (docs/abi.md); weak, so a host that defines them itself links too */
    for (int i = 0; i < 3; i++) {
        const char *n = (const char *[]){"cml_heap", "cml_stack", "cml_stackend"}[i];
        sb_printf(out, "\t.weak %s\n\t.type %s, @object\n\t.size %s, 8\n%s:\t.zero 8\n", n, n, n, n);
    }
    sb_puts(out, "pnk.handler:\t.zero 8\npnk.xid:\t.zero 8\npnk.ready:\t.zero 8\n");
    sb_printf(out, "pnk.xbuf:\t.zero %u\npnk.abuf:\t.zero %u\npnk.rbuf:\t.zero %u\n",
              8 * buf, 8 * buf, 8 * buf);
    sb_puts(out, "\n\t.section .rodata\n\t.p2align 3\n\t.globl griddle_globals_bytes\n");
    sb_printf(out, "griddle_globals_bytes:\t.quad %llu\n", 8ull * ir->global_words);
    sb_puts(out, "pnk.exn_words:\n");
    for (size_t i = 0; i < ir->exns.n; i++) sb_printf(out, "\t.quad %u\n", ir->exns.v[i].words);
    for (size_t i = 0; i < ir->exns.n; i++) sb_printf(out, ".Lxn%zu:\t.string \"%s\"\n", i, ir->exns.v[i].name);
    for (size_t i = 0; i < ir->fns.n; i++)
        if (ir->fns.v[i]->is_export) sb_printf(out, ".Lex%zu:\t.string \"%s\"\n", i, ir->fns.v[i]->name);
    sb_puts(out, "\n\t.section .data.rel.ro,\"aw\"\n\t.p2align 3\npnk.exn_names:\n");
    for (size_t i = 0; i < ir->exns.n; i++) sb_printf(out, "\t.quad .Lxn%zu\n", i);
    sb_puts(out, "\t.globl griddle_exports\ngriddle_exports:\n");
    for (size_t i = 0; i < ir->fns.n; i++)
        if (ir->fns.v[i]->is_export)
            sb_printf(out, "\t.quad .Lex%zu, %s, %u\n", i, ir->fns.v[i]->name, ir->fns.v[i]->nparams);
    sb_puts(out, "\t.quad 0, 0, 0\n\t.weak griddle_uncaught\n\t.weak cml_err\n");
    sb_puts(out, "\t.section .note.GNU-stack,\"\",@progbits\n");
}

/* ---- stack report --------------------------------------------------- */

typedef struct Graph {
    size_t n;
    uint64_t *frame;        /* own bytes incl. return address */
    VEC(uint32_t) *calls;   /* non-tail callees */
    VEC(uint32_t) *tails;   /* tail callees */
    bool *ffi;              /* makes FFI calls: their return address is ours */
} Graph;

static void reach(const Graph *g, uint32_t f, bool *seen)
{
    if (seen[f]) return;
    seen[f] = true;
    for (size_t k = 0; k < g->calls[f].n; k++) reach(g, g->calls[f].v[k], seen);
    for (size_t k = 0; k < g->tails[f].n; k++) reach(g, g->tails[f].v[k], seen);
}

/* need(f) = max(frame(f) + max over calls need(g), max over tail calls
 * need(g)): a tail call reuses f's place. Unbounded when f reaches a
 * cycle through a non-tail call. */
static void stack_need(const Graph *g, bool *unb, uint64_t *need)
{
    size_t n = g->n;
    bool *seen = xcalloc(n * n + 1, sizeof *seen);
    for (size_t f = 0; f < n; f++) reach(g, (uint32_t)f, seen + f * n);
    bool *bad = xcalloc(n + 1, sizeof *bad);   /* on a cycle with a non-tail edge */
    for (size_t f = 0; f < n; f++)
        for (size_t k = 0; k < g->calls[f].n; k++)
            if (seen[g->calls[f].v[k] * n + f]) bad[f] = true;
    for (size_t f = 0; f < n; f++) {
        unb[f] = false;
        for (size_t h = 0; h < n; h++) unb[f] |= bad[h] && seen[f * n + h];
        need[f] = 0;
    }
    for (bool changed = true; changed;) {   /* bounded part: a fixed point */
        changed = false;
        for (size_t f = 0; f < n; f++) {
            if (unb[f]) continue;
            uint64_t inner = g->ffi[f] ? 8 : 0, v = 0;   /* an FFI's return address */
            for (size_t k = 0; k < g->calls[f].n; k++)
                if (need[g->calls[f].v[k]] > inner) inner = need[g->calls[f].v[k]];
            v = g->frame[f] + inner;
            for (size_t k = 0; k < g->tails[f].n; k++)
                if (need[g->tails[f].v[k]] > v) v = need[g->tails[f].v[k]];
            if (v != need[f]) {
                need[f] = v;
                changed = true;
            }
        }
    }
    free(seen);
    free(bad);
}

/* The FFI functions called by the functions reachable from the entries
 * e1 and e2, comma-separated (NULL if none): their own stack is C's. */
static char *reached_ffis(const X64Fn *xfs, const Graph *g, uint32_t e1, uint32_t e2)
{
    bool *seen = xcalloc(g->n + 1, sizeof *seen);
    reach(g, e1, seen);
    reach(g, e2, seen);
    VEC(Sym) names = {0};
    for (size_t f = 0; f < g->n; f++) {
        const IrFn *fn = xfs[f].fn;
        for (size_t b = 0; seen[f] && b < fn->blocks.n; b++)
            for (size_t i = 0; xfs[f].reachable[b] && i < fn->blocks.v[b].ins.n; i++) {
                const IrIns *in = &fn->blocks.v[b].ins.v[i];
                bool dup = in->op != IR_FFI;
                for (size_t k = 0; !dup && k < names.n; k++) dup = names.v[k] == in->name;
                if (!dup) vec_push(&names, in->name);
            }
    }
    StrBuf s = {0};
    for (size_t k = 0; k < names.n; k++) sb_printf(&s, "%s%s", k ? "," : "", names.v[k]);
    bool any = names.n > 0;
    vec_free(&names);
    free(seen);
    return any ? sb_take(&s) : NULL;
}

static void stack_report(const IrProg *ir, const X64Fn *xfs, X64Result *res)
{
    Graph g = {ir->fns.n, xcalloc(ir->fns.n + 1, sizeof(uint64_t)),
               xcalloc(ir->fns.n + 1, sizeof *g.calls), xcalloc(ir->fns.n + 1, sizeof *g.tails),
               xcalloc(ir->fns.n + 1, sizeof(bool))};
    for (size_t f = 0; f < g.n; f++) {
        const IrFn *fn = xfs[f].fn;
        g.frame[f] = xfs[f].frame + 8 * xfs[f].nsaved + 8;
        for (size_t b = 0; b < fn->blocks.n; b++) {
            if (!xfs[f].reachable[b]) continue;
            for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
                const IrIns *in = &fn->blocks.v[b].ins.v[i];
                if (in->op == IR_CALL || in->op == IR_TRYCALL) vec_push(&g.calls[f], in->callee);
                if (in->op == IR_TAILCALL) vec_push(&g.tails[f], in->callee);
                if (in->op == IR_FFI) g.ffi[f] = true;
            }
        }
    }
    bool *unb = xcalloc(g.n + 1, sizeof *unb);
    uint64_t *need = xcalloc(g.n + 1, sizeof *need);
    stack_need(&g, unb, need);
    uint32_t m = ir->main_fn, in = ir->init_fn;
    X64StackUse mu = {ir->fns.v[m]->name, unb[m] || unb[in],
                      WRAPPER_BYTES + (need[m] > need[in] ? need[m] : need[in]),
                      reached_ffis(xfs, &g, m, in)};
    vec_push(&res->stack, mu);
    for (size_t f = 0; f < g.n; f++) {
        if (!ir->fns.v[f]->is_export) continue;
        X64StackUse u = {ir->fns.v[f]->name, unb[f], WRAPPER_BYTES + need[f],
                         reached_ffis(xfs, &g, (uint32_t)f, (uint32_t)f)};
        vec_push(&res->stack, u);
    }
    for (size_t f = 0; f < g.n; f++) {
        vec_free(&g.calls[f]);
        vec_free(&g.tails[f]);
    }
    free(g.calls);
    free(g.tails);
    free(g.frame);
    free(g.ffi);
    free(unb);
    free(need);
}

/* ---- driver --------------------------------------------------------- */

/* Every vreg the allocated code touches must have a location. */
typedef struct LocCheck {
    const X64Fn *xf;
    uint32_t missing;
} LocCheck;

static void need_loc(void *ctx, uint32_t v)
{
    LocCheck *c = ctx;
    if (c->xf->loc[v].reg == -2 && !c->missing) c->missing = v;
}

static bool ra_verify(const X64Fn *xf, StrBuf *why)
{
    LocCheck c = {xf, 0};
    const IrFn *fn = xf->fn;
    for (size_t b = 0; b < fn->blocks.n; b++)
        for (size_t i = 0; xf->reachable[b] && i < fn->blocks.v[b].ins.n; i++) {
            ir_uses(fn, &fn->blocks.v[b].ins.v[i], need_loc, &c);
            ir_defs(fn, &fn->blocks.v[b].ins.v[i], need_loc, &c);
        }
    if (c.missing) sb_printf(why, "v%u has no location", c.missing);
    return !c.missing;
}

/* Test hook (GRIDDLE_BUILD_INJECT=STAGE): break the IR after STAGE, to
 * show that a broken invariant stops the build with exit 3. */
static void inject(const X64Opts *o, const char *stage, IrFn *fn)
{
    if (o->inject && !strcmp(o->inject, stage)) ir_emit(fn, 0, IR_JMP)->t = UINT32_MAX;
}

/* Runs the passes over one function; false (with *why) on a broken
 * invariant after some stage. */
static bool compile_fn(IrProg *ir, X64Fn *xf, const X64Opts *o, StrBuf *out, StrBuf *why)
{
    IrFn *fn = xf->fn;
    uint32_t n = (uint32_t)ir->fns.n;
    const char *stage = "ir";
    bool ok = ir_verify(fn, n, why);
    if (ok) {
        stage = "opt";
        ir_opt(fn, o->opt_level);
        inject(o, stage, fn);
        ok = ir_verify(fn, n, why);
        dump_stage(o, "opt", fn, ir, NULL);
    }
    if (ok) {
        stage = "isel";
        x64_isel(fn);
        inject(o, stage, fn);
        ok = ir_verify(fn, n, why);
        dump_stage(o, "isel", fn, ir, NULL);
    }
    if (ok) {
        stage = "ra";
        xf->reachable = ir_reachable(fn);
        xf->ntry = count_try(fn, xf->reachable);
        x64_ra(xf);
        frame_layout(xf);
        ok = ra_verify(xf, why);
        dump_stage(o, "ra", fn, ir, xf);
    }
    if (ok) x64_emit_fn(xf, ir, out, o->ffi_hook);
    if (!ok) {
        StrBuf m = {0};
        sb_printf(&m, "function %s, stage %s: %s", fn->name, stage, why->s ? why->s : "");
        sb_free(why);
        *why = m;
    }
    return ok;
}

bool x64_compile(IrProg *ir, const X64Opts *o, StrBuf *out, X64Result *res, char **why)
{
    *why = NULL;
    X64Fn *xfs = xcalloc(ir->fns.n + 1, sizeof *xfs);
    for (size_t f = 0; f < ir->fns.n; f++) dump_stage(o, "ir", ir->fns.v[f], ir, NULL);
    sb_puts(out, "# generated by griddle build (x86-64, cake ABI: docs/abi.md)\n\t.text\n");
    StrBuf msg = {0};
    bool ok = true;
    if (o->opt_level > 0) ir_inline(ir);
    for (size_t f = 0; f < ir->fns.n && ok; f++) {
        xfs[f].fn = ir->fns.v[f];
        ok = compile_fn(ir, &xfs[f], o, out, &msg);
    }
    if (ok) {
        wrapper(out, ir, "cml_main", ir->fns.v[ir->main_fn], true);
        for (size_t f = 0; f < ir->fns.n; f++)
            if (ir->fns.v[f]->is_export) wrapper(out, ir, ir->fns.v[f]->name, ir->fns.v[f], false);
        runtime(out, ir);
        stack_report(ir, xfs, res);
    } else {
        *why = sb_take(&msg);
    }
    for (size_t f = 0; f < ir->fns.n; f++) {
        free(xfs[f].loc);
        free(xfs[f].reachable);
    }
    free(xfs);
    return ok;
}

void x64_result_free(X64Result *r)
{
    for (size_t i = 0; i < r->stack.n; i++) free(r->stack.v[i].ffis);
    vec_free(&r->stack);
}
