/*
 * Assembly output (GNU as, AT&T syntax) for one allocated function.
 *
 * Each IR instruction becomes a short fixed sequence. Operands live in
 * registers or in stack slots ([%rsp + 8*slot]); r11 is the working
 * register when the destination is not a register (or would be
 * clobbered too early), r10 holds addresses or wide immediates, rcx
 * shift counts. Values crossing the function boundary (arguments,
 * results, exception payloads) move as one parallel move (pmove) so that
 * no source is overwritten before it is read.
 *
 * Shared-memory operations become exactly one mov of their width
 * (movzbl/movzwl/movl/movq loads, movb/movw/movl/movq stores), which is
 * what the host's trap recorder (x86dec.c) decodes (issue §3).
 *
 * Frame: the callee-saved registers the function uses are pushed first
 * (all six when it has a try-call, x64_ra.c) and popped at returns and
 * tail calls; below them [%rsp, +8*nslots) spill slots, then 24-byte
 * handler records (prev handler, %rsp to restore, handler address) for
 * try-calls. The frame size keeps %rsp 16-byte aligned at every call.
 */
#include "x64_int.h"

#include <string.h>

static const char *const R64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const R32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const R16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const R8N[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const CCS[] = {"e", "ne", "l", "g", "le", "ge", "b", "a", "be", "ae"};
static const IrCc NEG[] = {CC_NE, CC_EQ, CC_GE, CC_LE, CC_GT, CC_LT, CC_AE, CC_BE, CC_A, CC_B};

typedef struct Em {
    const X64Fn *xf;
    const IrProg *ir;
    StrBuf *o;
    uint32_t cur;           /* block being emitted */
    uint32_t next;          /* the block laid out after it (or UINT32_MAX) */
    uint32_t try_no;        /* handler records used so far */
    int flags;              /* register whose value ZF reflects (the last
                               instruction was an ALU op on it), or -1 */
    int flags_before;       /* ... as it was before the current instruction */
    bool ffi_hook;          /* FFI calls through griddle_ffi_hook */
    uint32_t nffi;          /* FFI calls emitted so far (name labels) */
} Em;

/* ---- locations ------------------------------------------------------ */

typedef enum LocKind { L_REG, L_STK, L_MEM, L_IMM, L_NONE } LocKind;

typedef struct Loc {
    LocKind kind;
    int reg;
    int64_t off;            /* L_STK: byte offset from %rsp; L_MEM: from sym */
    const char *sym;
    uint64_t imm;
} Loc;

static bool fits32(uint64_t x) { return (int64_t)x == (int64_t)(int32_t)x; }

static Loc vloc(const Em *e, uint32_t v)
{
    VLoc l = e->xf->loc[v];
    if (l.reg >= 0) return (Loc){.kind = L_REG, .reg = l.reg};
    if (l.reg == -1) return (Loc){.kind = L_STK, .off = 8 * (int64_t)l.slot};
    return (Loc){.kind = L_NONE};
}

static Loc oloc(const Em *e, Opnd o)
{
    if (o.kind == OPND_IMM) return (Loc){.kind = L_IMM, .imm = o.imm};
    if (o.kind == OPND_VREG) return vloc(e, o.v);
    return (Loc){.kind = L_IMM, .imm = 0};
}

static Loc reg(int r) { return (Loc){.kind = L_REG, .reg = r}; }

static void loc_text(StrBuf *o, Loc l)
{
    switch (l.kind) {
    case L_REG: sb_printf(o, "%%%s", R64[l.reg]); return;
    case L_STK: sb_printf(o, "%lld(%%rsp)", (long long)l.off); return;
    case L_MEM: sb_printf(o, "%s+%lld(%%rip)", l.sym, (long long)l.off); return;
    case L_IMM: sb_printf(o, "$%lld", (long long)l.imm); return;
    case L_NONE: sb_puts(o, "%r11"); return;
    }
}

static bool same(Loc a, Loc b)
{
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case L_REG: return a.reg == b.reg;
    case L_STK: return a.off == b.off;
    case L_MEM: return a.sym == b.sym && a.off == b.off;
    case L_IMM: return a.imm == b.imm;
    case L_NONE: return true;
    }
    return false;
}

static bool in_mem(Loc l) { return l.kind == L_STK || l.kind == L_MEM; }

