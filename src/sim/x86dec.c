/*
 * Decoder and executor for the x86-64 instructions a compiler emits for
 * single volatile scalar accesses (reference §4.7), so that a trapped
 * MMIO access can be performed on the device model and the instruction
 * skipped. Encodings from the Intel SDM vol. 2 (MOV, MOVZX, MOVSX/MOVSXD,
 * ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, IMUL, INC/DEC/NOT/NEG, the
 * opcode map of appendix A and the ModRM/SIB tables 2-2 and 2-3). GCC
 * emits only moves for volatile objects; clang also folds a volatile load
 * into the instruction that uses it (`imul $0xd2, (%rax), %eax`), which
 * is still one access of the object's width, so those forms are executed
 * here too, flags included (RFLAGS per the SDM's "Flags Affected").
 *
 * Shared by the emulator (tests) and the PD runtime (signal handler), so
 * it must stay async-signal-safe: no allocation, no libc calls.
 */
#if defined(__linux__) && defined(__x86_64__)
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* REG_RAX and the other register indices */
#endif
#include <ucontext.h>
#endif
#include "x86dec.h"

typedef struct Cursor {
    const uint8_t *p;
    size_t n, i;
} Cursor;

static bool take(Cursor *c, uint8_t *b)
{
    if (c->i >= c->n) return false;
    *b = c->p[c->i++];
    return true;
}

static bool take_le(Cursor *c, unsigned bytes, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned k = 0; k < bytes; k++) {
        uint8_t b;
        if (!take(c, &b)) return false;
        x |= (uint64_t)b << (8 * k);
    }
    *v = x;
    return true;
}

/* Skips ModRM's memory operand (SIB, displacement); fails on a register
 * operand, which cannot have faulted. Returns the reg field. */
static bool modrm_mem(Cursor *c, unsigned *reg)
{
    uint8_t m, sib;
    if (!take(c, &m)) return false;
    unsigned mod = m >> 6, rm = m & 7;
    *reg = (m >> 3) & 7;
    if (mod == 3) return false;
    unsigned disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        if (!take(c, &sib)) return false;
        if (mod == 0 && (sib & 7) == 5) disp = 4;   /* no base: disp32 */
    } else if (mod == 0 && rm == 5) {
        disp = 4;                                   /* RIP-relative */
    }
    uint64_t ignored;
    return take_le(c, disp, &ignored);
}

typedef struct Prefix {
    bool opsize16, addr32;
    unsigned rep;           /* 0, or the last of F2/F3 (SSE's mandatory prefixes) */
    unsigned rex;           /* 0 if none, else 0x40..0x4f */
} Prefix;

static bool prefixes(Cursor *c, Prefix *px, uint8_t *op)
{
    for (;;) {
        if (!take(c, op)) return false;
        switch (*op) {
        case 0x66: px->opsize16 = true; continue;
        case 0x67: px->addr32 = true; continue;
        case 0xf2: case 0xf3: px->rep = *op; continue;
        case 0x2e: case 0x3e: case 0x26: case 0x36: case 0x64: case 0x65: continue;
        default: break;
        }
        if ((*op & 0xf0) == 0x40) {   /* REX must come right before the opcode */
            px->rex = *op;
            if (!take(c, op)) return false;
        }
        return true;
    }
}

static unsigned opwidth(const Prefix *px)
{
    if (px->rex & 8) return 8;
    return px->opsize16 ? 2 : 4;
}

static void set_reg(SimInsn *o, const Prefix *px, unsigned reg, unsigned width)
{
    o->reg = reg | ((px->rex & 4) ? 8 : 0);
    o->high8 = width == 1 && !px->rex && reg >= 4;
    if (o->high8) o->reg = reg - 4;
}

/* mov with a moffs operand (A0..A3): absolute address, 8 bytes (4 with 67). */
static bool moffs(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    uint64_t addr;
    if (!take_le(c, px->addr32 ? 4 : 8, &addr)) return false;
    o->width = (op & 1) ? opwidth(px) : 1;
    o->kind = op < 0xa2 ? SIM_INSN_LOAD : SIM_INSN_STORE_REG;
    o->reg = 0; /* al/ax/eax/rax */
    o->dest_width = o->width;
    return true;
}

