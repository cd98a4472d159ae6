/*
 * --dump-state: the realised system as normalised JSON (reference §2.3),
 * for comparison with what the system description specifies. Mappings and
 * patched symbols are read back from the live processes (/proc/PID/maps,
 * /proc/PID/auxv, process_vm_readv), not from our own tables; channel
 * and IRQ tables, priorities and badges are the kernel emulator's.
 * Addresses and sizes are JSON numbers (all below 2^53); badges, which use
 * bit 63, are hex strings.
 *
 * --report: load statistics and per-PD counters as JSON.
 */
#include "sim_int.h"
#include "wire.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

typedef struct MapLine {
    uint64_t start, end, offset, ino;
    unsigned dev_major, dev_minor;
    char perms[5];
    char path[PATH_MAX];
} MapLine;

static size_t read_maps(pid_t pid, MapLine **out)
{
    char fn[64];
    snprintf(fn, sizeof fn, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(fn, "r");
    VEC(MapLine) v = {0};
    char line[PATH_MAX + 128];
    while (f && fgets(line, sizeof line, f)) {
        MapLine m;
        memset(&m, 0, sizeof m);
        unsigned long long a, b, off, ino;
        int pos = 0;
        if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &a, &b, m.perms, &off, &m.dev_major,
                   &m.dev_minor, &ino, &pos) < 7)
            continue;
        m.start = a, m.end = b, m.offset = off, m.ino = ino;
        size_t n = strcspn(line + pos, "\n");
        if (n >= sizeof m.path) n = sizeof m.path - 1;
        memcpy(m.path, line + pos, n);
        vec_push(&v, m);
    }
    if (f) fclose(f);
    *out = v.v;
    return v.n;
}

static uint64_t auxv_entry(pid_t pid)
{
    char fn[64];
    snprintf(fn, sizeof fn, "/proc/%d/auxv", (int)pid);
    int fd = open(fn, O_RDONLY | O_CLOEXEC);
    uint64_t kv[2], entry = 0;
    while (fd >= 0 && read(fd, kv, sizeof kv) == (ssize_t)sizeof kv && kv[0] != AT_NULL)
        if (kv[0] == AT_ENTRY) entry = kv[1];
    if (fd >= 0) close(fd);
    return entry;
}

static bool peek(pid_t pid, uint64_t addr, void *buf, size_t n)
{
    struct iovec l = {buf, n}, r = {(void *)(uintptr_t)addr, n};
    return process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)n;
}

static void json_key(StrBuf *b, const char *k)
{
    sb_json_str(b, k, strlen(k));
    sb_putc(b, ':');
}

static void json_s(StrBuf *b, const char *k, const char *v)
{
    json_key(b, k);
    sb_json_str(b, v, strlen(v));
}

/* The MR whose memfd has this inode, or -1. */
static int mr_by_inode(Sim *k, const MapLine *m, dev_t shm_dev)
{
    if (m->dev_major != major(shm_dev) || m->dev_minor != minor(shm_dev)) return -1;
    for (size_t i = 0; i < k->s->mrs.n; i++)
        if (k->mr_fd[i] >= 0 && k->mr_ino[i] == m->ino) return (int)i;
    return -1;
}

static void perms3(const char *p, char out[4])
{
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        if (p[i] != '-') out[n++] = p[i];
    out[n] = 0;
}