/* mov src -> dst, any combination (through r10 when both are memory or
 * the immediate is wide). */
static void move(Em *e, Loc dst, Loc src)
{
    if (dst.kind == L_NONE || same(dst, src)) return;
    if (src.kind == L_IMM && !fits32(src.imm)) {
        Loc t = dst.kind == L_REG ? dst : reg(R10);
        sb_printf(e->o, "\tmovabsq $%lld, %%%s\n", (long long)src.imm, R64[t.reg]);
        if (dst.kind != L_REG) move(e, dst, t);
        return;
    }
    if (in_mem(dst) && (in_mem(src) || src.kind == L_NONE)) {
        move(e, reg(R10), src);
        src = reg(R10);
    }
    if (src.kind == L_IMM && src.imm == 0 && dst.kind == L_REG) {
        sb_printf(e->o, "\txorl %%%s, %%%s\n", R32[dst.reg], R32[dst.reg]);
        return;
    }
    sb_puts(e->o, "\tmovq ");
    loc_text(e->o, src);
    sb_puts(e->o, ", ");
    loc_text(e->o, dst);
    sb_putc(e->o, '\n');
}

/* The operand in a register: its own, or loaded into scratch. */
static int in_reg(Em *e, Opnd o, int scratch)
{
    Loc l = oloc(e, o);
    if (l.kind == L_REG) return l.reg;
    move(e, reg(scratch), l);
    return scratch;
}

/* Text of an ALU source operand (register, slot, or 32-bit immediate). */
static void src_text(Em *e, Opnd o, int scratch, char *buf, size_t n)
{
    Loc l = oloc(e, o);
    if (l.kind == L_IMM && !fits32(l.imm)) l = reg(in_reg(e, o, scratch));
    StrBuf t = {0};
    loc_text(&t, l);
    snprintf(buf, n, "%s", t.s);
    sb_free(&t);
}

/* ---- parallel moves ------------------------------------------------- */

/* Performs dst[k] := src[k] for all k at once (no dst may repeat). A
 * cycle is broken through r11; memory-to-memory moves use r10. */
static void pmove(Em *e, Loc *dst, Loc *src, size_t n)
{
    bool *done = xcalloc(n + 1, sizeof *done);
    size_t left = 0;
    for (size_t k = 0; k < n; k++) {
        done[k] = dst[k].kind == L_NONE || same(dst[k], src[k]);
        left += !done[k];
    }
    while (left) {
        bool progress = false;
        for (size_t k = 0; k < n; k++) {
            if (done[k]) continue;
            bool blocked = false;
            for (size_t j = 0; j < n && !blocked; j++)
                blocked = j != k && !done[j] && same(src[j], dst[k]);
            if (blocked) continue;
            move(e, dst[k], src[k]);
            done[k] = true;
            left--;
            progress = true;
        }
        if (progress) continue;
        for (size_t k = 0; k < n; k++) {   /* a cycle: free dst[k] via r11 */
            if (done[k]) continue;
            Loc saved = dst[k];
            move(e, reg(R11), saved);
            for (size_t j = 0; j < n; j++)
                if (!done[j] && same(src[j], saved)) src[j] = reg(R11);
            break;
        }
    }
    free(done);
}

static Loc arg_loc(uint32_t k)
{
    if (k < X64_NARG_REGS) return reg(X64_ARG_REGS[k]);
    return (Loc){.kind = L_MEM, .sym = "pnk.abuf", .off = 8 * (int64_t)k};
}

/* The FFI words as griddle_ffi_hook's arguments 3..6 (after the name
 * and the function). */
static Loc hook_arg_loc(uint32_t k)
{
    static const int r[4] = {RDX, RCX, R8, R9};
    return reg(r[k & 3]);
}

static Loc ret_loc(uint32_t k)
{
    if (k == 0) return reg(RAX);
    if (k == 1) return reg(RDX);
    return (Loc){.kind = L_MEM, .sym = "pnk.rbuf", .off = 8 * (int64_t)k};
}

static Loc xbuf_loc(uint32_t k) { return (Loc){.kind = L_MEM, .sym = "pnk.xbuf", .off = 8 * (int64_t)k}; }

