/*
 * Realising a system: one memfd per RAM memory region (zeroed, or
 * prefilled), one kernel page per PD (sim_proto.h) with its boot
 * configuration, one process per PD, then waiting until every PD has
 * mapped its regions and reported BOOTED. Teardown kills and reaps every
 * child whatever state it is in.
 *
 * Capabilities become file descriptors: a PD process inherits only the
 * descriptors of the regions it maps (everything else is close-on-exec),
 * and a region mapped without 'w' is passed as a read-only file
 * description, so the PD cannot gain write access even with mprotect.
 */
#include "sim_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static Diag *env_error(Sim *k, const char *what)
{
    return diag_add(k->dl, DIAG_ERROR, "sim", NULL, "%s: %s", what, strerror(errno));
}

static bool make_mr(Sim *k, size_t i)
{
    SimMr *mr = &k->s->mrs.v[i];
    k->mr_fd[i] = -1;
    if (mr->device >= 0) return true;
    int fd = memfd_create(mr->name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)mr->size)) {
        env_error(k, "memfd_create");
        if (fd >= 0) close(fd);
        return false;
    }
    void *p = mmap(NULL, mr->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        env_error(k, "mmap of a memory region");
        close(fd);
        return false;
    }
    struct stat st;
    fstat(fd, &st);
    k->mr_fd[i] = fd;
    k->mr_map[i] = p;
    k->mr_ino[i] = (uint64_t)st.st_ino;
    if (mr->prefill_path) {
        size_t len;
        char *data = read_file(mr->prefill_path, &len);
        if (!data || len > mr->size) {
            diag_add(k->dl, DIAG_ERROR, "sim", &mr->span,
                     data ? "prefill file '%s' is larger than memory region '%s'"
                          : "cannot read prefill file '%s' for memory region '%s'",
                     mr->prefill_path, mr->name);
            free(data);
            return false;
        }
        memcpy(p, data, len);
        free(data);
    }
    return true;
}

/* Channel tables and the bitmaps libmicrokit checks (reference §1.3). */
static void build_channels(Sim *k)
{
    SimSystem *s = k->s;
    for (size_t c = 0; c < s->channels.n; c++) {
        SimChannel *ch = &s->channels.v[c];
        for (int e = 0; e < 2; e++) {
            SimEnd *me = &ch->end[e], *peer = &ch->end[1 - e];
            KChan *kc = &k->pd[me->pd].ch[me->id];
            kc->kind = KCH_CHANNEL;
            kc->peer = peer->pd;
            kc->peer_id = peer->id;
            kc->notify = me->notify;
            kc->pp = me->pp;
        }
    }
    for (size_t p = 0; p < s->pds.n; p++)
        for (size_t i = 0; i < s->pds.v[p].irqs.n; i++) {
            const SimIrq *q = &s->pds.v[p].irqs.v[i];
            KIrq ki = {.pd = (int)p, .id = q->id, .irq = q->irq, .dev = -1, .edge = q->edge};
            for (size_t d = 0; d < k->ndev; d++)
                if (k->dev[d].inst->irq == q->irq) ki.dev = (int)d;
            k->pd[p].ch[q->id].kind = KCH_IRQ;
            k->pd[p].ch[q->id].peer = (int)k->irq.n;
            vec_push(&k->irq, ki);
        }
}

/* A file descriptor the child may map the region through. */
static int map_fd(Sim *k, const SimMap *m)
{
    int fd = k->mr_fd[m->mr];
    if (m->perms & SIM_PERM_W) return fcntl(fd, F_DUPFD_CLOEXEC, 3);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return open(path, O_RDONLY | O_CLOEXEC);
}

