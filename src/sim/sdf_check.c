/*
 * Global validation of a parsed system: the rules the Microkit tool
 * checks after reading the whole file (reference §1.2 "Tool validation"),
 * plus what the emulator needs: device windows, physical addresses chosen
 * for <setvar region_paddr>, and the host's lowest mappable address.
 * Precondition: every index in the model is valid (sdf.c drops elements
 * whose references did not resolve).
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

/* Linux refuses to map below vm.mmap_min_addr (65536 by default). */
#define HOST_MIN_VADDR 0x10000ull
/* x86-64 user space ends at 2^47; keep the top page free like seL4. */
#define HOST_MAX_VADDR 0x7ffffffff000ull

static void check_names(SimSystem *s, DiagList *dl)
{
    if (s->pds.n == 0)
        diag_add(dl, DIAG_ERROR, "sdf", NULL, "at least one protection domain must be defined");
    if (s->pds.n > SIM_MAX_PDS)
        diag_add(dl, DIAG_ERROR, "sdf", &s->pds.v[SIM_MAX_PDS].span,
                 "too many protection domains (%zu); the maximum is %d", s->pds.n,
                 SIM_MAX_PDS);
    for (size_t i = 0; i < s->pds.n; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->pds.v[i].name, s->pds.v[j].name)) {
                Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &s->pds.v[i].span,
                                   "duplicate protection domain name '%s'", s->pds.v[i].name);
                diag_note(d, &s->pds.v[j].span, "first defined here");
                break;
            }
    for (size_t i = 0; i < s->mrs.n; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->mrs.v[i].name, s->mrs.v[j].name)) {
                Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &s->mrs.v[i].span,
                                   "duplicate memory region name '%s'", s->mrs.v[i].name);
                diag_note(d, &s->mrs.v[j].span, "first defined here");
                break;
            }
}

/* A channel id of one PD: where it was used first, to point at both. */
typedef struct IdUse {
    bool used;
    Span span;
} IdUse;

static void use_id(DiagList *dl, IdUse *ids, unsigned id, const Span *sp, const char *pd)
{
    if (ids[id].used) {
        Diag *d = diag_add(dl, DIAG_ERROR, "sdf", sp,
                           "duplicate channel id %u in protection domain '%s'", id, pd);
        diag_note(d, &ids[id].span, "id %u is already used here", id);
        return;
    }
    ids[id].used = true;
    ids[id].span = *sp;
}

/* Ids are unique per PD across IRQs and channel ends; IRQ numbers are
 * unique system-wide. */
static void check_ids(SimSystem *s, DiagList *dl)
{
    IdUse(*ids)[SIM_MAX_CH] = xcalloc(s->pds.n ? s->pds.n : 1, sizeof *ids);
    VEC(const SimIrq *) seen = {0};
    VEC(size_t) owner = {0};
    for (size_t p = 0; p < s->pds.n; p++) {
        SimPd *pd = &s->pds.v[p];
        for (size_t i = 0; i < pd->irqs.n; i++) {
            const SimIrq *q = &pd->irqs.v[i];
            use_id(dl, ids[p], q->id, &q->span, pd->name);
            for (size_t k = 0; k < seen.n; k++) {
                if (seen.v[k]->irq != q->irq) continue;
                Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &q->span,
                                   "duplicate irq %llu (already owned by '%s')",
                                   (unsigned long long)q->irq, s->pds.v[owner.v[k]].name);
                diag_note(d, &seen.v[k]->span, "first claimed here");
                break;
            }
            vec_push(&seen, q);
            vec_push(&owner, p);
        }
    }
    vec_free(&seen);
    vec_free(&owner);
    for (size_t c = 0; c < s->channels.n; c++)
        for (int e = 0; e < 2; e++) {
            SimEnd *end = &s->channels.v[c].end[e];
            use_id(dl, ids[end->pd], end->id, &end->span, s->pds.v[end->pd].name);
        }
    free(ids);
}

/* Microkit 1.x: pp="true" on a PD lets every channel peer call it. Turn
 * that into the 2.x form (pp on the caller's end), then check the rule
 * that a PPC goes to a strictly higher priority. */
