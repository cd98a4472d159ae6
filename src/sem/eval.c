/*
 * Expression evaluation (pancake-language.md §3.3) over compiled ENodes,
 * and checked access to local memory (§3.6).
 *
 * Expressions are pure and evaluate every operand (no short circuit), so a
 * failing load inside `p != 0 && lds 1 p == 5` is an Error as in the
 * reference. Shapes were checked statically; what can still fail at run
 * time is checked here: memory domain and alignment, shift amounts, and
 * comparisons of structs. Failures leave through sem_fail
 * (tag-sem-boundary), so the fast paths carry no error returns.
 *
 * Memory domain: memaddrs is every aligned address in [base, top). A
 * sub-word access needs the word containing it in the domain, which (base
 * and top being aligned) is the same as the byte address being in
 * [base, top).
 */
#include "sem_int.h"

#include <stdlib.h>

#include <string.h>

static inline Word rd(Word addr)
{
    Word w;
    memcpy(&w, (const void *)(uintptr_t)addr, sizeof w);
    return w;
}

NORETURN static void bad_addr(Sem *s, const Span *sp, const char *what, Word a, uint32_t words)
{
    if (words > 1)
        sem_fail(s, sp, "%s: %u words at 0x%llx are outside memory [@base 0x%llx, @top 0x%llx)",
                 what, words, (unsigned long long)a, (unsigned long long)s->base,
                 (unsigned long long)s->top);
    sem_fail(s, sp, "%s: address 0x%llx is outside memory [@base 0x%llx, @top 0x%llx)", what,
             (unsigned long long)a, (unsigned long long)s->base, (unsigned long long)s->top);
}

NORETURN static void unaligned(Sem *s, const Span *sp, const char *what, Word a, unsigned align)
{
    sem_fail(s, sp, "%s: address 0x%llx is not %u-byte aligned", what, (unsigned long long)a,
             align);
}

/* Checks that n words at a are in memaddrs. */
static inline void check_words(Sem *s, Word a, uint32_t n, const Span *sp, const char *what)
{
    if (a & 7) unaligned(s, sp, what, a, 8);
    Word bytes = (Word)n * 8;
    if (a - s->base >= s->size || s->size - (a - s->base) < bytes) bad_addr(s, sp, what, a, n);
}

static inline void check_sub(Sem *s, Word a, unsigned width, const Span *sp, const char *what)
{
    if (width > 1 && (a & (width - 1))) unaligned(s, sp, what, a, width);
    if (a - s->base >= s->size) bad_addr(s, sp, what, a, 0);
}

bool mem_range_ok(const Sem *s, Word addr, Word len)
{
    if (len == 0) return true;
    return addr - s->base < s->size && s->size - (addr - s->base) >= len;
}

void mem_store_words(Sem *s, Word addr, const Word *v, uint32_t n, const Span *sp)
{
    check_words(s, addr, n, sp, "st");
    memcpy((void *)(uintptr_t)addr, v, (size_t)n * 8);
}

void mem_store_sub(Sem *s, Word addr, Word v, unsigned width, const Span *sp)
{
    static const char *const names[] = {"", "st8", "st16", "", "st32"};
    check_sub(s, addr, width, sp, names[width]);
    uint8_t *p = (uint8_t *)(uintptr_t)addr;
    for (unsigned i = 0; i < width; i++) p[i] = (uint8_t)(v >> (8 * i));
}

NORETURN static void shift_fail(Sem *s, const ENode *e, Word n)
{
    sem_fail(s, &e->span, "shift amount %llu is not less than the word size (64)",
             (unsigned long long)n);
}

NORETURN static void cmp_struct(Sem *s, Word *fp, const ENode *e)
{
    eval_into(s, fp, e->a, fp + e->tmp);
    eval_into(s, fp, e->b, fp + e->tmp + e->a->words);
    sem_fail(s, &e->span, "comparison of structs (only words can be compared)");
}

