/*
 * sim_run: realise the system, then the emulator's event loop. One thread
 * waits (epoll) on: the running PD's requests (eventfds), PD exits
 * (pidfds), SIGINT/SIGTERM (a signalfd: the signals are blocked for the
 * run, so there is no handler and no global flag), wire input and the
 * timers of device models and the load generator. Stops at --duration,
 * when the load is done, on a signal, or when the system is idle with no
 * source of outside events left.
 */
#include "sim_int.h"
#include "wire.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

static uint64_t host_now(void *ctx)
{
    (void)ctx;
    return sim_now_ns();
}

/* --pin: the emulator on the first CPU we may use, every PD on the
 * second (one PD runs at a time, as on one seL4 core); the emulator then
 * spins briefly for requests instead of sleeping. */
static void pin(Sim *k)
{
    cpu_set_t cs;
    int cpus[2], n = 0;
    if (sched_getaffinity(0, sizeof cs, &cs) == 0)
        for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
            if (CPU_ISSET(c, &cs)) cpus[n++] = c;
    if (n < 2) {
        diag_add(k->dl, DIAG_WARNING, "sim", NULL, "--pin needs two CPUs; running unpinned");
        return;
    }
    CPU_ZERO(&cs);
    CPU_SET(cpus[0], &cs);
    if (sched_setaffinity(0, sizeof cs, &cs) == 0) k->pd_cpu = cpus[1];
}

static void stop(Sim *k, const char *why)
{
    if (!k->stop) k->stop_reason = why;
    k->stop = true;
}

static bool anyone_ready(Sim *k)
{
    for (size_t i = 0; i < k->npd; i++)
        if (k->pd[i].st == K_READY || k->pd[i].st == K_RUNNING) return true;
    return false;
}

