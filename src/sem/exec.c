/*
 * The dispatch loop: statements, calls, returns and exceptions
 * (pancake-language.md §3.4, §3.7).
 *
 * Pancake calls never recurse on the host stack. Frames live on
 * Sem.frames (function, frame pointer, call-site instruction) and their
 * words on Sem.vstack; a call evaluates its arguments into the words just
 * above the caller's frame, which become the callee's frame. Returning
 * copies the result (in retbuf) into the destination the call-site
 * instruction names. A tail call evaluates its arguments the same way,
 * then slides them down over its own frame and keeps its frame record, so
 * `return f(..)` runs in constant space and an exception it throws still
 * meets the handler of the original call.
 *
 * A thrown exception looks down the frame records for the nearest call
 * site that is a `try` for it; the frames above are dropped (their locals
 * are gone, as in the reference), the payload goes to the catch variable
 * and the handler runs in the catching frame. With no handler the run
 * stops with the stack of the throw intact for the report.
 *
 * Clock (fuel): one tick per loop iteration entered, per call (including
 * tail calls) and per `tick`, checked before the tick as the reference's
 * `dec_clock` is.
 */
#include "sem_int.h"

#include <stdlib.h>

#include <string.h>

NORETURN static void timeout(Sem *s, const Span *sp)
{
    sem_stop(s, SEM_TIMEOUT, sp, "out of fuel");
}

static inline void tick(Sem *s, const Span *sp)
{
    if (s->fuel == 0) timeout(s, sp);
    s->fuel--;
}

NORETURN static void stack_full(Sem *s, const Span *sp, const Fn *callee)
{
    sem_fail(s, sp, "no room for the frame of %s: the interpreter's value stack (%zu MiB) is full",
             callee->name, s->vstack_bytes >> 20);
}

/* A leaf operand (local or constant) of a condition, without a call. */
static inline bool leaf(const ENode *e, Word *fp, Word *v)
{
    if (e->op == EN_LOCAL) return *v = fp[e->off], true;
    if (e->op == EN_CONST) return *v = e->k, true;
    return false;
}

/* An if/while test. Comparisons of two leaves (i < n, x != 0), the
 * commonest loop tests, are done here without calling eval_word. */
static inline Word cond(Sem *s, Word *fp, const ENode *e)
{
    Word x, y;
    if (e->op >= EN_EQ && e->op <= EN_GEU && leaf(e->a, fp, &x) && leaf(e->b, fp, &y)) {
        switch (e->op) { /* the comparisons only */
        case EN_EQ: return x == y;
        case EN_NE: return x != y;
        case EN_LT: return (int64_t)x < (int64_t)y;
        case EN_GT: return (int64_t)x > (int64_t)y;
        case EN_LE: return (int64_t)x <= (int64_t)y;
        case EN_GE: return (int64_t)x >= (int64_t)y;
        case EN_LTU: return x < y;
        case EN_GTU: return x > y;
        case EN_LEU: return x <= y;
        case EN_GEU: return x >= y;
        default: break;
        }
    }
    return ev(s, fp, e);
}

/* The value assigned by x = e. Arithmetic on two leaves (i + 1, s + x),
 * the commonest assignment, is done here without calling eval_word. */
static inline Word value(Sem *s, Word *fp, const ENode *e)
{
    Word x, y;
    if (e->op >= EN_ADD2 && e->op <= EN_XOR2 && leaf(e->a, fp, &x) && leaf(e->b, fp, &y)) {
        switch (e->op) { /* binary arithmetic only */
        case EN_ADD2: return x + y;
        case EN_SUB: return x - y;
        case EN_MUL: return x * y;
        case EN_AND2: return x & y;
        case EN_OR2: return x | y;
        case EN_XOR2: return x ^ y;
        default: break;
        }
    }
    return ev(s, fp, e);
}

/* Evaluates a call's arguments into the callee frame at nfp. */
static inline void eval_args(Sem *s, Word *fp, const CallSite *cs, Word *nfp)
{
    const Fn *callee = cs->callee;
    if (callee->words_only) {
        for (uint32_t i = 0; i < cs->nargs; i++) nfp[i] = value(s, fp, cs->args[i]);
    } else {
        for (uint32_t i = 0; i < cs->nargs; i++)
            eval_into(s, fp, cs->args[i], nfp + callee->param_off[i]);
    }
}

