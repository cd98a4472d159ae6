/*
 * Device models are plugins: a SimDevModel is a table of functions, and
 * this file is the registry of models and of boards (where each device's
 * registers sit in physical memory and which interrupt it drives). An SDF
 * memory region whose phys_addr lies in a device's window becomes that
 * device's MMIO (bound in sdf_check.c); sim_run traps accesses to it.
 */
#include "sim_int.h"

#include <string.h>
#include <time.h>

extern const SimDevModel sim_model_enet, sim_model_testdev, sim_model_timer;

static const SimDevModel *const MODELS[] = {&sim_model_enet, &sim_model_testdev,
                                            &sim_model_timer};

typedef struct BoardDev {
    const char *board, *model;
    uint64_t paddr, irq;
} BoardDev;

/* i.MX8M Mini: ENET1 registers at 0x30be0000 (64 KiB), interrupt 152
 * (reference §3.4 memory map). Plus griddle's emulation-only timer
 * (dev_timer.c) in an address range and on an interrupt the SoC leaves
 * unused by the systems we run, for timer PDs. */
static const BoardDev BOARDS[] = {
    {"imx8mm", "imx8-enet", 0x30be0000, 152},
    {"imx8mm", "sim-timer", 0x30f00000, 200},
    {"none", NULL, 0, 0},
};

const SimDevModel *sim_dev_model(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(MODELS); i++)
        if (!strcmp(MODELS[i]->name, name)) return MODELS[i];
    return NULL;
}

uint64_t sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void add_dev(SimSystem *s, const char *model, uint64_t paddr, uint64_t irq)
{
    const SimDevModel *m = sim_dev_model(model);
    if (!m) return;
    SimDevInst d = {.model = m->name, .paddr = paddr, .size = m->size, .irq = irq, .mr = -1};
    vec_push(&s->devs, d);
}

/* "MODEL@PADDR[,irq=N]" */
static bool parse_device(SimSystem *s, DiagList *dl, const char *spec)
{
    const char *at = strchr(spec, '@');
    char model[64];
    if (!at || (size_t)(at - spec) >= sizeof model) goto bad;
    memcpy(model, spec, (size_t)(at - spec));
    model[at - spec] = 0;
    if (!sim_dev_model(model)) {
        diag_add(dl, DIAG_ERROR, "device", NULL, "unknown device model '%s' in --device %s",
                 model, spec);
        return false;
    }
    char buf[128];
    snprintf(buf, sizeof buf, "%s", at + 1);
    char *comma = strchr(buf, ',');
    uint64_t irq = UINT64_MAX, paddr;
    if (comma) {
        *comma = 0;
        if (strncmp(comma + 1, "irq=", 4) || !sdf_parse_u64(comma + 5, &irq)) goto bad;
    }
    if (!sdf_parse_u64(buf, &paddr) || paddr % 0x1000) goto bad;
    add_dev(s, model, paddr, irq);
    return true;
bad:
    diag_add(dl, DIAG_ERROR, "device", NULL,
             "bad --device '%s': expected MODEL@PADDR[,irq=N] with a page-aligned PADDR", spec);
    return false;
}

void sim_dev_setup(SimSystem *s, DiagList *dl, const SimLoadOpts *o)
{
    const char *board = o->board ? o->board : "imx8mm";
    bool known = false;
    for (size_t i = 0; i < ARRAY_LEN(BOARDS); i++) {
        if (strcmp(BOARDS[i].board, board)) continue;
        known = true;
        if (BOARDS[i].model) add_dev(s, BOARDS[i].model, BOARDS[i].paddr, BOARDS[i].irq);
    }
    if (!known)
        diag_add(dl, DIAG_ERROR, "device", NULL, "unknown board '%s' (known: imx8mm, none)",
                 board);
    for (size_t i = 0; i < o->ndevices; i++) parse_device(s, dl, o->devices[i]);
    for (size_t i = 0; i < s->devs.n; i++)
        for (size_t j = 0; j < i; j++) {
            SimDevInst *a = &s->devs.v[i], *b = &s->devs.v[j];
            if (a->paddr < b->paddr + b->size && b->paddr < a->paddr + a->size)
                diag_add(dl, DIAG_ERROR, "device", NULL,
                         "devices '%s' at 0x%llx and '%s' at 0x%llx overlap", a->model,
                         (unsigned long long)a->paddr, b->model, (unsigned long long)b->paddr);
        }
}