/* Moves list[from..from+n) to the locations given by where(k). */
static void list_out(Em *e, uint32_t from, uint32_t n, Loc (*where)(uint32_t))
{
    Loc *d = xmalloc((n + 1) * sizeof *d), *s = xmalloc((n + 1) * sizeof *s);
    for (uint32_t k = 0; k < n; k++) {
        d[k] = where(k);
        s[k] = oloc(e, e->xf->fn->lists.v[from + k]);
    }
    pmove(e, d, s, n);
    free(d);
    free(s);
}

/* The call's results from the return locations to their vregs. */
static void results_in(Em *e, const IrIns *in)
{
    uint32_t n = in->nres, from = in->list + in->nargs;
    Loc *d = xmalloc((n + 1) * sizeof *d), *s = xmalloc((n + 1) * sizeof *s);
    for (uint32_t k = 0; k < n; k++) {
        d[k] = vloc(e, e->xf->fn->lists.v[from + k].v);
        s[k] = ret_loc(k);
    }
    pmove(e, d, s, n);
    free(d);
    free(s);
}

/* ---- instructions --------------------------------------------------- */

static void label(Em *e, uint32_t blk) { sb_printf(e->o, ".Lf%u_b%u", e->xf->fn->index, blk); }

static void jump_to(Em *e, uint32_t blk)
{
    if (blk == e->next) return;
    sb_puts(e->o, "\tjmp ");
    label(e, blk);
    sb_putc(e->o, '\n');
}

static void fn_sym(StrBuf *o, const IrProg *ir, uint32_t idx)
{
    const IrFn *f = ir->fns.v[idx];
    if (f->is_init) sb_puts(o, "pnk.init");
    else sb_printf(o, "pnk.f.%s", f->name);
}

/* Working register for a result going to d, which must not be clobbered
 * before b is read: d's own register if possible, else r11. */
static int work(Em *e, uint32_t d, Opnd b)
{
    Loc dl = vloc(e, d), bl = oloc(e, b);
    if (dl.kind == L_REG && !(bl.kind == L_REG && bl.reg == dl.reg)) return dl.reg;
    return R11;
}

static void finish(Em *e, uint32_t d, int w)
{
    move(e, vloc(e, d), reg(w));
}

static void alu(Em *e, const IrIns *in)
{
    static const char *const NAME[] = {[IR_ADD] = "addq", [IR_SUB] = "subq", [IR_AND] = "andq",
                                       [IR_OR] = "orq", [IR_XOR] = "xorq", [IR_MUL] = "imulq"};
    Opnd a = in->a, b = in->b;
    bool comm = in->op != IR_SUB;
    Loc dl = vloc(e, in->dst);
    if (comm && dl.kind == L_REG && oloc(e, b).kind == L_REG && oloc(e, b).reg == dl.reg) {
        Opnd t = a;  /* d = a op d: compute d op a instead */
        a = b;
        b = t;
    }
    /* three-address add: lea (a,b), d / lea imm(a), d */
    Loc al = oloc(e, a), bl = oloc(e, b);
    bool imm_b = bl.kind == L_IMM && fits32(in->op == IR_SUB ? 0 - bl.imm : bl.imm);
    if ((in->op == IR_ADD || (in->op == IR_SUB && imm_b)) && dl.kind == L_REG && al.kind == L_REG &&
        al.reg != dl.reg && (imm_b || (bl.kind == L_REG && in->op == IR_ADD))) {
        if (imm_b)
            sb_printf(e->o, "\tleaq %lld(%%%s), %%%s\n",
                      (long long)(in->op == IR_SUB ? 0 - bl.imm : bl.imm), R64[al.reg], R64[dl.reg]);
        else
            sb_printf(e->o, "\tleaq (%%%s,%%%s), %%%s\n", R64[al.reg], R64[bl.reg], R64[dl.reg]);
        return;
    }
    int w = work(e, in->dst, b);
    char src[64];
    if (in->op == IR_AND && b.kind == OPND_IMM && (b.imm == 0xff || b.imm == 0xffff || b.imm == 0xffffffff) &&
        dl.kind == L_REG && !(al.kind == L_REG && al.reg == dl.reg)) {
        /* zero extension of the low 1, 2 or 4 bytes: one instruction */
        const char *const *name = b.imm == 0xff ? R8N : b.imm == 0xffff ? R16 : R32;
        const char *op = b.imm == 0xff ? "movzbl" : b.imm == 0xffff ? "movzwl" : "movl";
        int ar = in_reg(e, a, R11);
        sb_printf(e->o, "\t%s %%%s, %%%s\n", op, name[ar], R32[dl.reg]);
        return;
    }
    if (in->op == IR_MUL && b.kind == OPND_IMM && fits32(b.imm)) {
        int ar = in_reg(e, a, w);
        sb_printf(e->o, "\timulq $%lld, %%%s, %%%s\n", (long long)b.imm, R64[ar], R64[w]);
        finish(e, in->dst, w);
        return;
    }
    move(e, reg(w), oloc(e, a));
    src_text(e, b, R10, src, sizeof src);
    sb_printf(e->o, "\t%s %s, %%%s\n", NAME[in->op], src, R64[w]);
    finish(e, in->dst, w);
    if (in->op != IR_MUL && dl.kind == L_REG && dl.reg == w) e->flags = w;
}