static void check_ppc(SimSystem *s, DiagList *dl)
{
    for (size_t c = 0; c < s->channels.n; c++) {
        SimChannel *ch = &s->channels.v[c];
        for (int e = 0; e < 2; e++)
            if (s->pds.v[ch->end[1 - e].pd].pp_v1) ch->end[e].pp = true;
        for (int e = 0; e < 2; e++) {
            if (!ch->end[e].pp) continue;
            const SimPd *from = &s->pds.v[ch->end[e].pd], *to = &s->pds.v[ch->end[1 - e].pd];
            if (from->priority < to->priority) continue;
            Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &ch->end[e].span,
                               "PPCs must be to protection domains of strictly higher "
                               "priority: '%s' (priority %u) may call '%s' (priority %u)",
                               from->name, from->priority, to->name, to->priority);
            diag_note(d, &to->span, "'%s' is defined here", to->name);
        }
        if (ch->end[0].pd == ch->end[1].pd)
            diag_add(dl, DIAG_ERROR, "sdf", &ch->span,
                     "a channel must connect two different protection domains");
    }
}

static void check_maps(SimSystem *s, DiagList *dl)
{
    for (size_t p = 0; p < s->pds.n; p++) {
        SimPd *pd = &s->pds.v[p];
        for (size_t i = 0; i < pd->maps.n; i++) {
            SimMap *m = &pd->maps.v[i];
            SimMr *mr = &s->mrs.v[m->mr];
            uint64_t end = m->vaddr + mr->size;
            if (m->vaddr % mr->page_size)
                diag_add(dl, DIAG_ERROR, "sdf", &m->span,
                         "vaddr 0x%llx of map of '%s' is not aligned to its page size 0x%llx",
                         (unsigned long long)m->vaddr, mr->name,
                         (unsigned long long)mr->page_size);
            if (m->vaddr < HOST_MIN_VADDR || end > HOST_MAX_VADDR || end < m->vaddr)
                diag_add(dl, DIAG_ERROR, "sdf", &m->span,
                         "map of '%s' at [0x%llx..0x%llx) is outside the user address range "
                         "the emulator can map [0x%llx..0x%llx)", mr->name,
                         (unsigned long long)m->vaddr, (unsigned long long)end,
                         HOST_MIN_VADDR, HOST_MAX_VADDR);
            for (size_t j = 0; j < i; j++) {
                SimMap *o = &pd->maps.v[j];
                uint64_t oend = o->vaddr + s->mrs.v[o->mr].size;
                if (m->vaddr < oend && o->vaddr < end) {
                    Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &m->span,
                                       "map of '%s' [0x%llx..0x%llx) overlaps map of '%s' "
                                       "[0x%llx..0x%llx) in protection domain '%s'",
                                       mr->name, (unsigned long long)m->vaddr,
                                       (unsigned long long)end, s->mrs.v[o->mr].name,
                                       (unsigned long long)o->vaddr,
                                       (unsigned long long)oend, pd->name);
                    diag_note(d, &o->span, "the other map");
                }
            }
        }
    }
}

static void check_phys(SimSystem *s, DiagList *dl)
{
    for (size_t i = 0; i < s->mrs.n; i++) {
        SimMr *a = &s->mrs.v[i];
        if (!a->paddr_given) continue;
        for (size_t j = 0; j < i; j++) {
            SimMr *b = &s->mrs.v[j];
            if (!b->paddr_given) continue;
            if (a->paddr < b->paddr + b->size && b->paddr < a->paddr + a->size) {
                Diag *d = diag_add(dl, DIAG_ERROR, "sdf", &a->span,
                                   "memory region '%s' [0x%llx..0x%llx) overlaps memory "
                                   "region '%s' [0x%llx..0x%llx) in physical memory",
                                   a->name, (unsigned long long)a->paddr,
                                   (unsigned long long)(a->paddr + a->size), b->name,
                                   (unsigned long long)b->paddr,
                                   (unsigned long long)(b->paddr + b->size));
                diag_note(d, &b->span, "the other region");
            }
        }
    }
}