static const Word *var_ptr(Sem *s, Word *fp, const ENode *e)
{
    return (e->op == EN_GLOBAL ? s->globals : fp) + e->off;
}

static void addcarry(Sem *s, Word *fp, const Ins *pc)
{
    const CallSite *cs = pc->p;
    Word a = eval_word(s, fp, cs->args[0]);
    Word b = eval_word(s, fp, cs->args[1]);
    Word cin = eval_word(s, fp, cs->args[2]) != 0;
    Word s1 = a + b, s2 = s1 + cin;
    fp[cs->dest_off] = s2;
    fp[cs->dest_off + 1] = (s1 < a) | (s2 < s1);
}

/* Index of the frame whose call site catches exception id, or floor. */
static uint32_t find_handler(const Sem *s, uint32_t id, uint32_t floor)
{
    for (uint32_t i = s->depth - 1; i > floor; i--) {
        const CallSite *cs = s->frames[i].site->p;
        if (cs->kind == CS_TRY && cs->exn == id) return i;
    }
    return floor;
}

NORETURN static void uncaught(Sem *s, const Ins *pc)
{
    const ExnInfo *x = &s->exns[pc->a];
    s->out.exn = x->name;
    memcpy(s->payload, s->excbuf, (size_t)x->words * 8);
    s->out.payload = s->payload;
    s->out.npayload = x->words;
    sem_stop(s, SEM_EXCEPTION, &pc->span, "uncaught exception %s", x->name);
}