static void shift(Em *e, const IrIns *in)
{
    static const char *const NAME[] = {[IR_SHL] = "shlq", [IR_LSR] = "shrq", [IR_ASR] = "sarq",
                                       [IR_ROR] = "rorq"};
    /* rcx is never allocated, so the count can go there first */
    if (in->b.kind == OPND_IMM) {
        int w = work(e, in->dst, in->b);
        move(e, reg(w), oloc(e, in->a));
        sb_printf(e->o, "\t%s $%u, %%%s\n", NAME[in->op], (unsigned)(in->b.imm & 63), R64[w]);
        finish(e, in->dst, w);
        return;
    }
    move(e, reg(RCX), oloc(e, in->b));
    int w = work(e, in->dst, ir_imm(0));
    move(e, reg(w), oloc(e, in->a));
    sb_printf(e->o, "\t%s %%cl, %%%s\n", NAME[in->op], R64[w]);
    finish(e, in->dst, w);
}

/* cmp b, a (flags of a - b). */
static void compare(Em *e, Opnd a, Opnd b)
{
    int ar = in_reg(e, a, R11);
    char src[64];
    src_text(e, b, R10, src, sizeof src);
    sb_printf(e->o, "\tcmpq %s, %%%s\n", src, R64[ar]);
}

static void setcc(Em *e, const IrIns *in)
{
    compare(e, in->a, in->b);
    Loc dl = vloc(e, in->dst);
    int w = dl.kind == L_REG ? dl.reg : R11;
    sb_printf(e->o, "\tset%s %%%s\n\tmovzbl %%%s, %%%s\n", CCS[in->cc], R8N[w], R8N[w], R32[w]);
    finish(e, in->dst, w);
}

/* The memory operand disp(%base[,%idx,scale]); base through r10 and
 * index through r11 when they are not in registers. */
static void mem_text(Em *e, const IrIns *in, char *buf, size_t n)
{
    int base = in_reg(e, in->a, R10);
    if (in->x.kind == OPND_VREG) {
        int idx = in_reg(e, in->x, R11);
        snprintf(buf, n, "%lld(%%%s,%%%s,%u)", (long long)in->disp, R64[base], R64[idx], in->scale);
    } else {
        snprintf(buf, n, "%lld(%%%s)", (long long)in->disp, R64[base]);
    }
}

static void load(Em *e, const IrIns *in)
{
    char m[96];
    mem_text(e, in, m, sizeof m);
    Loc dl = vloc(e, in->dst);
    int w = dl.kind == L_REG ? dl.reg : R11;
    switch (in->width) {
    case 1: sb_printf(e->o, "\tmovzbl %s, %%%s\n", m, R32[w]); break;
    case 2: sb_printf(e->o, "\tmovzwl %s, %%%s\n", m, R32[w]); break;
    case 4: sb_printf(e->o, "\tmovl %s, %%%s\n", m, R32[w]); break;
    default: sb_printf(e->o, "\tmovq %s, %%%s\n", m, R64[w]); break;
    }
    finish(e, in->dst, w);
}

/* The value goes through rcx when not in a register (r10/r11 may hold
 * the address). */
static void store(Em *e, const IrIns *in)
{
    char m[96];
    mem_text(e, in, m, sizeof m);
    int v = in_reg(e, in->b, RCX);
    switch (in->width) {
    case 1: sb_printf(e->o, "\tmovb %%%s, %s\n", R8N[v], m); break;
    case 2: sb_printf(e->o, "\tmovw %%%s, %s\n", R16[v], m); break;
    case 4: sb_printf(e->o, "\tmovl %%%s, %s\n", R32[v], m); break;
    default: sb_printf(e->o, "\tmovq %%%s, %s\n", R64[v], m); break;
    }
}