/* An MR inside a device's register window is that device's MMIO; one
 * that straddles the window's edge is an error. */
static void bind_devices(SimSystem *s, DiagList *dl)
{
    for (size_t i = 0; i < s->mrs.n; i++) {
        SimMr *mr = &s->mrs.v[i];
        if (!mr->paddr_given) continue;
        for (size_t d = 0; d < s->devs.n; d++) {
            SimDevInst *dv = &s->devs.v[d];
            uint64_t e = mr->paddr + mr->size, de = dv->paddr + dv->size;
            if (mr->paddr >= de || dv->paddr >= e) continue;
            if (mr->paddr < dv->paddr || e > de) {
                diag_add(dl, DIAG_ERROR, "sdf", &mr->span,
                         "memory region '%s' [0x%llx..0x%llx) partly overlaps the registers "
                         "of device '%s' [0x%llx..0x%llx)", mr->name,
                         (unsigned long long)mr->paddr, (unsigned long long)e, dv->model,
                         (unsigned long long)dv->paddr, (unsigned long long)de);
                continue;
            }
            if (dv->mr >= 0) {
                diag_add(dl, DIAG_ERROR, "sdf", &mr->span,
                         "device '%s' is already covered by memory region '%s'", dv->model,
                         s->mrs.v[dv->mr].name);
                continue;
            }
            mr->device = (int)d;
            dv->mr = (int)i;
            if (mr->prefill_path)
                diag_add(dl, DIAG_ERROR, "sdf", &mr->span,
                         "device memory region '%s' cannot be prefilled", mr->name);
        }
    }
}

/* Regions named by <setvar region_paddr> get a physical address if the
 * SDF gave none, above everything fixed (the tool also picks one). */
static void assign_paddrs(SimSystem *s)
{
    uint64_t top = 0x40000000;
    for (size_t i = 0; i < s->mrs.n; i++)
        if (s->mrs.v[i].paddr_given && s->mrs.v[i].paddr + s->mrs.v[i].size > top)
            top = s->mrs.v[i].paddr + s->mrs.v[i].size;
    for (size_t d = 0; d < s->devs.n; d++)
        if (s->devs.v[d].paddr + s->devs.v[d].size > top)
            top = s->devs.v[d].paddr + s->devs.v[d].size;
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].setvars.n; i++) {
            SimSetvar *sv = &s->pds.v[p].setvars.v[i];
            if (sv->kind != SIM_SETVAR_PADDR || sv->mr < 0) continue;
            SimMr *mr = &s->mrs.v[sv->mr];
            if (!mr->has_paddr) {
                top = (top + mr->page_size - 1) & ~(mr->page_size - 1);
                mr->paddr = top;
                mr->has_paddr = true;
                top += mr->size;
            }
            sv->value = mr->paddr;
        }
}

static void check_irqs_driven(SimSystem *s, DiagList *dl)
{
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].irqs.n; i++) {
            SimIrq *q = &s->pds.v[p].irqs.v[i];
            bool found = false;
            for (size_t d = 0; d < s->devs.n; d++)
                if (s->devs.v[d].irq == q->irq && s->devs.v[d].mr >= 0) found = true;
            if (!found)
                diag_add(dl, DIAG_WARNING, "sdf", &q->span,
                         "irq %llu is not driven by any emulated device; it will never fire",
                         (unsigned long long)q->irq);
        }
}

void sdf_check(SimSystem *s, DiagList *dl, const SimLoadOpts *o)
{
    (void)o;
    check_names(s, dl);
    check_ids(s, dl);
    check_ppc(s, dl);
    check_maps(s, dl);
    check_phys(s, dl);
    bind_devices(s, dl);
    assign_paddrs(s);
    check_irqs_driven(s, dl);
    for (size_t i = 0; i < s->mrs.n; i++)
        if (!s->mrs.v[i].nmaps)
            diag_add(dl, DIAG_WARNING, "sdf", &s->mrs.v[i].span, "unused memory region '%s'",
                     s->mrs.v[i].name);
}
