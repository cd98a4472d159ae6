/*
 * Just enough ELF64 to check a program image before running it: the
 * header (x86-64 executable or PIE), PT_LOAD segments (maps must not
 * collide with a fixed-address image) and the symbol table (setvar
 * symbols must exist and be one word, like the Microkit tool checks).
 * Every offset read from the file is bounds-checked: images are input.
 */
#include "sim_int.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool in_file(const SimElf *e, uint64_t off, uint64_t n)
{
    return off <= e->len && n <= e->len - off;
}

static bool fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return false;
}

static void find_symtab(SimElf *e, const Elf64_Ehdr *h)
{
    if (h->e_shentsize != sizeof(Elf64_Shdr)) return;
    if (!in_file(e, h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf64_Shdr))) return;
    for (unsigned i = 0; i < h->e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, e->data + h->e_shoff + i * sizeof sh, sizeof sh);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= h->e_shnum) continue;
        Elf64_Shdr str;
        memcpy(&str, e->data + h->e_shoff + sh.sh_link * sizeof str, sizeof str);
        if (!in_file(e, sh.sh_offset, sh.sh_size) || !in_file(e, str.sh_offset, str.sh_size))
            return;
        e->symtab = e->data + sh.sh_offset;
        e->nsyms = sh.sh_size / sizeof(Elf64_Sym);
        e->strtab = e->data + str.sh_offset;
        e->strsz = str.sh_size;
        return;
    }
}

bool sim_elf_open(const char *path, SimElf *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->data = (uint8_t *)read_file(path, &e->len);
    if (!e->data) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        return false;
    }
    Elf64_Ehdr h;
    if (e->len < sizeof h || memcmp(e->data, ELFMAG, SELFMAG)) {
        sim_elf_close(e);
        return fail(err, errlen, "not an ELF file");
    }
    memcpy(&h, e->data, sizeof h);
    const char *why = NULL;
    if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_ident[EI_DATA] != ELFDATA2LSB)
        why = "not a little-endian 64-bit ELF file";
    else if (h.e_machine != EM_X86_64) why = "not an x86-64 program (the emulator runs native code)";
    else if (h.e_type != ET_EXEC && h.e_type != ET_DYN) why = "not an executable";
    else if (h.e_phentsize != sizeof(Elf64_Phdr) ||
             !in_file(e, h.e_phoff, (uint64_t)h.e_phnum * sizeof(Elf64_Phdr)))
        why = "corrupt program header table";
    if (why) {
        sim_elf_close(e);
        return fail(err, errlen, why);
    }
    e->type = h.e_type;
    e->entry = h.e_entry;
    for (unsigned i = 0; i < h.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, e->data + h.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD) continue;
        SimElfSeg sg = {.vaddr = ph.p_vaddr, .memsz = ph.p_memsz, .flags = ph.p_flags};
        vec_push(&e->segs, sg);
    }
    find_symtab(e, &h);
    if (!e->symtab) {
        sim_elf_close(e);
        return fail(err, errlen, "no symbol table (was it stripped?)");
    }
    return true;
}

void sim_elf_close(SimElf *e)
{
    free(e->data);
    vec_free(&e->segs);
    memset(e, 0, sizeof *e);
}

bool sim_elf_symbol(const SimElf *e, const char *name, uint64_t *value, uint64_t *size)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < e->nsyms; i++) {
        Elf64_Sym sym;
        memcpy(&sym, e->symtab + i * sizeof sym, sizeof sym);
        if (sym.st_shndx == SHN_UNDEF || sym.st_name >= e->strsz) continue;
        const char *s = (const char *)e->strtab + sym.st_name;
        size_t room = e->strsz - sym.st_name;
        if (room <= n || memcmp(s, name, n) || s[n]) continue;
        *value = sym.st_value;
        *size = sym.st_size;
        return true;
    }
    return false;
}
