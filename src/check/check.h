/*
 * check: the static checker (pancake-language.md §4, panStatic), plus the
 * name and shape resolution every later stage relies on.
 *
 * After check_program succeeds, the AST is annotated:
 *  - every Expr has its shape (Expr.shape);
 *  - every variable use (E_VAR, VarRef) says global or local and its slot:
 *    globals are numbered in declaration order (GlobalDecl.index), locals
 *    per function, parameters first, then one slot per declaration (so a
 *    shadowing `var` gets a fresh slot; FunDecl.nslots is the frame size);
 *  - functions are numbered in declaration order (FunDecl.index, 0 to
 *    Program.nfuns - 1), so later stages index tables by it;
 *  - every Call points at its FunDecl (NULL for __add_with_carry__);
 *  - E_NSTRUCT fields carry their declared position (NField.index),
 *    E_NFIELD its field position and word offset, StructDecl.words is set;
 *  - in compat mode, omitted shapes of vars and function returns are
 *    inferred and written into the AST (dec.shape, FunDecl.ret).
 * Unlike the reference (which stops at the first error), independent
 * errors are all reported; warnings follow §4.4.
 *
 * Depends on: front, util. Memory: annotations are allocated in the
 * Program's arena. Global state: none.
 */
#ifndef GRIDDLE_CHECK_H
#define GRIDDLE_CHECK_H

#include "front/front.h"

typedef struct CheckOpts {
    bool compat;          /* 2024-era rules: inference, legacy main, legacy tail calls */
    bool no_warn;         /* drop warnings */
} CheckOpts;

/* Returns false if any error was reported. */
bool check_program(Program *p, const CheckOpts *o, DiagList *dl);

/* Lookups valid after parsing (tables are built by check_program). */
FunDecl *check_find_fun(const Program *p, Sym name);
StructDecl *check_find_struct(const Program *p, Sym name);
ExnDecl *check_find_exn(const Program *p, Sym name);
GlobalDecl *check_global(const Program *p, uint32_t index);

/* Size of a (well-formed, checked) shape in words. */
uint32_t check_shape_words(const Program *p, const Shape *s);

#endif