/* The value of a one-word node. */
Word eval_word(Sem *s, Word *fp, const ENode *e)
{
    Word x, n;
    switch ((EnOp)e->op) {
    case EN_CONST: return e->k;
    case EN_LOCAL: return fp[e->off];
    case EN_GLOBAL: return s->globals[e->off];
    case EN_ADD2: return ev(s, fp, e->a) + ev(s, fp, e->b);
    case EN_SUB: x = ev(s, fp, e->a); return x - ev(s, fp, e->b);
    case EN_MUL: x = ev(s, fp, e->a); return x * ev(s, fp, e->b);
    case EN_AND2: return ev(s, fp, e->a) & ev(s, fp, e->b);
    case EN_OR2: return ev(s, fp, e->a) | ev(s, fp, e->b);
    case EN_XOR2: return ev(s, fp, e->a) ^ ev(s, fp, e->b);
    case EN_ADDN:
        x = 0;
        for (uint32_t i = 0; i < e->n; i++) x += ev(s, fp, e->kids[i]);
        return x;
    case EN_ANDN:
        x = ~(Word)0;
        for (uint32_t i = 0; i < e->n; i++) x &= ev(s, fp, e->kids[i]);
        return x;
    case EN_ORN:
        x = 0;
        for (uint32_t i = 0; i < e->n; i++) x |= ev(s, fp, e->kids[i]);
        return x;
    case EN_XORN:
        x = 0;
        for (uint32_t i = 0; i < e->n; i++) x ^= ev(s, fp, e->kids[i]);
        return x;
    case EN_LAND: /* And[a != 0, b != 0, ...] */
        x = 1;
        for (uint32_t i = 0; i < e->n; i++) x &= ev(s, fp, e->kids[i]) != 0;
        return x;
    case EN_LOR: /* Or[a, b, ...] != 0 */
        x = 0;
        for (uint32_t i = 0; i < e->n; i++) x |= ev(s, fp, e->kids[i]);
        return x != 0;
    case EN_NOT: return ev(s, fp, e->a) == 0;
    case EN_EQ: x = ev(s, fp, e->a); return x == ev(s, fp, e->b);
    case EN_NE: x = ev(s, fp, e->a); return x != ev(s, fp, e->b);
    case EN_LT: x = ev(s, fp, e->a); return (int64_t)x < (int64_t)ev(s, fp, e->b);
    case EN_GT: x = ev(s, fp, e->a); return (int64_t)x > (int64_t)ev(s, fp, e->b);
    case EN_LE: x = ev(s, fp, e->a); return (int64_t)x <= (int64_t)ev(s, fp, e->b);
    case EN_GE: x = ev(s, fp, e->a); return (int64_t)x >= (int64_t)ev(s, fp, e->b);
    case EN_LTU: x = ev(s, fp, e->a); return x < ev(s, fp, e->b);
    case EN_GTU: x = ev(s, fp, e->a); return x > ev(s, fp, e->b);
    case EN_LEU: x = ev(s, fp, e->a); return x <= ev(s, fp, e->b);
    case EN_GEU: x = ev(s, fp, e->a); return x >= ev(s, fp, e->b);
    case EN_CMPSTRUCT: cmp_struct(s, fp, e);
    case EN_LSL:
        x = ev(s, fp, e->a);
        if ((n = ev(s, fp, e->b)) >= 64) shift_fail(s, e, n);
        return x << n;
    case EN_LSR:
        x = ev(s, fp, e->a);
        if ((n = ev(s, fp, e->b)) >= 64) shift_fail(s, e, n);
        return x >> n;
    case EN_ASR:
        x = ev(s, fp, e->a);
        if ((n = ev(s, fp, e->b)) >= 64) shift_fail(s, e, n);
        /* sign fill without relying on >> of a negative int64_t */
        return n ? (x >> n) | ((Word)0 - (x >> 63)) << (64 - n) : x;
    case EN_ROR:
        x = ev(s, fp, e->a);
        if ((n = ev(s, fp, e->b)) >= 64) shift_fail(s, e, n);
        return n ? (x >> n) | (x << (64 - n)) : x;
    case EN_LOAD:
        x = ev(s, fp, e->a);
        check_words(s, x, 1, &e->span, "lds");
        return rd(x);
    case EN_LOAD8:
        x = ev(s, fp, e->a);
        check_sub(s, x, 1, &e->span, "ld8");
        return *(const uint8_t *)(uintptr_t)x;
    case EN_LOAD32: {
        x = ev(s, fp, e->a);
        check_sub(s, x, 4, &e->span, "ld32");
        const uint8_t *p = (const uint8_t *)(uintptr_t)x;
        return (Word)p[0] | (Word)p[1] << 8 | (Word)p[2] << 16 | (Word)p[3] << 24;
    }
    case EN_STRUCT: /* a one-word struct <e> */
        return ev(s, fp, e->kids[0]);
    case EN_FIELD:
        eval_into(s, fp, e->a, fp + e->tmp);
        return fp[e->tmp + e->off];
    }
    die("eval_word: bad node %d", e->op);
}

/* Writes e's value (e->words words) to dst, which never overlaps a
 * variable e reads (the compiler guarantees it, see OP_SETT_*). */
void eval_into(Sem *s, Word *fp, const ENode *e, Word *dst)
{
    if (e->words == 1) {
        *dst = eval_word(s, fp, e);
        return;
    }
    switch ((EnOp)e->op) {
    case EN_LOCAL: memcpy(dst, fp + e->off, (size_t)e->words * 8); return;
    case EN_GLOBAL: memcpy(dst, s->globals + e->off, (size_t)e->words * 8); return;
    case EN_STRUCT:
        for (uint32_t i = 0; i < e->n; i++) {
            eval_into(s, fp, e->kids[i], dst);
            dst += e->kids[i]->words;
        }
        return;
    case EN_FIELD:
        eval_into(s, fp, e->a, fp + e->tmp);
        memcpy(dst, fp + e->tmp + e->off, (size_t)e->words * 8);
        return;
    case EN_LOAD: {
        Word a = eval_word(s, fp, e->a);
        check_words(s, a, e->words, &e->span, "lds");
        memcpy(dst, (const void *)(uintptr_t)a, (size_t)e->words * 8);
        return;
    }
    case EN_CONST: case EN_ADD2: case EN_SUB: case EN_MUL: case EN_AND2: case EN_OR2:
    case EN_XOR2: case EN_ADDN: case EN_ANDN: case EN_ORN: case EN_XORN: case EN_LAND:
    case EN_LOR: case EN_NOT: case EN_EQ: case EN_NE: case EN_LT: case EN_GT: case EN_LE:
    case EN_GE: case EN_LTU: case EN_GTU: case EN_LEU: case EN_GEU: case EN_CMPSTRUCT:
    case EN_LSL: case EN_LSR: case EN_ASR: case EN_ROR: case EN_LOAD8: case EN_LOAD32:
        break;
    }
    die("eval_into: node %d is not a struct", e->op);
}