static void epilogue(Em *e)
{
    if (e->xf->frame) sb_printf(e->o, "\taddq $%u, %%rsp\n", e->xf->frame);
    for (int r = 16; r-- > 0;)
        if ((e->xf->saved >> r) & 1) sb_printf(e->o, "\tpopq %%%s\n", R64[r]);
}

static void call_to(Em *e, const IrIns *in, const char *how)
{
    sb_printf(e->o, "\t%s ", how);
    fn_sym(e->o, e->ir, in->callee);
    sb_putc(e->o, '\n');
}

/* try-call: link a handler record into the chain around the call. */
static void trycall(Em *e, const IrIns *in)
{
    uint32_t rec = 8 * e->xf->nslots + 24 * e->try_no++;
    list_out(e, in->list, in->nargs, arg_loc);
    sb_printf(e->o, "\tmovq pnk.handler(%%rip), %%r11\n\tmovq %%r11, %u(%%rsp)\n", rec);
    sb_printf(e->o, "\tmovq %%rsp, %u(%%rsp)\n\tleaq ", rec + 8);
    label(e, in->f);
    sb_printf(e->o, "(%%rip), %%r11\n\tmovq %%r11, %u(%%rsp)\n", rec + 16);
    sb_printf(e->o, "\tleaq %u(%%rsp), %%r11\n\tmovq %%r11, pnk.handler(%%rip)\n", rec);
    call_to(e, in, "call");
    sb_printf(e->o, "\tmovq %u(%%rsp), %%r11\n\tmovq %%r11, pnk.handler(%%rip)\n", rec);
    results_in(e, in);
    jump_to(e, in->t);
}

static void control(Em *e, const IrIns *in)
{
    switch ((int)in->op) {
    case IR_JMP: jump_to(e, in->t); return;
    case IR_BR: case IR_BRCC: case IR_BRTEST:
        if (in->op == IR_BR) {
            int r = in_reg(e, in->a, R11);
            sb_printf(e->o, "\ttestq %%%s, %%%s\n", R64[r], R64[r]);
        } else if (in->op == IR_BRTEST) {
            int r = in_reg(e, in->a, R11);
            char src[64];
            src_text(e, in->b, R10, src, sizeof src);
            sb_printf(e->o, "\ttestq %s, %%%s\n", src, R64[r]);
        } else if (!(in->b.kind == OPND_IMM && in->b.imm == 0 && (in->cc == CC_EQ || in->cc == CC_NE) &&
                     e->flags_before >= 0 && oloc(e, in->a).kind == L_REG &&
                     oloc(e, in->a).reg == e->flags_before)) {
            compare(e, in->a, in->b);   /* else ZF is already that of a */
        }
        if (in->t == e->next) {  /* fall into t: branch on the negation */
            sb_printf(e->o, "\tj%s ", CCS[in->op == IR_BR ? CC_EQ : NEG[in->cc]]);
            label(e, in->f);
        } else {
            sb_printf(e->o, "\tj%s ", CCS[in->op == IR_BR ? CC_NE : in->cc]);
            label(e, in->t);
            sb_putc(e->o, '\n');
            jump_to(e, in->f);
            return;
        }
        sb_putc(e->o, '\n');
        return;
    case IR_RET:
        list_out(e, in->list, in->nargs, ret_loc);
        epilogue(e);
        sb_puts(e->o, "\tret\n");
        return;
    case IR_TAILCALL:
        list_out(e, in->list, in->nargs, arg_loc);
        epilogue(e);
        call_to(e, in, "jmp");
        return;
    case IR_TRYCALL: trycall(e, in); return;
    case IR_THROW:
        list_out(e, in->list, in->nargs, xbuf_loc);
        sb_printf(e->o, "\tmovq $%u, pnk.xid(%%rip)\n\tjmp pnk.throw\n", in->callee);
        return;
    case IR_TRAP: sb_puts(e->o, "\tud2\n"); return;
    }
}