static void on_event(Sim *k, uint64_t tag)
{
    int p = (int)(tag & 0xffffffff);
    switch (tag >> 32) {
    case 1: {
        uint64_t cnt;
        if (read(k->pd[p].efd, &cnt, sizeof cnt) < 0 && errno != EAGAIN) return;
        k_request(k, p);
        break;
    }
    case 2:
        epoll_ctl(k->epfd, EPOLL_CTL_DEL, k->pd[p].pidfd, NULL);
        k_pd_died(k, p);
        break;
    case 3: {
        struct signalfd_siginfo si;
        if (read(k->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
            stop(k, si.ssi_signo == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
        break;
    }
    case 4: sim_wire_readable(k); break;
    default: break;
    }
}

/* Devices and the load generator act when their time comes; returns the
 * next time anything is due. */
/* A PD that holds the baton for long without a kernel call stops the
 * whole system (there is no preemption by time): say so, once. */
#define LONG_RUN_NS 5000000000ull

static uint64_t watchdog(Sim *k, uint64_t now)
{
    if (k->running < 0) return UINT64_MAX;
    KPd *pd = &k->pd[k->running];
    uint64_t due = pd->run_since + LONG_RUN_NS;
    if (now < due) return due;
    if (!pd->warned_long_run) {
        pd->warned_long_run = true;
        fprintf(k->log, "MON|WARN: PD '%s' has run for %.0f s without a kernel call; the rest "
                "of the system waits (an endless loop?)\n", pd->spd->name,
                (double)(now - pd->run_since) / 1e9);
        fflush(k->log);
    }
    return UINT64_MAX;
}

static uint64_t timers(Sim *k, uint64_t now)
{
    uint64_t next = watchdog(k, now);
    for (size_t d = 0; d < k->ndev; d++) {
        KDev *dv = &k->dev[d];
        if (dv->next_tick <= now) dv->next_tick = dv->m->tick(dv->d, now);
        if (dv->next_tick < next) next = dv->next_tick;
    }
    uint64_t w = sim_wire_poll(k, now);
    if (w < next) next = w;
    k_irq_update(k);
    return next;
}

/* While a PD runs, its next request usually follows within microseconds
 * (device accesses, signals): spin on its sequence number for a little
 * while instead of sleeping, and tell it not to bother with the eventfd
 * (kern_waiting = 0). Returns true if a request was handled. */
static bool spin_for_request(Sim *k, uint64_t until)
{
    int p = k->running;
    if (p < 0) return false;
    SimKPage *kp = k->pd[p].kp;
    uint64_t stop_at = sim_now_ns() + 30000;
    if (stop_at > until) stop_at = until;
    __atomic_store_n(&kp->kern_waiting, 0, __ATOMIC_SEQ_CST);
    bool got = false;
    for (unsigned i = 0;; i++) {
        if (__atomic_load_n(&kp->pd_seq, __ATOMIC_ACQUIRE) != k->pd[p].seen_seq) {
            got = true;
            break;
        }
        if ((i & 63) == 63 && sim_now_ns() >= stop_at) break;
        __builtin_ia32_pause();
    }
    __atomic_store_n(&kp->kern_waiting, 1, __ATOMIC_SEQ_CST);
    /* the PD may have posted just before seeing kern_waiting = 1 */
    if (!got && __atomic_load_n(&kp->pd_seq, __ATOMIC_SEQ_CST) != k->pd[p].seen_seq) got = true;
    if (got) k_request(k, p);
    return got;
}

static void main_loop(Sim *k)
{
    unsigned spun = 0;
    uint64_t end = k->o->duration_s > 0 ? k->t0 + (uint64_t)(k->o->duration_s * 1e9) : UINT64_MAX;
    while (!k->stop) {
        k_schedule(k);
        uint64_t now = sim_now_ns();
        if (now >= end) {
            stop(k, "duration reached");
            break;
        }
        if (!anyone_ready(k)) k->settled = true;
        uint64_t next = timers(k, now);
        if (sim_wire_done(k)) {
            stop(k, "load finished");
            break;
        }
        k_schedule(k);
        uint64_t e = k_enforce(k, sim_now_ns());
        if (e < next) next = e;
        if (next > end) next = end;
        if (!anyone_ready(k) && next == UINT64_MAX && !sim_wire_external(k)) {
            stop(k, "idle: every PD is waiting and nothing outside can wake one");
            break;
        }
        /* poll the other event sources at least every 64 spun requests.
         * Unpinned, spinning was measured to hurt (the woken PD tends to be
         * queued on the spinning CPU), so only --pin spins. */
        if (k->pd_cpu >= 0 && ++spun < 64 && spin_for_request(k, next)) continue;
        spun = 0;
        now = sim_now_ns();
        struct timespec ts, *tp = NULL;
        if (next != UINT64_MAX) {
            uint64_t dt = next > now ? next - now : 0;
            ts.tv_sec = (time_t)(dt / 1000000000u);
            ts.tv_nsec = (long)(dt % 1000000000u);
            tp = &ts;
        }
        struct epoll_event ev[32];
        int n = epoll_pwait2(k->epfd, ev, 32, tp, NULL);
        if (n < 0 && errno != EINTR) {
            diag_add(k->dl, DIAG_ERROR, "sim", NULL, "epoll_pwait2: %s", strerror(errno));
            stop(k, "error");
        }
        for (int i = 0; i < n; i++) on_event(k, ev[i].data.u64);
    }
}

static void summary(Sim *k)
{
    double secs = (double)(sim_now_ns() - k->t0) / 1e9;
    fprintf(k->log, "griddle sim: stopped after %.3f s: %s; %llu context switches\n", secs,
            k->stop_reason ? k->stop_reason : "?", (unsigned long long)k->n_switches);
    for (size_t i = 0; i < k->npd; i++) {
        KPd *pd = &k->pd[i];
        if (pd->st == K_FAULTED || pd->st == K_DEAD || pd->st == K_STOPPED)
            fprintf(k->log, "griddle sim: PD '%s' is %s\n", pd->spd->name, k_state_name(pd->st));
    }
}

static bool setup_fds(Sim *k, sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    k->sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
    k->epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)3 << 32};
    if (k->sigfd < 0 || k->epfd < 0 || epoll_ctl(k->epfd, EPOLL_CTL_ADD, k->sigfd, &ev)) {
        diag_add(k->dl, DIAG_ERROR, "sim", NULL, "cannot set up the event loop: %s",
                 strerror(errno));
        return false;
    }
    return true;
}

/* Consumes signals that arrived during the run, so unblocking them does
 * not kill the process after the emulator has cleaned up. */
static void drain_signals(Sim *k)
{
    struct signalfd_siginfo si;
    while (k->sigfd >= 0 && read(k->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {}
}

int sim_run(SimSystem *s, const SimRunOpts *o, DiagList *dl)
{
    Sim k;
    memset(&k, 0, sizeof k);
    k.s = s;
    k.o = o;
    k.dl = dl;
    k.log = o->log ? o->log : stderr;
    k.running = k.last_ran = -1;
    k.pd_cpu = -1;
    k.epfd = k.sigfd = -1;
    k.host = (SimDevHost){.ctx = &k, .dma = sim_dma, .wire_tx = sim_wire_tx, .now = host_now};
    sigset_t set, old;
    int rc = 0;
    bool fds_ok = setup_fds(&k, &set);
    sigprocmask(SIG_BLOCK, &set, &old);
    if (o->pin) pin(&k);
    k.t0 = sim_now_ns();
    if (!fds_ok) rc = 3;
    else if (!sim_wire_start(&k)) rc = 3;
    else if (!sim_realise(&k) || !sim_boot_wait(&k)) rc = 1;
    if (rc == 0 && o->dump_state_path && !sim_dump_state(&k, o->dump_state_path)) rc = 3;
    if (rc == 0 && !o->dump_only) {
        k.t0 = sim_now_ns();
        k_start(&k);
        main_loop(&k);
        summary(&k);
        rc = sim_wire_finish(&k);
    }
    sim_teardown(&k);
    if (rc != 1 && rc != 3 && o->report_path && !sim_write_report(&k, o->report_path)) rc = 3;
    sim_release(&k);
    sim_wire_free(&k);
    drain_signals(&k);
    if (k.epfd >= 0) close(k.epfd);
    if (k.sigfd >= 0) close(k.sigfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    fflush(k.log);
    return rc;
}