/* Reads an immediate of `bytes` bytes, sign-extended to 64 bits. */
static bool take_simm(Cursor *c, unsigned bytes, uint64_t *v)
{
    if (!take_le(c, bytes, v)) return false;
    if (bytes < 8 && (*v >> (8 * bytes - 1)) & 1) *v |= ~0ull << (8 * bytes);
    return true;
}

/* iz: 2 bytes with a 66 prefix, else 4 (sign-extended for 64-bit ops). */
static unsigned iz_bytes(unsigned width) { return width == 2 ? 2 : width == 1 ? 1 : 4; }

static void alu(SimInsn *o, SimAlu op, bool mem_first, bool mem_dest, bool reg_dest)
{
    o->kind = SIM_INSN_ALU;
    o->alu = op;
    o->mem_first = mem_first;
    o->mem_dest = mem_dest;
    o->reg_dest = reg_dest;
    o->dest_width = o->width;
}

/* The eight classic operations, 00..3F with low bits 0..3: r/m8,r8;
 * r/m,r; r8,r/m8; r,r/m (AL/eAX,imm forms have no memory operand). */
static bool classic(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    unsigned reg, form = op & 7;
    if (form > 3 || !modrm_mem(c, &reg)) return false;
    SimAlu a = (SimAlu)(op >> 3);
    o->width = (op & 1) ? opwidth(px) : 1;
    set_reg(o, px, reg, o->width);
    bool mem_first = form < 2;
    alu(o, a, mem_first, mem_first && a != SIM_ALU_CMP, !mem_first && a != SIM_ALU_CMP);
    return true;
}

/* Group 1 (80/81/83 /digit): op [mem], imm. */
static bool group1(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    unsigned ext;
    if (!modrm_mem(c, &ext)) return false;
    o->width = op == 0x80 ? 1 : opwidth(px);
    unsigned ib = op == 0x81 ? iz_bytes(o->width) : 1;
    if (!take_simm(c, ib, &o->imm)) return false;
    o->has_imm = true;
    alu(o, (SimAlu)ext, true, ext != SIM_ALU_CMP, false);
    return true;
}

/* Group 3 (F6/F7): test [mem],imm (/0), not (/2), neg (/3). */
static bool group3(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    unsigned ext;
    if (!modrm_mem(c, &ext)) return false;
    o->width = op == 0xf6 ? 1 : opwidth(px);
    if (ext == 0) {
        if (!take_simm(c, iz_bytes(o->width), &o->imm)) return false;
        o->has_imm = true;
        alu(o, SIM_ALU_TEST, true, false, false);
    } else if (ext == 2 || ext == 3) {
        alu(o, ext == 2 ? SIM_ALU_NOT : SIM_ALU_NEG, true, true, false);
    } else {
        return false;   /* mul, imul, div, idiv: rdx:rax, not compiler output for one access */
    }
    return true;
}

/* Groups 4/5 (FE/FF): inc (/0), dec (/1) of [mem]. */
static bool incdec(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    unsigned ext;
    if (!modrm_mem(c, &ext) || ext > 1) return false;
    o->width = op == 0xfe ? 1 : opwidth(px);
    alu(o, ext ? SIM_ALU_DEC : SIM_ALU_INC, true, true, false);
    return true;
}

/* imul r, [mem], imm8/imm (6B/69). */
static bool imul3(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    unsigned reg;
    if (!modrm_mem(c, &reg)) return false;
    o->width = opwidth(px);
    if (!take_simm(c, op == 0x6b ? 1 : iz_bytes(o->width), &o->imm)) return false;
    o->has_imm = true;
    o->reg = reg | ((px->rex & 4) ? 8 : 0);
    alu(o, SIM_ALU_IMUL, true, false, true);
    return true;
}

/* SSE moves between [mem] and an XMM register (0F op, with the
 * mandatory prefix 66, F2, F3 or none). */
