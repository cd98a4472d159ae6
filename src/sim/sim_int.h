/*
 * Declarations shared by the files of src/sim only (never included from
 * outside the module, except by src/sim/rt which shares the protocol
 * header sim_proto.h instead).
 */
#ifndef GRIDDLE_SIM_INT_H
#define GRIDDLE_SIM_INT_H

#include "sim.h"

/* ---- sdf.c / sdf_check.c ---------------------------------------------- */

/* Validation of a parsed system (global rules: names, ids, priorities,
 * overlaps, physical addresses, devices). Appends to dl. */
void sdf_check(SimSystem *s, DiagList *dl, const SimLoadOpts *o);
/* Parses a number the way the Microkit tool does: decimal or 0x-hex, with
 * '_' separators allowed. */
bool sdf_parse_u64(const char *str, uint64_t *out);

/* ---- elf.c ------------------------------------------------------------- */

typedef struct SimElfSeg {
    uint64_t vaddr, memsz;
    unsigned flags;         /* PF_R/W/X */
} SimElfSeg;

typedef struct SimElf {
    uint16_t type;          /* ET_EXEC or ET_DYN */
    uint64_t entry;
    VEC(SimElfSeg) segs;
    uint8_t *data;          /* the whole file */
    size_t len;
    const uint8_t *symtab, *strtab;
    size_t nsyms, strsz;
} SimElf;

/* Reads and checks an x86-64 ELF64 executable; on failure returns false
 * with a message in err. */
bool sim_elf_open(const char *path, SimElf *e, char *err, size_t errlen);
void sim_elf_close(SimElf *e);
/* Finds a defined symbol; false if absent. */
bool sim_elf_symbol(const SimElf *e, const char *name, uint64_t *value, uint64_t *size);

/* ---- dev.c ------------------------------------------------------------- */

/* Adds the devices of a board and of --device specs to s->devs. */
void sim_dev_setup(SimSystem *s, DiagList *dl, const SimLoadOpts *o);

/* Monotonic clock in nanoseconds. */
uint64_t sim_now_ns(void);

#endif