static void dump_map(Sim *k, StrBuf *b, const SimMap *m, const MapLine *ml, size_t nml,
                     dev_t shm_dev)
{
    const SimMr *mr = &k->s->mrs.v[m->mr];
    const MapLine *hit = NULL;
    for (size_t i = 0; i < nml; i++)
        if (ml[i].start == m->vaddr) hit = &ml[i];
    char sdfp[4] = {0};
    size_t n = 0;
    if (m->perms & SIM_PERM_R) sdfp[n++] = 'r';
    if (m->perms & SIM_PERM_W) sdfp[n++] = 'w';
    if (m->perms & SIM_PERM_X) sdfp[n++] = 'x';
    sb_puts(b, "{");
    json_s(b, "mr", mr->name);
    sb_printf(b, ",\"vaddr\":%llu,\"cached\":%s,\"mmio\":%s,\"live\":",
              (unsigned long long)m->vaddr, m->cached ? "true" : "false",
              mr->device >= 0 ? "true" : "false");
    if (!hit) {
        sb_puts(b, "null}");
        return;
    }
    char lp[4];
    perms3(hit->perms, lp);
    int id = mr_by_inode(k, hit, shm_dev);
    sb_puts(b, "{");
    if (mr->device >= 0) {
        /* registers are PROT_NONE and trapped; the trap handler enforces
         * the SDF permissions and forwards to the device model */
        json_s(b, "mr", mr->name);
        sb_printf(b, ",\"size\":%llu,\"offset\":0,", (unsigned long long)(hit->end - hit->start));
        json_s(b, "perms", sdfp);
        sb_puts(b, ",");
        json_s(b, "host_prot", lp);
        sb_puts(b, ",\"shared\":false}}");
        return;
    }
    if (id >= 0) json_s(b, "mr", k->s->mrs.v[id].name);
    else sb_puts(b, "\"mr\":null");
    sb_printf(b, ",\"size\":%llu,\"offset\":%llu,", (unsigned long long)(hit->end - hit->start),
              (unsigned long long)hit->offset);
    json_s(b, "perms", lp);
    sb_printf(b, ",\"shared\":%s}}", hit->perms[3] == 's' ? "true" : "false");
}

/* Shared mappings that are neither an SDF map nor the PD's kernel page:
 * authority the specification does not grant (should be empty). */
static void dump_extra(Sim *k, StrBuf *b, KPd *pd, const MapLine *ml, size_t nml)
{
    struct stat kst;
    fstat(pd->kfd, &kst);
    sb_puts(b, "[");
    bool first = true;
    for (size_t i = 0; i < nml; i++) {
        if (ml[i].perms[3] != 's' || ml[i].ino == (uint64_t)kst.st_ino) continue;
        bool in_sdf = false;
        for (size_t j = 0; j < pd->spd->maps.n; j++)
            if (pd->spd->maps.v[j].vaddr == ml[i].start) in_sdf = true;
        if (in_sdf) continue;
        if (!first) sb_puts(b, ",");
        first = false;
        sb_printf(b, "{\"vaddr\":%llu,\"size\":%llu,", (unsigned long long)ml[i].start,
                  (unsigned long long)(ml[i].end - ml[i].start));
        json_s(b, "path", ml[i].path);
        sb_puts(b, "}");
    }
    sb_puts(b, "]");
    (void)k;
}

static void dump_channels(Sim *k, StrBuf *b, KPd *pd)
{
    sb_puts(b, "\"channels\":[");
    bool first = true;
    for (unsigned c = 0; c < SIM_MAX_CH; c++) {
        const KChan *kc = &pd->ch[c];
        if (kc->kind != KCH_CHANNEL) continue;
        sb_printf(b, "%s{\"id\":%u,", first ? "" : ",", c);
        first = false;
        json_s(b, "peer", k->pd[kc->peer].spd->name);
        sb_printf(b, ",\"peer_id\":%u,\"notify\":%s,\"pp\":%s,\"notify_badge\":",
                  kc->peer_id, kc->notify ? "true" : "false", kc->pp ? "true" : "false");
        if (kc->notify) sb_printf(b, "\"0x%llx\"", 1ull << kc->peer_id);
        else sb_puts(b, "null");
        sb_puts(b, ",\"pp_badge\":");
        if (kc->pp) sb_printf(b, "\"0x%llx\"}", (unsigned long long)(SIM_BADGE_PPC | kc->peer_id));
        else sb_puts(b, "null}");
    }
    sb_puts(b, "],\"irqs\":[");
    first = true;
    for (size_t i = 0; i < k->irq.n; i++) {
        const KIrq *q = &k->irq.v[i];
        if (&k->pd[q->pd] != pd) continue;
        sb_printf(b, "%s{\"id\":%u,\"irq\":%llu,\"trigger\":\"%s\",\"badge\":\"0x%llx\",\"device\":",
                  first ? "" : ",", q->id, (unsigned long long)q->irq,
                  q->edge ? "edge" : "level", 1ull << q->id);
        first = false;
        if (q->dev >= 0) sb_json_str(b, k->dev[q->dev].inst->model, strlen(k->dev[q->dev].inst->model));
        else sb_puts(b, "null");
        sb_puts(b, "}");
    }
    sb_puts(b, "]");
}