void exec_run(Sem *s, uint32_t floor)
{
    Frame *fr = &s->frames[s->depth - 1];
    Fn *fn = fr->fn;
    Word *fp = fr->fp;
    const Ins *code = fn->code, *pc = code;
    Word a, v;
    for (;;) {
        s->nstmts++;
    again:
        switch ((Op)pc->op) {
        case OP_SET1_L: fp[pc->a] = value(s, fp, pc->e1); pc++; break;
        case OP_SET1_G: s->globals[pc->a] = value(s, fp, pc->e1); pc++; break;
        case OP_SETN_L: eval_into(s, fp, pc->e1, fp + pc->a); pc++; break;
        case OP_SETN_G: eval_into(s, fp, pc->e1, s->globals + pc->a); pc++; break;
        case OP_COPY_L:
            memmove(fp + pc->a, var_ptr(s, fp, pc->e1), (size_t)pc->b * 8);
            pc++;
            break;
        case OP_COPY_G:
            memmove(s->globals + pc->a, var_ptr(s, fp, pc->e1), (size_t)pc->b * 8);
            pc++;
            break;
        case OP_SETT_L:
            eval_into(s, fp, pc->e1, fp + pc->c);
            memcpy(fp + pc->a, fp + pc->c, (size_t)pc->b * 8);
            pc++;
            break;
        case OP_SETT_G:
            eval_into(s, fp, pc->e1, fp + pc->c);
            memcpy(s->globals + pc->a, fp + pc->c, (size_t)pc->b * 8);
            pc++;
            break;
        case OP_STORE1:
            a = ev(s, fp, pc->e1);
            v = ev(s, fp, pc->e2);
            if (!(a & 7) && a - s->base < s->size) memcpy((void *)(uintptr_t)a, &v, 8);
            else mem_store_words(s, a, &v, 1, &pc->span); /* reports the Error */
            pc++;
            break;
        case OP_STOREN: {
            a = ev(s, fp, pc->e1);
            const Word *src;
            if (pc->c == UINT32_MAX) {
                src = var_ptr(s, fp, pc->e2);
            } else {
                eval_into(s, fp, pc->e2, fp + pc->c);
                src = fp + pc->c;
            }
            mem_store_words(s, a, src, pc->b, &pc->span);
            pc++;
            break;
        }
        case OP_STORE8: case OP_STORE16: case OP_STORE32:
            a = ev(s, fp, pc->e1);
            v = ev(s, fp, pc->e2);
            mem_store_sub(s, a, v, pc->op == OP_STORE8 ? 1 : pc->op == OP_STORE16 ? 2 : 4,
                          &pc->span);
            pc++;
            break;
        case OP_SHLOAD:
            a = ev(s, fp, pc->e1);
            v = shmem_load(s, a, pc->width, &pc->span);
            (pc->c ? s->globals : fp)[pc->a] = v;
            pc++;
            break;
        case OP_SHSTORE:
            a = ev(s, fp, pc->e1);
            v = ev(s, fp, pc->e2);
            shmem_store(s, a, pc->width, v, &pc->span);
            pc++;
            break;
        case OP_JMP:
            pc = code + pc->a;
            goto again; /* a jump is not a statement */
        case OP_JZ:
            pc = cond(s, fp, pc->e1) ? pc + 1 : code + pc->a;
            break;
        case OP_WHILE:
            if (!cond(s, fp, pc->e1)) {
                pc = code + pc->a;
                break;
            }
            tick(s, &pc->span);
            pc++;
            break;
        case OP_TICK: tick(s, &pc->span); pc++; break;
        case OP_FFI: {
            const FfiSite *fs = pc->p;
            Word w[4];
            for (int i = 0; i < 4; i++) w[i] = ev(s, fp, fs->args[i]);
            ffi_call(s, fs, w, &pc->span);
            pc++;
            break;
        }
        case OP_CALL: {
            const CallSite *cs = pc->p;
            Fn *callee = cs->callee;
            Word *nfp = fp + fn->frame_words;
            if ((size_t)(s->vstack_end - nfp) < callee->frame_words) stack_full(s, &pc->span, callee);
            eval_args(s, fp, cs, nfp);
            tick(s, &pc->span);
            if (s->depth >= s->max_depth)
                sem_fail(s, &pc->span, "call depth limit of %u frames exceeded (--max-depth)",
                         s->max_depth);
            s->frames[s->depth++] = (Frame){callee, nfp, pc};
            fn = callee;
            fp = nfp;
            code = pc = fn->code;
            break;
        }
        case OP_TAILCALL: {
            const CallSite *cs = pc->p;
            Fn *callee = cs->callee;
            Word *nfp = fp + fn->frame_words;
            if ((size_t)(s->vstack_end - nfp) < callee->param_words ||
                (size_t)(s->vstack_end - fp) < callee->frame_words)
                stack_full(s, &pc->span, callee);
            eval_args(s, fp, cs, nfp);
            tick(s, &pc->span);
            memmove(fp, nfp, (size_t)callee->param_words * 8);
            s->frames[s->depth - 1].fn = callee;
            fn = callee;
            code = pc = fn->code;
            break;
        }
        case OP_ADDCARRY: addcarry(s, fp, pc); pc++; break;
        case OP_RET1: s->retbuf[0] = value(s, fp, pc->e1); goto ret;
        case OP_RETN: eval_into(s, fp, pc->e1, s->retbuf); goto ret;
        ret: {
            const Ins *site = s->frames[--s->depth].site;
            if (s->depth == floor) return;
            Frame *cf = &s->frames[s->depth - 1];
            fn = cf->fn;
            fp = cf->fp;
            code = fn->code;
            const CallSite *cs = site->p;
            if (cs->has_dest) {
                Word *d = (cs->dest_global ? s->globals : fp) + cs->dest_off;
                if (cs->dest_words == 1) *d = s->retbuf[0];
                else memcpy(d, s->retbuf, (size_t)cs->dest_words * 8);
            }
            pc = site + 1;
            break;
        }
        case OP_THROW: {
            eval_into(s, fp, pc->e1, s->excbuf);
            uint32_t i = find_handler(s, pc->a, floor);
            if (i == floor) uncaught(s, pc);
            const CallSite *cs = s->frames[i].site->p;
            s->depth = i;
            Frame *cf = &s->frames[i - 1];
            fn = cf->fn;
            fp = cf->fp;
            code = fn->code;
            memcpy(fp + cs->catch_off, s->excbuf, (size_t)cs->catch_words * 8);
            pc = code + cs->handler;
            break;
        }
        case OP_FAIL: sem_fail(s, &pc->span, "%s", (const char *)pc->p);
        case OP_HALT: s->depth--; return;
        }
    }
}
