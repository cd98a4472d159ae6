/*
 * Decoder for the x86-64 instructions a compiler emits for volatile
 * scalar loads and stores (reference §4.7), so that a trapped MMIO access
 * can be performed on the device model and the instruction skipped.
 * Encodings from the Intel SDM vol. 2 (MOV, MOVZX, MOVSX/MOVSXD, and the
 * ModRM/SIB tables 2-2 and 2-3). Read-modify-write instructions (or/and
 * on memory) are deliberately not accepted: their flag results would have
 * to be emulated too; GCC does not emit them for volatile objects.
 *
 * Shared by the emulator (tests) and the PD runtime (signal handler), so
 * it must stay async-signal-safe: no allocation, no libc calls.
 */
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
    unsigned rex;           /* 0 if none, else 0x40..0x4f */
} Prefix;

static bool prefixes(Cursor *c, Prefix *px, uint8_t *op)
{
    for (;;) {
        if (!take(c, op)) return false;
        switch (*op) {
        case 0x66: px->opsize16 = true; continue;
        case 0x67: px->addr32 = true; continue;
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

static bool two_byte(Cursor *c, const Prefix *px, SimInsn *o)
{
    uint8_t op;
    unsigned reg;
    if (!take(c, &op)) return false;
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
        if (!moffs(&c, &px, op, o)) return false;
        break;
    case 0x0f:
        if (!two_byte(&c, &px, o)) return false;
        break;
    default:
        return false;
    }
    o->len = (unsigned)c.i;
    return true;
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
