/*
 * Internal interface of the x86-64 back end (x64_*.c): register numbers,
 * where each vreg lives after allocation, and the passes.
 */
#ifndef GRIDDLE_X64_INT_H
#define GRIDDLE_X64_INT_H

#include "target.h"

/* Hardware register numbers (ModRM order). */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* rcx (shift counts), r10 and r11 (operands in memory, parallel moves)
 * are never allocated. */
#define X64_NALLOC 12
extern const int X64_ALLOC_REGS[X64_NALLOC];

/* Internal calling convention (docs/abi.md): argument word k in
 * X64_ARG_REGS[k] for k < 6, else in griddle_abuf[k]; result word 0 in
 * rax, 1 in rdx, the rest in griddle_rbuf[k]. rbx, rbp and r12-r15 are
 * callee-saved, as in SysV (a throw does not restore them: see
 * x64_ra.c). */
#define X64_NARG_REGS 6
extern const int X64_ARG_REGS[X64_NARG_REGS];
bool x64_callee_saved(int reg);

typedef struct VLoc {
    int8_t reg;             /* >= 0: register; -1: stack slot */
    int32_t slot;           /* stack slot number when reg < 0 */
} VLoc;

typedef struct X64Fn {
    IrFn *fn;
    VLoc *loc;              /* per vreg (index 0 unused) */
    uint32_t nslots;        /* spill slots (8 bytes each) */
    uint32_t ntry;          /* handler records (24 bytes each) */
    uint16_t saved;         /* callee-saved registers pushed at entry (bit per reg) */
    uint32_t nsaved;        /* ... how many */
    uint32_t frame;         /* bytes subtracted from %rsp after the pushes */
    bool *reachable;        /* per block */
} X64Fn;

/* Instruction selection: compare-and-branch fusion, addressing modes. */
void x64_isel(IrFn *fn);
/* Liveness-based register allocation (linear scan); fills xf. */
void x64_ra(X64Fn *xf);
/* Assembly for one function. */
/* ffi_hook: FFI calls through griddle_ffi_hook(name, fn, c, clen, a, alen) */
void x64_emit_fn(const X64Fn *xf, const IrProg *ir, StrBuf *out, bool ffi_hook);
/* Location of a vreg as text (dumps). */
const char *x64_loc_name(void *xf, uint32_t vreg);

#endif