static bool fill_boot(Sim *k, int p, SimBootCfg *b)
{
    KPd *pd = &k->pd[p];
    const SimPd *spd = pd->spd;
    memset(b, 0, sizeof *b);
    b->magic = SIM_PROTO_MAGIC;
    b->pd_index = (uint32_t)p;
    snprintf(b->name, sizeof b->name, "%s", spd->name);
    b->image_entry = spd->image_entry;
    b->efd = pd->efd;
    b->passive = spd->passive;
    for (unsigned c = 0; c < SIM_MAX_CH; c++) {
        const KChan *kc = &pd->ch[c];
        if (kc->kind == KCH_IRQ) b->irqs |= 1ull << c;
        if (kc->kind != KCH_CHANNEL) continue;
        if (kc->notify) b->notifications |= 1ull << c;
        if (kc->pp) b->pps |= 1ull << c;
        if (kc->notify && k->pd[kc->peer].spd->priority > spd->priority) b->preempt |= 1ull << c;
    }
    if (spd->maps.n > SIM_MAX_MAPS || spd->setvars.n > SIM_MAX_PATCHES) {
        diag_add(k->dl, DIAG_ERROR, "sim", &spd->span,
                 "protection domain '%s' has more than %d maps or setvars (emulator limit)",
                 spd->name, SIM_MAX_MAPS);
        return false;
    }
    b->nmaps = (uint32_t)spd->maps.n;
    for (size_t i = 0; i < spd->maps.n; i++) {
        const SimMap *m = &spd->maps.v[i];
        SimMapCfg *mc = &b->maps[i];
        mc->vaddr = m->vaddr;
        mc->size = k->s->mrs.v[m->mr].size;
        mc->perms = m->perms;
        mc->mr = (uint32_t)m->mr;
        mc->mmio = k->s->mrs.v[m->mr].device >= 0;
        mc->fd = mc->mmio ? -1 : map_fd(k, m);
        if (!mc->mmio && mc->fd < 0) {
            env_error(k, "reopening a memory region");
            return false;
        }
    }
    b->npatches = (uint32_t)spd->setvars.n;
    for (size_t i = 0; i < spd->setvars.n; i++) {
        b->patches[i].sym_vaddr = spd->setvars.v[i].sym_vaddr;
        b->patches[i].value = spd->setvars.v[i].value;
    }
    return true;
}

static void close_boot_fds(SimBootCfg *b)
{
    for (uint32_t i = 0; i < b->nmaps; i++)
        if (b->maps[i].fd >= 0) close(b->maps[i].fd);
}

/* Counts user-mode instructions of the child from its exec on, where the
 * host allows it (perf_event_paranoid, containers); -1 otherwise. */
static int perf_open(pid_t pid)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_HARDWARE;
    a.config = PERF_COUNT_HW_INSTRUCTIONS;
    a.disabled = 1;
    a.enable_on_exec = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void keep_fd(int fd)
{
    if (fd >= 0) fcntl(fd, F_SETFD, 0);
}

/* In the child: own process group (a terminal's ^C goes to the emulator,
 * which then ends every PD), die with the emulator, default signals, only
 * this PD's descriptors, then wait for the go and exec. */
static void child(Sim *k, int p, int go_fd, pid_t parent)
{
    KPd *pd = &k->pd[p];
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    keep_fd(pd->kfd);
    keep_fd(pd->efd);
    for (uint32_t i = 0; i < pd->kp->boot.nmaps; i++) keep_fd(pd->kp->boot.maps[i].fd);
    if (k->pd_cpu >= 0) {
        cpu_set_t cs;
        CPU_ZERO(&cs);
        CPU_SET(k->pd_cpu, &cs);
        sched_setaffinity(0, sizeof cs, &cs);
    }
    char c;
    if (read(go_fd, &c, 1) != 1) _exit(127);
    char env[64];
    snprintf(env, sizeof env, "%d", pd->kfd);
    setenv(SIM_KPAGE_ENV, env, 1);
    char *argv[] = {(char *)pd->spd->name, NULL};
    execve(pd->spd->image_path, argv, environ);
    snprintf(pd->kp->text, sizeof pd->kp->text, "cannot execute '%s': %s",
             pd->spd->image_path, strerror(errno));
    _exit(127);
}

static bool spawn(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC)) {
        env_error(k, "pipe");
        return false;
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        env_error(k, "fork");
        close(pipefd[0]);
        close(pipefd[1]);
        return false;
    }
    if (pid == 0) child(k, p, pipefd[0], parent);
    close(pipefd[0]);
    pd->pid = pid;
    pd->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    pd->perf_fd = perf_open(pid);
    pd->perf_errno = pd->perf_fd < 0 ? errno : 0;
    pd->have_cpuclk = clock_getcpuclockid(pid, &pd->cpuclk) == 0;
    ssize_t w = write(pipefd[1], "g", 1);
    close(pipefd[1]);
    close_boot_fds(&pd->kp->boot);
    if (pd->pidfd < 0 || w != 1) {
        env_error(k, "starting a PD process");
        return false;
    }
    return true;
}

static bool epoll_add(Sim *k, int fd, uint64_t tag)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
    if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, fd, &ev)) {
        env_error(k, "epoll_ctl");
        return false;
    }
    return true;
}