static const char *setvar_kind(SimSetvarKind k)
{
    switch (k) {
    case SIM_SETVAR_VADDR: return "vaddr";
    case SIM_SETVAR_SIZE: return "size";
    case SIM_SETVAR_PADDR: return "paddr";
    case SIM_SETVAR_ID: return "id";
    }
    return "?";
}

static void dump_symbols(StrBuf *b, KPd *pd, uint64_t bias)
{
    sb_puts(b, "\"setvars\":[");
    for (size_t i = 0; i < pd->spd->setvars.n; i++) {
        const SimSetvar *sv = &pd->spd->setvars.v[i];
        uint64_t live;
        sb_puts(b, i ? ",{" : "{");
        json_s(b, "symbol", sv->symbol);
        sb_printf(b, ",\"kind\":\"%s\",\"expected\":%llu,\"live\":", setvar_kind(sv->kind),
                  (unsigned long long)sv->value);
        if (peek(pd->pid, bias + sv->sym_vaddr, &live, sizeof live))
            sb_printf(b, "%llu}", (unsigned long long)live);
        else sb_puts(b, "null}");
    }
    sb_puts(b, "]");
}

/* The bitmaps libmicrokit checks, read from the process. */
static void dump_libmicrokit(StrBuf *b, KPd *pd, uint64_t bias)
{
    SimElf e;
    char err[128];
    sb_puts(b, "\"libmicrokit\":");
    if (!sim_elf_open(pd->spd->image_path, &e, err, sizeof err)) {
        sb_puts(b, "null");
        return;
    }
    static const char *const words[] = {"microkit_notifications", "microkit_pps", "microkit_irqs"};
    sb_puts(b, "{");
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        uint64_t a, sz, v;
        json_key(b, words[i] + 9);
        if (sim_elf_symbol(&e, words[i], &a, &sz) && peek(pd->pid, bias + a, &v, sizeof v))
            sb_printf(b, "\"0x%llx\",", (unsigned long long)v);
        else sb_puts(b, "null,");
    }
    uint64_t a, sz;
    char nm[64] = {0};
    json_key(b, "name");
    if (sim_elf_symbol(&e, "microkit_name", &a, &sz) && peek(pd->pid, bias + a, nm, sizeof nm)) {
        nm[sizeof nm - 1] = 0;
        sb_json_str(b, nm, strlen(nm));
    } else sb_puts(b, "null");
    sb_puts(b, "}");
    sim_elf_close(&e);
}

static void dump_pd(Sim *k, StrBuf *b, KPd *pd, dev_t shm_dev)
{
    const SimPd *spd = pd->spd;
    MapLine *ml = NULL;
    size_t nml = read_maps(pd->pid, &ml);
    uint64_t bias = auxv_entry(pd->pid) - spd->image_entry;
    char real[PATH_MAX];
    bool image = false;
    if (realpath(spd->image_path, real))
        for (size_t i = 0; i < nml; i++) image |= !strcmp(ml[i].path, real);
    sb_puts(b, "{");
    json_s(b, "name", spd->name);
    sb_printf(b, ",\"priority\":%u,\"budget\":%llu,\"period\":%llu,\"passive\":%s,\"cpu\":%u,"
              "\"stack_size\":%llu,", spd->priority, (unsigned long long)spd->budget,
              (unsigned long long)spd->period, spd->passive ? "true" : "false", spd->cpu,
              (unsigned long long)spd->stack_size);
    if (spd->parent >= 0) {
        json_s(b, "parent", k->s->pds.v[spd->parent].name);
        sb_printf(b, ",\"child_id\":%u,", spd->child_id);
    } else {
        sb_puts(b, "\"parent\":null,\"child_id\":null,");
    }
    json_s(b, "program_image", spd->image_path);
    sb_printf(b, ",\"image_mapped\":%s,\"maps\":[", image ? "true" : "false");
    /* sorted by vaddr: the order of the SDF is not part of the state */
    VEC(const SimMap *) sorted = {0};
    for (size_t i = 0; i < spd->maps.n; i++) {
        size_t j = sorted.n;
        vec_push(&sorted, &spd->maps.v[i]);
        while (j > 0 && sorted.v[j - 1]->vaddr > spd->maps.v[i].vaddr) {
            sorted.v[j] = sorted.v[j - 1];
            j--;
        }
        sorted.v[j] = &spd->maps.v[i];
    }
    for (size_t i = 0; i < sorted.n; i++) {
        if (i) sb_puts(b, ",");
        dump_map(k, b, sorted.v[i], ml, nml, shm_dev);
    }
    vec_free(&sorted);
    sb_puts(b, "],\"extra_shared_mappings\":");
    dump_extra(k, b, pd, ml, nml);
    sb_puts(b, ",");
    dump_channels(k, b, pd);
    sb_puts(b, ",");
    dump_symbols(b, pd, bias);
    sb_puts(b, ",");
    dump_libmicrokit(b, pd, bias);
    sb_puts(b, "}");
    free(ml);
}