static void ins(Em *e, const IrIns *in)
{
    e->flags_before = e->flags;
    e->flags = -1;
    switch ((int)in->op) {
    case IR_MOV: move(e, vloc(e, in->dst), oloc(e, in->a)); return;
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_AND: case IR_OR: case IR_XOR: alu(e, in); return;
    case IR_SHL: case IR_LSR: case IR_ASR: case IR_ROR: shift(e, in); return;
    case IR_SETCC: setcc(e, in); return;
    case IR_LOAD: case IR_SHLOAD: load(e, in); return;
    case IR_STORE: case IR_SHSTORE: store(e, in); return;
    case IR_BASE: case IR_TOP:
        move(e, vloc(e, in->dst), (Loc){.kind = L_MEM, .sym = in->op == IR_BASE ? "pnk.base" : "pnk.top"});
        return;
    case IR_GETX: move(e, vloc(e, in->dst), xbuf_loc((uint32_t)in->disp)); return;
    case IR_XMATCH:
        sb_printf(e->o, "\tcmpq $%u, pnk.xid(%%rip)\n\tjne pnk.throw\n", in->callee);
        return;
    case IR_FFI:
        if (e->ffi_hook) {   /* griddle_ffi_hook("NAME", ffiNAME, c, clen, a, alen) */
            list_out(e, in->list, 4, hook_arg_loc);
            uint32_t k = e->nffi++;
            sb_printf(e->o, "\t.pushsection .rodata.str1.1,\"aMS\",@progbits,1\n"
                            ".Lpnk.ffiname.%u.%u:\n\t.asciz \"%s\"\n\t.popsection\n",
                      e->xf->fn->index, k, in->name);
            sb_printf(e->o, "\tleaq .Lpnk.ffiname.%u.%u(%%rip), %%rdi\n", e->xf->fn->index, k);
            sb_printf(e->o, "\tmovq ffi%s@GOTPCREL(%%rip), %%rsi\n\tcall griddle_ffi_hook@PLT\n",
                      in->name);
            return;
        }
        list_out(e, in->list, 4, arg_loc);
        sb_printf(e->o, "\tcall ffi%s@PLT\n", in->name);
        return;
    case IR_CALL:
        list_out(e, in->list, in->nargs, arg_loc);
        call_to(e, in, "call");
        results_in(e, in);
        return;
    default: control(e, in); return;
    }
}

void x64_emit_fn(const X64Fn *xf, const IrProg *ir, StrBuf *out, bool ffi_hook)
{
    Em e = {xf, ir, out, 0, 0, 0, -1, -1, ffi_hook, 0};
    const IrFn *fn = xf->fn;
    sb_puts(out, "\t.p2align 4\n");
    fn_sym(out, ir, fn->index);
    sb_puts(out, ":\n");
    for (int r = 0; r < 16; r++)
        if ((xf->saved >> r) & 1) sb_printf(out, "\tpushq %%%s\n", R64[r]);
    if (xf->frame) sb_printf(out, "\tsubq $%u, %%rsp\n", xf->frame);
    /* parameters from the argument locations to their own */
    Loc *d = xmalloc((fn->nparams + 1) * sizeof *d), *s = xmalloc((fn->nparams + 1) * sizeof *s);
    for (uint32_t k = 0; k < fn->nparams; k++) {
        d[k] = vloc(&e, k + 1);
        s[k] = arg_loc(k);
    }
    pmove(&e, d, s, fn->nparams);
    free(d);
    free(s);
    for (uint32_t b = 0; b < fn->blocks.n; b++) {
        if (!xf->reachable[b]) continue;
        e.cur = b;
        e.next = UINT32_MAX;
        for (uint32_t n = b + 1; n < fn->blocks.n; n++)
            if (xf->reachable[n]) {
                e.next = n;
                break;
            }
        label(&e, b);
        sb_puts(out, ":\n");
        e.flags = -1;
        const IrBlock *blk = &fn->blocks.v[b];
        for (size_t i = 0; i < blk->ins.n; i++) ins(&e, &blk->ins.v[i]);
    }
}

const char *x64_loc_name(void *ctx, uint32_t v)
{
    static char buf[32];   /* dumps only */
    const X64Fn *xf = ctx;
    VLoc l = xf->loc[v];
    if (l.reg >= 0) snprintf(buf, sizeof buf, "%%%s", R64[l.reg]);
    else if (l.reg == -1) snprintf(buf, sizeof buf, "[sp+%d]", 8 * l.slot);
    else snprintf(buf, sizeof buf, "-");
    return buf;
}