static bool make_pd(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    pd->kfd = memfd_create("griddle-kpage", MFD_CLOEXEC);
    pd->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pd->kfd < 0 || pd->efd < 0 || ftruncate(pd->kfd, SIM_KPAGE_SIZE)) {
        env_error(k, "creating a kernel page");
        return false;
    }
    void *m = mmap(NULL, SIM_KPAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, pd->kfd, 0);
    if (m == MAP_FAILED) {
        env_error(k, "mmap of a kernel page");
        return false;
    }
    pd->kp = m;
    pd->kp->kern_waiting = 1;
    if (!fill_boot(k, p, &pd->kp->boot)) return false;
    return epoll_add(k, pd->efd, ((uint64_t)1 << 32) | (uint64_t)p) && spawn(k, p) &&
           epoll_add(k, pd->pidfd, ((uint64_t)2 << 32) | (uint64_t)p);
}

uint8_t *sim_dma(void *ctx, uint64_t paddr, size_t len)
{
    Sim *k = ctx;
    for (size_t i = 0; i < k->s->mrs.n; i++) {
        const SimMr *mr = &k->s->mrs.v[i];
        if (!mr->has_paddr || mr->device >= 0 || !k->mr_map[i]) continue;
        if (paddr >= mr->paddr && paddr - mr->paddr <= mr->size &&
            len <= mr->size - (paddr - mr->paddr))
            return k->mr_map[i] + (paddr - mr->paddr);
    }
    return NULL;
}

static void make_devices(Sim *k)
{
    k->dev = xcalloc(k->s->devs.n ? k->s->devs.n : 1, sizeof *k->dev);
    for (size_t i = 0; i < k->s->devs.n; i++) {
        SimDevInst *inst = &k->s->devs.v[i];
        if (inst->mr < 0) continue; /* not used by this system */
        KDev *d = &k->dev[k->ndev++];
        d->inst = inst;
        d->m = sim_dev_model(inst->model);
        d->next_tick = UINT64_MAX;
        /* a locally administered MAC, as U-Boot would have left in PALR/PAUR */
        uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, (uint8_t)(0x10 + i)};
        d->d = d->m->create(&k->host, mac);
    }
}

bool sim_realise(Sim *k)
{
    SimSystem *s = k->s;
    size_t nmr = s->mrs.n ? s->mrs.n : 1;
    k->mr_fd = xcalloc(nmr, sizeof *k->mr_fd);
    k->mr_map = xcalloc(nmr, sizeof *k->mr_map);
    k->mr_ino = xcalloc(nmr, sizeof *k->mr_ino);
    for (size_t i = 0; i < nmr; i++) k->mr_fd[i] = -1;
    k->npd = s->pds.n;
    k->pd = xcalloc(k->npd, sizeof *k->pd);
    for (size_t p = 0; p < k->npd; p++) {
        KPd *pd = &k->pd[p];
        pd->spd = &s->pds.v[p];
        pd->pid = -1;
        pd->pidfd = pd->efd = pd->kfd = pd->perf_fd = -1;
        pd->serving = pd->calling = -1;
        pd->st = K_BOOTING;
    }
    for (size_t i = 0; i < s->mrs.n; i++)
        if (!make_mr(k, i)) return false;
    make_devices(k);
    build_channels(k);
    for (size_t p = 0; p < k->npd; p++)
        if (!make_pd(k, (int)p)) return false;
    return true;
}

static void boot_failed(Sim *k, KPd *pd)
{
    SimKPage *kp = pd->kp;
    char text[sizeof kp->text];
    memcpy(text, kp->text, sizeof text);
    text[sizeof text - 1] = 0;
    uint32_t mi = kp->ch;
    if (mi < pd->spd->maps.n) {
        const SimMap *m = &pd->spd->maps.v[mi];
        Diag *d = diag_add(k->dl, DIAG_ERROR, "sim", &m->span,
                           "cannot map memory region '%s' at 0x%llx in '%s': %s",
                           k->s->mrs.v[m->mr].name, (unsigned long long)m->vaddr,
                           pd->spd->name, text);
        if (kp->val == EEXIST)
            diag_note(d, NULL, "the address range is already in use in the PD process (by its "
                      "program image, libraries, heap or stack); move the map");
        return;
    }
    diag_add(k->dl, DIAG_ERROR, "sim", &pd->spd->span, "protection domain '%s' failed to "
             "start: %s", pd->spd->name, text);
}