static bool sse(Cursor *c, const Prefix *px, uint8_t op, SimInsn *o)
{
    if (px->rep && px->opsize16) return false;
    unsigned pfx = px->rep ? px->rep : px->opsize16 ? 0x66 : 0, w = (px->rex & 8) ? 8 : 4;
    bool load, keep = false;
    unsigned width, lane = 0;
    switch (pfx << 8 | op) {
    case 0x666e: load = true, width = w; break;          /* movd/movq xmm, r/m */
    case 0x667e: load = false, width = w; break;         /* movd/movq r/m, xmm */
    case 0xf37e: load = true, width = 8; break;          /* movq xmm, m64 */
    case 0x66d6: load = false, width = 8; break;         /* movq m64, xmm */
    case 0xf310: load = true, width = 4; break;          /* movss xmm, m32 */
    case 0xf311: load = false, width = 4; break;
    case 0xf210: load = true, width = 8; break;          /* movsd xmm, m64 */
    case 0xf211: load = false, width = 8; break;
    case 0x0012: case 0x6612: load = keep = true, width = 8; break;   /* movlps/movlpd */
    case 0x0013: case 0x6613: load = false, width = 8; break;
    case 0x0016: case 0x6616: load = keep = true, width = 8, lane = 8; break;   /* movhps/movhpd */
    case 0x0017: case 0x6617: load = false, width = 8, lane = 8; break;
    case 0x66c4: load = keep = true, width = 2; break;   /* pinsrw xmm, m16, imm8 */
    default: return false;
    }
    unsigned reg;
    if (!modrm_mem(c, &reg)) return false;
    if (op == 0xc4) {
        uint64_t imm;
        if (!take_le(c, 1, &imm)) return false;
        lane = 2 * (unsigned)(imm & 7);
    }
    o->kind = load ? SIM_INSN_LOAD : SIM_INSN_STORE_REG;
    o->width = width;
    o->dest_width = width;
    o->reg = reg | ((px->rex & 4) ? 8 : 0);
    o->xmm = true;
    o->xmm_keep = keep;
    o->xmm_lane = lane;
    return true;
}

static bool two_byte(Cursor *c, const Prefix *px, SimInsn *o)
{
    uint8_t op;
    unsigned reg;
    if (!take(c, &op)) return false;
    if (px->rep || op == 0x6e || op == 0x7e || op == 0xd6 || op == 0xc4 || (op >= 0x10 && op <= 0x17))
        return sse(c, px, op, o);
    if (op >= 0x90 && op <= 0x9f) {   /* setcc [mem] */
        if (!modrm_mem(c, &reg)) return false;
        o->kind = SIM_INSN_SETCC;
        o->width = 1;
        o->cond = op & 15;
        return true;
    }
    if (op == 0xaf) {   /* imul r, [mem] */
        if (!modrm_mem(c, &reg)) return false;
        o->width = opwidth(px);
        o->reg = reg | ((px->rex & 4) ? 8 : 0);
        alu(o, SIM_ALU_IMUL, false, false, true);
        return true;
    }
    if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf) return false;
    if (!modrm_mem(c, &reg)) return false;
    o->kind = SIM_INSN_LOAD;
    o->width = (op & 1) ? 2 : 1;
    o->sign_extend = op >= 0xbe;
    o->dest_width = opwidth(px);
    o->reg = reg | ((px->rex & 4) ? 8 : 0);
    return true;
}

