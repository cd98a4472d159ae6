/*
 * Decoder and executor for the x86-64 instructions that compilers emit for
 * single volatile scalar accesses (see x86dec.c): moves, and arithmetic
 * with a memory operand. Self-contained (only standard headers, and
 * <ucontext.h> on Linux x86-64) and async-signal-safe, because three users share this one
 * source: the emulator (g_sim), the PD runtime's fault handler, and the
 * host of programs built by `griddle build`, which embeds this file and
 * x86dec.c to record shared-memory accesses (docs/abi.md).
 */
#ifndef GRIDDLE_X86DEC_H
#define GRIDDLE_X86DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linkage of the functions below: the default host's unity build defines
 * it as `static`, so a built program's exported functions cannot clash
 * with them (docs/abi.md, "Symbols"). */
#ifndef SIM_X86_API
#define SIM_X86_API
#endif

typedef enum SimInsnKind {
    SIM_INSN_LOAD,          /* reg <- [mem], zero- or sign-extended */
    SIM_INSN_STORE_REG,     /* [mem] <- reg */
    SIM_INSN_STORE_IMM,     /* [mem] <- imm */
    SIM_INSN_ALU,           /* arithmetic with a memory operand (SimAlu) */
    SIM_INSN_SETCC,         /* [mem] <- byte 0 or 1, condition `cond` of RFLAGS */
} SimInsnKind;

/* The operation of a SIM_INSN_ALU. Operands a and b: the memory operand
 * is a when mem_first, else b; the other one is imm (has_imm) or reg. */
typedef enum SimAlu {
    SIM_ALU_ADD, SIM_ALU_OR, SIM_ALU_ADC, SIM_ALU_SBB, SIM_ALU_AND, SIM_ALU_SUB, SIM_ALU_XOR,
    SIM_ALU_CMP,            /* the eight of opcodes 00..3F and group 1, in encoding order */
    SIM_ALU_TEST,           /* a & b, flags only */
    SIM_ALU_IMUL,           /* signed a * b truncated, CF = OF = overflow */
    SIM_ALU_INC, SIM_ALU_DEC, SIM_ALU_NOT, SIM_ALU_NEG,   /* of [mem] */
} SimAlu;

typedef struct SimInsn {
    SimInsnKind kind;
    unsigned len;           /* instruction length in bytes */
    unsigned width;         /* access (and operand) width in bytes: 1, 2, 4 or 8 */
    unsigned reg;           /* register number 0..15 (rax..r15) */
    bool high8;             /* AH/CH/DH/BH (no REX, reg 4..7 with width 1) */
    unsigned dest_width;    /* loads: bytes written to reg (movzx/movsx: 2/4/8) */
    bool sign_extend;       /* movsx / movsxd */
    uint64_t imm;           /* sign-extended to 64 bits where the SDM says so */
    /* SIM_INSN_ALU only */
    SimAlu alu;
    bool has_imm;           /* the non-memory operand is imm (else reg) */
    bool mem_first;         /* memory is operand a */
    bool mem_dest;          /* the result is written back to memory (a second access) */
    bool reg_dest;          /* the result goes to reg (dest_width = width) */
    unsigned cond;          /* SIM_INSN_SETCC: condition code 0..15 (O, NO, B, AE, ..., G) */
    /* SSE moves (SIM_INSN_LOAD / SIM_INSN_STORE_REG only): reg is XMM
     * register reg; the access is bytes xmm_lane .. xmm_lane + width - 1
     * of it; a load zeroes the register's other bytes unless xmm_keep */
    bool xmm;
    bool xmm_keep;
    unsigned xmm_lane;
} SimInsn;

/* Register file and RFLAGS an instruction is executed on (ModRM order:
 * rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15). */
typedef struct SimRegs {
    uint64_t r[16];
    uint64_t rflags;
    /* XMM0..15, low and high halves: read and written only by
     * instructions with `xmm` set, so a caller fills them for those only */
    uint64_t xmm[16][2];
} SimRegs;

/* Decodes the instruction at code (at most avail bytes). Accepted: the
 * forms a compiler emits for a single volatile scalar access:
 *  - mov r/m<->reg (88/89/8A/8B), mov r/m,imm (C6/C7), mov moffs (A0..A3),
 *    movzx (0F B6/B7), movsx (0F BE/BF), movsxd (63);
 *  - the memory operand as a source: add/or/adc/sbb/and/sub/xor/cmp
 *    reg,[mem] (02/03 ... 3A/3B), cmp [mem],reg (38/39), cmp [mem],imm
 *    (80/81/83 /7), test [mem],reg (84/85), test [mem],imm (F6/F7 /0),
 *    imul reg,[mem] (0F AF), imul reg,[mem],imm (69/6B);
 *  - read-modify-write of memory (a load and a store of the same bytes),
 *    what a volatile load, operation and store to one address may be
 *    folded into: add/or/adc/sbb/and/sub/xor [mem],reg (00/01 ... 30/31)
 *    and [mem],imm (80/81/83 /0../6), inc/dec (FE/FF /0 /1), not/neg
 *    (F6/F7 /2 /3);
 *  - a store of a condition, what a volatile byte store of a comparison's
 *    result may be folded into: setcc [mem] (0F 90..9F);
 *  - SSE moves between memory and an XMM register, what GCC may use for a
 *    volatile scalar whose value lives in a vector register: movd/movq
 *    (66 0F 6E/7E, F3 0F 7E, 66 0F D6), movss/movsd (F3/F2 0F 10/11),
 *    movlps/movlpd/movhps/movhpd (0F 12/13/16/17, with or without 66),
 *    pinsrw xmm,[mem],imm (66 0F C4);
 * with 66/67/segment/REX prefixes and any ModRM/SIB/displacement form.
 * Returns false for anything else (LOCK, register operands, VEX, ...). */
SIM_X86_API bool sim_x86_decode(const uint8_t *code, size_t avail, SimInsn *out);

/* Whether a decoded instruction reads / writes its memory operand. A
 * read-modify-write does both: the load first, then the store. */
SIM_X86_API bool sim_x86_reads(const SimInsn *in);
SIM_X86_API bool sim_x86_writes(const SimInsn *in);

/* Executes a decoded instruction's register and flag effects, given the
 * `width` bytes it loaded (ignored unless it reads); returns the value to
 * store (meaningful if it writes). Flags the SDM leaves undefined are
 * computed from the result (SF, ZF, PF of imul) or cleared (AF of
 * logic operations). Does not advance the instruction pointer. */
SIM_X86_API uint64_t sim_x86_exec(const SimInsn *in, SimRegs *rs, uint64_t loaded);

/* The value a decoded store writes, given its source register's content
 * (ignored for an immediate store): the low `width` bytes. */
SIM_X86_API uint64_t sim_x86_store_value(const SimInsn *in, uint64_t reg);
/* The destination register's new content after a decoded load produced
 * `loaded`, as the CPU writes it: 32-bit destinations zero-extend, 8- and
 * 16-bit ones merge into old, movsx sign-extends. */
SIM_X86_API uint64_t sim_x86_load_result(const SimInsn *in, uint64_t old, uint64_t loaded);

/* The registers of a signal handler's context (its ucontext_t, passed as
 * void *) to and from SimRegs, on Linux x86-64: the general registers and
 * RFLAGS, and the XMM registers too when `xmm` (only SSE moves need them).
 * False elsewhere, or when the context carries no FP state. */
SIM_X86_API bool sim_x86_regs_get(SimRegs *rs, const void *ucontext, bool xmm);
SIM_X86_API bool sim_x86_regs_set(const SimRegs *rs, void *ucontext, bool xmm);

#endif