static bool write_out(const char *path, StrBuf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) return false;
    bool ok = fwrite(b->s, 1, b->n, f) == b->n;
    if (f != stdout) ok &= fclose(f) == 0;
    else fflush(f);
    return ok;
}

bool sim_dump_state(Sim *k, const char *path)
{
    StrBuf b = {0};
    struct stat st;
    dev_t shm_dev = 0;
    for (size_t i = 0; i < k->s->mrs.n; i++)
        if (k->mr_fd[i] >= 0 && fstat(k->mr_fd[i], &st) == 0) shm_dev = st.st_dev;
    sb_puts(&b, "{");
    json_s(&b, "system", k->s->path);
    sb_puts(&b, ",\"memory_regions\":[");
    for (size_t i = 0; i < k->s->mrs.n; i++) {
        const SimMr *mr = &k->s->mrs.v[i];
        sb_puts(&b, i ? ",{" : "{");
        json_s(&b, "name", mr->name);
        sb_printf(&b, ",\"size\":%llu,\"page_size\":%llu,\"paddr\":",
                  (unsigned long long)mr->size, (unsigned long long)mr->page_size);
        if (mr->has_paddr) sb_printf(&b, "%llu", (unsigned long long)mr->paddr);
        else sb_puts(&b, "null");
        sb_puts(&b, ",\"device\":");
        if (mr->device >= 0) {
            const char *model = k->s->devs.v[mr->device].model;
            sb_json_str(&b, model, strlen(model));
        } else {
            sb_puts(&b, "null");
        }
        sb_puts(&b, "}");
    }
    sb_puts(&b, "],\"protection_domains\":[");
    for (size_t p = 0; p < k->npd; p++) {
        if (p) sb_puts(&b, ",\n");
        dump_pd(k, &b, &k->pd[p], shm_dev);
    }
    sb_puts(&b, "]}\n");
    bool ok = write_out(path, &b);
    if (!ok)
        diag_add(k->dl, DIAG_ERROR, "io", NULL, "cannot write '%s': %s", path, strerror(errno));
    sb_free(&b);
    return ok;
}

/* null, and why: the schema has null where the host refuses to count */
static void instructions_unavailable(StrBuf *b, const KPd *pd)
{
    char why[200];
    int e = pd->perf_errno;
    if (e == EACCES || e == EPERM) {
        char paranoid[16] = "?";
        FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
        if (f) {
            if (!fgets(paranoid, sizeof paranoid, f)) strcpy(paranoid, "?");
            paranoid[strcspn(paranoid, "\n")] = 0;
            fclose(f);
        }
        snprintf(why, sizeof why, "perf_event_open refused: %s (kernel.perf_event_paranoid = "
                 "%s, or a container's policy)", strerror(e), paranoid);
    } else if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
        snprintf(why, sizeof why, "no hardware instruction counter on this host "
                 "(perf_event_open: %s; usual in virtual machines)", strerror(e));
    } else if (e) {
        snprintf(why, sizeof why, "perf_event_open: %s", strerror(e));
    } else {
        snprintf(why, sizeof why, "the counter could not be read");
    }
    sb_puts(b, "null,");
    json_s(b, "instructions_unavailable", why);
}