SIM_X86_API bool sim_x86_decode(const uint8_t *code, size_t avail, SimInsn *o)
{
    Cursor c = {code, avail < 15 ? avail : 15, 0};
    Prefix px = {0};
    uint8_t op;
    unsigned reg;
    *o = (SimInsn){0};
    if (!prefixes(&c, &px, &op)) return false;
    if (px.rep && op != 0x0f) return false;   /* rep string operations, XACQUIRE/XRELEASE */
    bool ok = true;
    switch (op) {
    case 0x88: case 0x89: case 0x8a: case 0x8b:
        if (!modrm_mem(&c, &reg)) return false;
        o->width = (op & 1) ? opwidth(&px) : 1;
        o->kind = (op & 2) ? SIM_INSN_LOAD : SIM_INSN_STORE_REG;
        o->dest_width = o->width;
        set_reg(o, &px, reg, o->width);
        break;
    case 0xc6: case 0xc7: {
        if (!modrm_mem(&c, &reg) || reg != 0) return false;
        o->width = (op & 1) ? opwidth(&px) : 1;
        unsigned ib = o->width == 8 ? 4 : o->width;   /* imm32 sign-extended for 64 */
        uint64_t imm;
        if (!take_le(&c, ib, &imm)) return false;
        if (o->width == 8 && (imm & 0x80000000u)) imm |= 0xffffffff00000000ull;
        o->kind = SIM_INSN_STORE_IMM;
        o->imm = imm;
        break;
    }
    case 0x63:
        if (!modrm_mem(&c, &reg)) return false;
        o->kind = SIM_INSN_LOAD;
        o->width = (px.rex & 8) ? 4 : opwidth(&px);
        o->dest_width = opwidth(&px);
        o->sign_extend = (px.rex & 8) != 0;
        o->reg = reg | ((px.rex & 4) ? 8 : 0);
        break;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        ok = moffs(&c, &px, op, o);
        break;
    case 0x0f: ok = two_byte(&c, &px, o); break;
    case 0x80: case 0x81: case 0x83: ok = group1(&c, &px, op, o); break;
    case 0x84: case 0x85:   /* test [mem], reg */
        if (!modrm_mem(&c, &reg)) return false;
        o->width = (op & 1) ? opwidth(&px) : 1;
        set_reg(o, &px, reg, o->width);
        alu(o, SIM_ALU_TEST, true, false, false);
        break;
    case 0xf6: case 0xf7: ok = group3(&c, &px, op, o); break;
    case 0xfe: case 0xff: ok = incdec(&c, &px, op, o); break;
    case 0x69: case 0x6b: ok = imul3(&c, &px, op, o); break;
    default:
        ok = op < 0x40 && classic(&c, &px, op, o);
        break;
    }
    if (!ok) return false;
    o->len = (unsigned)c.i;
    return true;
}

SIM_X86_API bool sim_x86_reads(const SimInsn *in)
{
    return in->kind == SIM_INSN_LOAD || in->kind == SIM_INSN_ALU;
}

SIM_X86_API bool sim_x86_writes(const SimInsn *in)
{
    return in->kind == SIM_INSN_STORE_REG || in->kind == SIM_INSN_STORE_IMM ||
           in->kind == SIM_INSN_SETCC || (in->kind == SIM_INSN_ALU && in->mem_dest);
}

static uint64_t extend(uint64_t v, unsigned width, bool sign)
{
    if (width >= 8) return v;
    uint64_t mask = (1ull << (8 * width)) - 1;
    v &= mask;
    if (sign && (v >> (8 * width - 1)) & 1) v |= ~mask;
    return v;
}

SIM_X86_API uint64_t sim_x86_store_value(const SimInsn *in, uint64_t reg)
{
    if (in->kind == SIM_INSN_STORE_IMM) return extend(in->imm, in->width, false);
    if (in->high8) reg >>= 8;
    return extend(reg, in->width, false);
}

SIM_X86_API uint64_t sim_x86_load_result(const SimInsn *in, uint64_t old, uint64_t loaded)
{
    uint64_t v = extend(loaded, in->width, in->sign_extend);
    switch (in->dest_width) {
    case 8: return v;
    case 4: return (uint32_t)v;
    case 2: return (old & ~0xffffull) | (v & 0xffff);
    default:
        if (in->high8) return (old & ~0xff00ull) | ((v & 0xff) << 8);
        return (old & ~0xffull) | (v & 0xff);
    }
}

/* ---- execution ----------------------------------------------------------- */

enum { F_CF = 1u << 0, F_PF = 1u << 2, F_AF = 1u << 4, F_ZF = 1u << 6, F_SF = 1u << 7,
       F_OF = 1u << 11 };

static uint64_t mask_of(unsigned width) { return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1; }

/* The value of a register operand of the instruction's width. */
static uint64_t reg_operand(const SimInsn *in, const SimRegs *rs)
{
    uint64_t v = rs->r[in->reg & 15];
    if (in->high8) v >>= 8;
    return v & mask_of(in->width);
}

/* Signed product of a and b (of `width` bytes) truncated to the width;
 * *overflow when the full product does not fit (imul's CF/OF). */