/* Handles one boot-time event; false if start-up failed. */
static bool boot_event(Sim *k, uint64_t tag)
{
    int p = (int)(tag & 0xffffffff);
    KPd *pd = &k->pd[p];
    if (tag >> 32 == 2) {
        char text[sizeof pd->kp->text];
        memcpy(text, pd->kp->text, sizeof text);
        text[sizeof text - 1] = 0;
        k_pd_died(k, p);
        diag_add(k->dl, DIAG_ERROR, "sim", &pd->spd->image_span,
                 "protection domain '%s' exited during start-up%s%s", pd->spd->name,
                 text[0] ? ": " : "", text);
        return false;
    }
    uint64_t cnt;
    if (read(pd->efd, &cnt, sizeof cnt) < 0 && errno != EAGAIN) return true;
    uint32_t seq = __atomic_load_n(&pd->kp->pd_seq, __ATOMIC_ACQUIRE);
    if (pd->st != K_BOOTING || seq == pd->seen_seq) return true;
    pd->seen_seq = seq;
    if (pd->kp->op != SIM_OP_BOOTED || pd->kp->status) {
        boot_failed(k, pd);
        return false;
    }
    pd->st = K_READY;
    pd->stamp = ++k->next_stamp;
    return true;
}

bool sim_boot_wait(Sim *k)
{
    uint64_t deadline = sim_now_ns() + 10000000000ull;
    for (;;) {
        size_t booting = 0;
        for (size_t p = 0; p < k->npd; p++) booting += k->pd[p].st == K_BOOTING;
        if (!booting) {
            /* boots finish in any order; equal priorities start in SDF order */
            for (size_t p = 0; p < k->npd; p++) k->pd[p].stamp = ++k->next_stamp;
            return true;
        }
        uint64_t now = sim_now_ns();
        if (now >= deadline) {
            for (size_t p = 0; p < k->npd; p++)
                if (k->pd[p].st == K_BOOTING)
                    diag_add(k->dl, DIAG_ERROR, "sim", &k->pd[p].spd->span,
                             "protection domain '%s' did not start within 10 s",
                             k->pd[p].spd->name);
            return false;
        }
        struct epoll_event ev[16];
        int n = epoll_wait(k->epfd, ev, 16, (int)((deadline - now) / 1000000 + 1));
        if (n < 0 && errno != EINTR) {
            env_error(k, "epoll_wait");
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.u64 >> 32 == 3) {    /* signalfd: interrupted */
                diag_add(k->dl, DIAG_ERROR, "sim", NULL, "interrupted during start-up");
                return false;
            }
            if (ev[i].data.u64 >> 32 >= 1 && ev[i].data.u64 >> 32 <= 2 &&
                !boot_event(k, ev[i].data.u64))
                return false;
        }
    }
}

static void read_perf(KPd *pd)
{
    if (pd->perf_fd < 0) return;
    uint64_t v;
    if (read(pd->perf_fd, &v, sizeof v) == (ssize_t)sizeof v) {
        pd->instructions = v;
        pd->have_instructions = true;
    }
    close(pd->perf_fd);
    pd->perf_fd = -1;
}

void sim_teardown(Sim *k)
{
    for (size_t p = 0; p < k->npd; p++) {
        KPd *pd = &k->pd[p];
        read_perf(pd);
        if (pd->pid > 0 && !pd->reaped) kill(pd->pid, SIGKILL);
    }
    for (size_t p = 0; p < k->npd; p++) {
        KPd *pd = &k->pd[p];
        if (pd->pid > 0 && !pd->reaped) {
            while (wait4(pd->pid, &pd->wstatus, 0, &pd->ru) < 0 && errno == EINTR) {}
            pd->reaped = true;
        }
    }
}

void sim_release(Sim *k)
{
    for (size_t p = 0; p < k->npd; p++) {
        KPd *pd = &k->pd[p];
        if (pd->pidfd >= 0) close(pd->pidfd);
        if (pd->efd >= 0) close(pd->efd);
        if (pd->kfd >= 0) close(pd->kfd);
        if (pd->kp) munmap(pd->kp, SIM_KPAGE_SIZE);
    }
    for (size_t i = 0; i < k->s->mrs.n; i++) {
        if (k->mr_map && k->mr_map[i]) munmap(k->mr_map[i], k->s->mrs.v[i].size);
        if (k->mr_fd && k->mr_fd[i] >= 0) close(k->mr_fd[i]);
    }
    for (size_t d = 0; d < k->ndev; d++)
        if (k->dev[d].d) k->dev[d].m->destroy(k->dev[d].d);
    free(k->dev);
    free(k->pd);
    free(k->mr_fd);
    free(k->mr_map);
    free(k->mr_ino);
    vec_free(&k->irq);
}