bool sim_write_report(Sim *k, const char *path)
{
    StrBuf b = {0};
    sb_puts(&b, "{\"load\":");
    sim_wire_report(k, &b);
    sb_puts(&b, ",\n\"pds\":[");
    for (size_t p = 0; p < k->npd; p++) {
        KPd *pd = &k->pd[p];
        sb_puts(&b, p ? ",\n{" : "\n{");
        json_s(&b, "name", pd->spd->name);
        sb_printf(&b, ",\"cpu_user_s\":%.6f,\"cpu_sys_s\":%.6f,\"instructions\":",
                  (double)pd->ru.ru_utime.tv_sec + (double)pd->ru.ru_utime.tv_usec / 1e6,
                  (double)pd->ru.ru_stime.tv_sec + (double)pd->ru.ru_stime.tv_usec / 1e6);
        if (pd->have_instructions) sb_printf(&b, "%llu", (unsigned long long)pd->instructions);
        else instructions_unavailable(&b, pd);
        sb_printf(&b, ",\"notified\":%llu,\"notifications_sent\":%llu,\"irqs\":%llu,"
                  "\"ppcalls\":%llu,\"protected\":%llu,\"mmio\":%llu,\"kernel_calls\":%llu,",
                  (unsigned long long)pd->n_notified, (unsigned long long)pd->n_sent,
                  (unsigned long long)pd->n_irqs, (unsigned long long)pd->n_ppcalls,
                  (unsigned long long)pd->n_protected, (unsigned long long)pd->n_mmio,
                  (unsigned long long)pd->n_kcalls);
        /* reported by the PD's runtime (informational): wall time spent in
         * the MMIO trap handler, which the CPU figures above include */
        sb_printf(&b, "\"mmio_trap_wall_s\":%.6f,", (double)pd->kp->trap_ns / 1e9);
        sb_printf(&b, "\"faults\":%llu,\"restarts\":%llu,", (unsigned long long)pd->n_faults,
                  (unsigned long long)pd->n_restarts);
        sb_printf(&b, "\"budget_us\":%llu,\"period_us\":%llu,\"throttled\":%llu,"
                  "\"preempt_signals\":%llu,",
                  (unsigned long long)pd->spd->budget, (unsigned long long)pd->spd->period,
                  (unsigned long long)pd->n_throttled, (unsigned long long)pd->n_preempt_signals);
        json_s(&b, "state", k_state_name(pd->st));
        sb_puts(&b, "}");
    }
    sb_puts(&b, "],\n\"devices\":[");
    for (size_t d = 0; d < k->ndev; d++) {
        sb_puts(&b, d ? ",{" : "{");
        json_s(&b, "model", k->dev[d].inst->model);
        sb_puts(&b, ",\"stats\":");
        if (k->dev[d].m->stats_json) k->dev[d].m->stats_json(k->dev[d].d, &b);
        else sb_puts(&b, "null");
        sb_puts(&b, "}");
    }
    /* the emulator's own CPU: ours, the PDs are children (RUSAGE_CHILDREN) */
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    sb_printf(&b, "],\n\"run\":{\"seconds\":%.6f,\"context_switches\":%llu,"
              "\"emulator_cpu_user_s\":%.6f,\"emulator_cpu_sys_s\":%.6f,",
              (double)(sim_now_ns() - k->t0) / 1e9, (unsigned long long)k->n_switches,
              (double)self.ru_utime.tv_sec + (double)self.ru_utime.tv_usec / 1e6,
              (double)self.ru_stime.tv_sec + (double)self.ru_stime.tv_usec / 1e6);
    json_s(&b, "stop_reason", k->stop_reason ? k->stop_reason : "");
    sb_puts(&b, "}}\n");
    bool ok = write_out(path, &b);
    if (!ok)
        diag_add(k->dl, DIAG_ERROR, "io", NULL, "cannot write '%s': %s", path, strerror(errno));
    sb_free(&b);
    return ok;
}