static uint64_t imul(uint64_t a, uint64_t b, unsigned width, bool *overflow)
{
    unsigned bits = 8 * width;
    int64_t sa = (int64_t)extend(a, width, true), sb = (int64_t)extend(b, width, true);
    /* |sa|, |sb| < 2^63, the product's magnitude < 2^126: compute it in
     * 64-bit halves without signed overflow */
    bool neg = (sa < 0) != (sb < 0);
    uint64_t ua = sa < 0 ? 0 - (uint64_t)sa : (uint64_t)sa, ub = sb < 0 ? 0 - (uint64_t)sb : (uint64_t)sb;
    uint64_t al = ua & 0xffffffffu, ah = ua >> 32, bl = ub & 0xffffffffu, bh = ub >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    if (neg) {   /* two's complement of the 128-bit magnitude */
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    uint64_t r = lo & mask_of(width);
    /* fits iff the 128-bit product equals the sign extension of r */
    uint64_t sr = extend(r, width, true);
    uint64_t sr_hi = (sr >> 63) ? ~0ull : 0;
    *overflow = bits == 64 ? hi != sr_hi : (lo != sr || hi != sr_hi);
    return r;
}

static bool parity_even(uint64_t v)
{
    unsigned b = (unsigned)(v & 0xff), n = 0;
    for (; b; b &= b - 1) n++;
    return !(n & 1);
}

/* Condition cc (the low nibble of Jcc/SETcc, SDM appendix B.1.4.7). */
static bool condition(unsigned cc, uint64_t f)
{
    bool cf = f & F_CF, zf = f & F_ZF, sf = f & F_SF, of = f & F_OF, pf = f & F_PF, r;
    switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    default: r = zf || sf != of; break;
    }
    return (cc & 1) ? !r : r;
}

