/*
 * Decoder for the x86-64 load/store instructions that compilers emit for
 * volatile scalar accesses (see x86dec.c). Self-contained (only standard
 * headers) and async-signal-safe, because three users share this one
 * source: the emulator (g_sim), the PD runtime's fault handler, and the
 * host of programs built by `griddle build`, which embeds this file and
 * x86dec.c to record shared-memory accesses (docs/abi.md).
 */
#ifndef GRIDDLE_X86DEC_H
#define GRIDDLE_X86DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linkage of the three functions: the default host's unity build defines
 * it as `static`, so a built program's exported functions cannot clash
 * with them (docs/abi.md, "Symbols"). */
#ifndef SIM_X86_API
#define SIM_X86_API
#endif

typedef enum SimInsnKind {
    SIM_INSN_LOAD,          /* reg <- [mem], zero- or sign-extended */
    SIM_INSN_STORE_REG,     /* [mem] <- reg */
    SIM_INSN_STORE_IMM,     /* [mem] <- imm */
} SimInsnKind;

typedef struct SimInsn {
    SimInsnKind kind;
    unsigned len;           /* instruction length in bytes */
    unsigned width;         /* access width in bytes: 1, 2, 4 or 8 */
    unsigned reg;           /* register number 0..15 (rax..r15) */
    bool high8;             /* AH/CH/DH/BH (no REX, reg 4..7 with width 1) */
    unsigned dest_width;    /* loads: bytes written to reg (movzx/movsx: 2/4/8) */
    bool sign_extend;       /* movsx / movsxd */
    uint64_t imm;
} SimInsn;

/* Decodes the instruction at code (at most avail bytes). Only the forms a
 * compiler emits for volatile scalar accesses are accepted: mov r/m<->reg
 * (88/89/8A/8B), mov r/m,imm (C6/C7), movzx (0F B6/B7), movsx (0F BE/BF),
 * movsxd (63), with 66/REX prefixes and any ModRM/SIB/displacement form.
 * Returns false for anything else. */
SIM_X86_API bool sim_x86_decode(const uint8_t *code, size_t avail, SimInsn *out);

/* The value a decoded store writes, given its source register's content
 * (ignored for an immediate store): the low `width` bytes. */
SIM_X86_API uint64_t sim_x86_store_value(const SimInsn *in, uint64_t reg);
/* The destination register's new content after a decoded load produced
 * `loaded`, as the CPU writes it: 32-bit destinations zero-extend, 8- and
 * 16-bit ones merge into old, movsx sign-extends. */
SIM_X86_API uint64_t sim_x86_load_result(const SimInsn *in, uint64_t old, uint64_t loaded);

#endif