/* An SSE move: the stored value, or the register updated with `loaded`. */
static uint64_t xmm_move(const SimInsn *in, SimRegs *rs, uint64_t loaded)
{
    uint64_t *x = rs->xmm[in->reg & 15];
    uint8_t b[16];
    for (unsigned i = 0; i < 16; i++) b[i] = (uint8_t)(x[i / 8] >> (8 * (i % 8)));
    unsigned lane = in->xmm_lane <= 16 - in->width ? in->xmm_lane : 0;
    if (in->kind == SIM_INSN_STORE_REG) {
        uint64_t v = 0;
        for (unsigned i = 0; i < in->width; i++) v |= (uint64_t)b[lane + i] << (8 * i);
        return v;
    }
    if (!in->xmm_keep)
        for (unsigned i = 0; i < 16; i++) b[i] = 0;
    for (unsigned i = 0; i < in->width; i++) b[lane + i] = (uint8_t)(loaded >> (8 * i));
    x[0] = x[1] = 0;
    for (unsigned i = 0; i < 16; i++) x[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    return 0;
}

SIM_X86_API uint64_t sim_x86_exec(const SimInsn *in, SimRegs *rs, uint64_t loaded)
{
    if (in->xmm) return xmm_move(in, rs, loaded);
    switch (in->kind) {
    case SIM_INSN_SETCC: return condition(in->cond, rs->rflags);
    case SIM_INSN_LOAD:
        rs->r[in->reg & 15] = sim_x86_load_result(in, rs->r[in->reg & 15], loaded);
        return 0;
    case SIM_INSN_STORE_REG: case SIM_INSN_STORE_IMM:
        return sim_x86_store_value(in, rs->r[in->reg & 15]);
    case SIM_INSN_ALU: break;
    }
    unsigned w = in->width, top = 8 * w - 1;
    uint64_t m = mask_of(w), mem = loaded & m;
    uint64_t other = in->has_imm ? in->imm & m : reg_operand(in, rs);
    uint64_t a = in->mem_first ? mem : other, b = in->mem_first ? other : mem;
    uint64_t cf_in = rs->rflags & F_CF, r = 0;
    uint64_t set = 0, affected = F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF;
    bool overflow;
    switch (in->alu) {
    case SIM_ALU_ADD: case SIM_ALU_ADC: case SIM_ALU_INC: {
        uint64_t c = in->alu == SIM_ALU_ADC ? cf_in : 0;
        if (in->alu == SIM_ALU_INC) b = 1;
        r = (a + b + c) & m;
        bool carry = r < a || (c && r == a);   /* a + b + c > m, with b + c possibly m + 1 */
        if (carry) set |= F_CF;
        if ((((a ^ r) & (b ^ r)) >> top) & 1) set |= F_OF;
        if (((a ^ b ^ r) >> 4) & 1) set |= F_AF;
        if (in->alu == SIM_ALU_INC) affected &= ~(uint64_t)F_CF;
        break;
    }
    case SIM_ALU_SUB: case SIM_ALU_SBB: case SIM_ALU_CMP: case SIM_ALU_DEC: case SIM_ALU_NEG: {
        uint64_t c = in->alu == SIM_ALU_SBB ? cf_in : 0;
        if (in->alu == SIM_ALU_DEC) b = 1;
        if (in->alu == SIM_ALU_NEG) {
            b = a;
            a = 0;
        }
        r = (a - b - c) & m;
        if (a < b || (c && a == b)) set |= F_CF;   /* borrow: a < b + c */
        if ((((a ^ b) & (a ^ r)) >> top) & 1) set |= F_OF;
        if (((a ^ b ^ r) >> 4) & 1) set |= F_AF;
        if (in->alu == SIM_ALU_DEC) affected &= ~(uint64_t)F_CF;
        break;
    }
    case SIM_ALU_AND: case SIM_ALU_TEST: r = a & b; break;
    case SIM_ALU_OR: r = a | b; break;
    case SIM_ALU_XOR: r = a ^ b; break;
    case SIM_ALU_NOT: r = ~a & m; affected = 0; break;
    case SIM_ALU_IMUL:
        r = imul(a, b, w, &overflow);
        if (overflow) set |= F_CF | F_OF;
        break;
    }
    if (affected) {
        if (r == 0) set |= F_ZF;
        if ((r >> top) & 1) set |= F_SF;
        if (parity_even(r)) set |= F_PF;
    }
    rs->rflags = (rs->rflags & ~affected) | (set & affected);
    if (in->reg_dest) {
        SimInsn d = *in;
        d.sign_extend = false;
        d.dest_width = w;
        rs->r[in->reg & 15] = sim_x86_load_result(&d, rs->r[in->reg & 15], r);
    }
    return r;
}

/* ---- signal contexts ----------------------------------------------------- */

#if defined(__linux__) && defined(__x86_64__)
static const int GREG[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                             REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                             REG_R12, REG_R13, REG_R14, REG_R15};

SIM_X86_API bool sim_x86_regs_get(SimRegs *rs, const void *ucv, bool xmm)
{
    const ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    for (int i = 0; i < 16; i++) rs->r[i] = (uint64_t)g[GREG[i]];
    rs->rflags = (uint64_t)g[REG_EFL];
    if (!xmm) return true;
    if (!uc->uc_mcontext.fpregs) return false;
    for (int i = 0; i < 16; i++) {
        const uint32_t *e = uc->uc_mcontext.fpregs->_xmm[i].element;
        rs->xmm[i][0] = e[0] | (uint64_t)e[1] << 32;
        rs->xmm[i][1] = e[2] | (uint64_t)e[3] << 32;
    }
    return true;
}

SIM_X86_API bool sim_x86_regs_set(const SimRegs *rs, void *ucv, bool xmm)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    for (int i = 0; i < 16; i++) g[GREG[i]] = (greg_t)rs->r[i];
    g[REG_EFL] = (greg_t)rs->rflags;
    if (!xmm) return true;
    if (!uc->uc_mcontext.fpregs) return false;
    for (int i = 0; i < 16; i++) {
        uint32_t *e = uc->uc_mcontext.fpregs->_xmm[i].element;
        e[0] = (uint32_t)rs->xmm[i][0], e[1] = (uint32_t)(rs->xmm[i][0] >> 32);
        e[2] = (uint32_t)rs->xmm[i][1], e[3] = (uint32_t)(rs->xmm[i][1] >> 32);
    }
    return true;
}
#else
SIM_X86_API bool sim_x86_regs_get(SimRegs *rs, const void *ucv, bool xmm)
{
    (void)rs, (void)ucv, (void)xmm;
    return false;
}

SIM_X86_API bool sim_x86_regs_set(const SimRegs *rs, void *ucv, bool xmm)
{
    (void)rs, (void)ucv, (void)xmm;
    return false;
}
#endif
