/*
 * The kernel emulator: seL4 semantics for Microkit PDs (reference §1.4).
 *
 *  - Notifications: a per-PD word; a signal ORs the receiver's bit in; a
 *    PD waiting in Recv takes the whole word at once (and the word is
 *    cleared), otherwise bits accumulate, so N signals before delivery
 *    make one notified(); the runtime dispatches bits in ascending order.
 *  - PPC: the caller blocks; the callee must be strictly higher priority
 *    (checked statically); a busy callee's callers queue on its endpoint
 *    by priority, then FIFO; pending notifications are taken before
 *    queued calls (seL4's bound notification). MRs are copied both ways.
 *  - IRQs: delivered as a notification bit when the device's line is
 *    asserted, then masked until microkit_irq_ack; a level line still
 *    asserted at the ack fires again at once.
 *  - Scheduling: one PD holds the baton (one seL4 core). At every kernel
 *    call of the running PD the highest-priority ready PD runs; equal
 *    priority does not preempt; a preempted PD goes to the head of its
 *    priority's queue and a woken one to the tail (seL4's tcbSchedEnqueue
 *    and tcbSchedAppend). When a higher-priority PD becomes ready while
 *    another runs (an interrupt), or the running PD's budget runs out,
 *    the emulator asks it to yield (SIM_PREEMPT_SIGNAL, sim_proto.h) and
 *    switches when it has: still one PD at a time.
 *  - Budgets (sched.c): the CPU time of each PD's process is charged to
 *    the scheduling context it runs on (its own, or its caller's while a
 *    passive PD serves a PPC); a PD whose budget is used up is not run
 *    until its refill is released; with budget == period the budget is
 *    a round-robin timeslice among equal priorities.
 *  - Faults: a top-level PD's are reported like the Microkit monitor
 *    does, and the PD stays stopped; a child's go to its parent's
 *    endpoint as a VMFault message (badge bit 62 | child id), queued like
 *    a PPC; a reply resumes the child at the faulting instruction; the
 *    parent may restart (from the runtime's entry: init() again) or stop
 *    it instead (microkit_pd_restart/stop, seL4 TCB WriteRegisters and
 *    Suspend, which cancel whatever IPC the child was blocked in).
 *
 * Requests come from a page the PD can write, so each is copied once and
 * validated before use (decode, then invoke, as in seL4).
 */
#include "sim_int.h"

#include <errno.h>
#include <linux/futex.h>
#include <time.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A request as copied out of the kernel page. */
typedef struct Req {
    uint32_t op, ch;
    uint64_t msginfo, addr, val, ip;
    uint32_t width, access, fault_kind;
    uint32_t have_reply, have_deferred, deferred_kind, deferred_ch;
    uint64_t reply_msginfo;
    uint32_t nposted;
    SimPost posted[SIM_MAX_POSTED];
    char text[64];
} Req;

const char *k_state_name(KState st)
{
    switch (st) {
    case K_BOOTING: return "booting";
    case K_READY: return "ready";
    case K_RUNNING: return "running";
    case K_RECV: return "waiting";
    case K_CALL: return "calling";
    case K_FAULTED: return "faulted";
    case K_STOPPED: return "stopped";
    case K_DEAD: return "dead";
    }
    return "?";
}

static void trace(Sim *k, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void trace(Sim *k, const char *fmt, ...)
{
    if (!k->o->trace) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(k->log, "[%9.6f] ", (double)(sim_now_ns() - k->t0) / 1e9);
    vfprintf(k->log, fmt, ap);
    fputc('\n', k->log);
    va_end(ap);
}

static const char *name(Sim *k, int p) { return k->pd[p].spd->name; }
static unsigned prio(Sim *k, int p) { return k->pd[p].spd->priority; }

/* ---- scheduling ------------------------------------------------------- */

static void make_ready(Sim *k, int p, bool head)
{
    k->pd[p].st = K_READY;
    k->pd[p].stamp = head ? --k->head_stamp : ++k->next_stamp;
}

/* The scheduling context p runs on: a passive PD serving a PPC runs on
 * its caller's (reference §1.2 "passive", §1.4.4). */
static KSc *run_sc(Sim *k, int p)
{
    for (size_t hops = 0; hops < k->npd; hops++) {
        KPd *pd = &k->pd[p];
        if (!pd->spd->passive || pd->serving < 0) return &pd->sc;
        p = pd->serving;
    }
    return &k->pd[p].sc;
}

static uint64_t cpu_time(KPd *pd)
{
    struct timespec ts;
    if (!pd->have_cpuclk || clock_gettime(pd->cpuclk, &ts)) return pd->cpu_charged;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Charges the CPU time p used since it was last charged to the SC it
 * runs on, and sets when to look again while it keeps running. */
static void charge(Sim *k, int p, uint64_t now)
{
    KPd *pd = &k->pd[p];
    if (!k->budgets) return;
    uint64_t c = cpu_time(pd), used = c > pd->cpu_charged ? c - pd->cpu_charged : 0;
    pd->cpu_charged = c;
    KSc *sc = run_sc(k, p);
    if (sc_charge(sc, used)) pd->slice_over = true;
    pd->budget_check = sc_ready(sc, now) ? now + sc_left(sc) : UINT64_MAX;
}

/* A blocked PD became ready (seL4's refill_unblock_check, then
 * tcbSchedAppend); it waits if its budget is not back yet. */
static void wake(Sim *k, int p)
{
    make_ready(k, p, false);
    if (!k->budgets) return;
    uint64_t now = sim_now_ns();
    KSc *sc = run_sc(k, p);
    if (sc == &k->pd[p].sc) sc_unblock(sc, now);
    k->pd[p].throttled = !sc_ready(sc, now);
}

static int best_ready(Sim *k, int except)
{
    int best = -1;
    for (size_t i = 0; i < k->npd; i++) {
        KPd *pd = &k->pd[i];
        if ((int)i == except || pd->st != K_READY || pd->throttled) continue;
        if (best < 0 || pd->spd->priority > prio(k, best) ||
            (pd->spd->priority == prio(k, best) && pd->stamp < k->pd[best].stamp))
            best = (int)i;
    }
    return best;
}

static void resume(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    if (k->last_ran != p) {
        k->last_ran = p;
        k->n_switches++;
        trace(k, "run %s", name(k, p));
    }
    pd->run_since = sim_now_ns();
    /* a new activation (not a PD continuing after a kernel call): it was
     * charged when it last gave the CPU away, so its budget is exact */
    if (k->budgets && pd->st != K_RUNNING)
        pd->budget_check = pd->run_since + sc_left(run_sc(k, p));
    pd->st = K_RUNNING;
    k->running = p;
    pd->warned_long_run = false;
    __atomic_store_n(&pd->kp->kern_seq, pd->seen_seq, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pd->kp->pd_waiting, __ATOMIC_SEQ_CST))
        syscall(SYS_futex, &pd->kp->kern_seq, FUTEX_WAKE, 1, NULL, NULL, 0);
}

void k_schedule(Sim *k)
{
    if (k->running >= 0) return;
    int p = best_ready(k, -1);
    if (p >= 0) resume(k, p);
}

static void throttle(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    make_ready(k, p, false);
    pd->throttled = true;
    pd->n_throttled++;
    trace(k, "%s throttled: budget used up until +%.6f s", name(k, p),
          (double)(sc_release(run_sc(k, p)) - k->t0) / 1e9);
}

/* After a request of the running PD a: it keeps the baton unless it
 * blocked, a strictly higher-priority PD is ready, its budget is used
 * up, or its timeslice ran out and an equal-priority PD is ready. */
static void finish(Sim *k, int a)
{
    KPd *pd = &k->pd[a];
    uint64_t now = sim_now_ns();
    bool runnable = pd->st == K_READY || pd->st == K_RUNNING;
    int b = runnable ? best_ready(k, a) : -1;
    bool higher = b >= 0 && prio(k, b) > prio(k, a);
    if (!runnable || higher) charge(k, a, now); /* it gives the CPU away: account now */
    k->running = -1;
    if (runnable) {
        if (k->budgets && !sc_ready(run_sc(k, a), now)) {
            throttle(k, a);
        } else if (higher) {
            make_ready(k, a, true);
            trace(k, "%s preempted by %s", name(k, a), name(k, b));
        } else if (pd->slice_over && b >= 0) {
            pd->slice_over = false;
            make_ready(k, a, false);
            trace(k, "%s timeslice over: %s runs", name(k, a), name(k, b));
        } else {
            pd->slice_over = false;
            /* asked to yield for its budget, which is back by now */
            if (k->budgets && pd->budget_check == UINT64_MAX)
                pd->budget_check = now + sc_left(run_sc(k, a));
            pd->st = K_RUNNING;     /* keeps running: not a new activation */
            resume(k, a);
            return;
        }
    }
    k_schedule(k);
}

/* Throttled PDs whose budget is back go to the tail of their queue;
 * returns the next release time. */
static uint64_t release_throttled(Sim *k, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < k->npd; i++) {
        KPd *pd = &k->pd[i];
        if (!pd->throttled) continue;
        KSc *sc = run_sc(k, (int)i);
        if (pd->st != K_READY || sc_ready(sc, now)) {
            pd->throttled = false;
            if (pd->st == K_READY) make_ready(k, (int)i, false);
            trace(k, "%s budget released", name(k, (int)i));
        } else if (sc_release(sc) < next) {
            next = sc_release(sc);
        }
    }
    return next;
}

static void ask_yield(Sim *k, int p, const char *why)
{
    KPd *pd = &k->pd[p];
    if (pd->yield_sent) return;
    pd->yield_sent = true;
    pd->n_preempt_signals++;
    __atomic_store_n(&pd->kp->yield_req, 1, __ATOMIC_RELEASE);
    kill(pd->pid, SIM_PREEMPT_SIGNAL);
    trace(k, "%s asked to yield: %s", name(k, p), why);
}

void k_start(Sim *k)
{
    k->budgets = !k->o->no_budgets;
    uint64_t now = sim_now_ns();
    for (size_t i = 0; i < k->npd; i++) {
        KPd *pd = &k->pd[i];
        sc_init(&pd->sc, pd->spd->budget * 1000, pd->spd->period * 1000, now);
        pd->cpu_charged = 0;
        pd->cpu_charged = cpu_time(pd); /* start-up is not charged */
    }
}

uint64_t k_enforce(Sim *k, uint64_t now)
{
    uint64_t next = k->budgets ? release_throttled(k, now) : UINT64_MAX;
    k_schedule(k);
    int a = k->running;
    if (a < 0) return next;
    KPd *pd = &k->pd[a];
    if (pd->yield_sent) return next;
    int b = best_ready(k, a);
    if (b >= 0 && prio(k, b) > prio(k, a)) {
        ask_yield(k, a, "a higher-priority PD is ready");
        return next;
    }
    if (!k->budgets) return next;
    if (now >= pd->budget_check) {
        charge(k, a, now);
        if (!sc_ready(run_sc(k, a), now)) ask_yield(k, a, "budget used up");
        else if (pd->slice_over && b >= 0 && prio(k, b) == prio(k, a))
            ask_yield(k, a, "timeslice over");
        else pd->slice_over = false;
    }
    return pd->yield_sent || pd->budget_check > next ? next : pd->budget_check;
}

/* ---- notifications ------------------------------------------------------ */

/* A waiting PD takes its whole notification word. */
static void take_word(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    pd->kp->badge = pd->pending;
    pd->n_notified += (uint64_t)__builtin_popcountll(pd->pending);
    pd->pending = 0;
    wake(k, p);
}

static void signal_pd(Sim *k, int to, uint64_t bits)
{
    KPd *t = &k->pd[to];
    t->pending |= bits;
    if (t->st == K_RECV) take_word(k, to);
}

static void do_notify(Sim *k, int a, uint32_t ch)
{
    KChan *kc = ch < SIM_MAX_CH ? &k->pd[a].ch[ch] : NULL;
    if (!kc || kc->kind != KCH_CHANNEL || !kc->notify) {
        fprintf(k->log, "%s: microkit_notify: invalid channel %u (ignored)\n", name(k, a), ch);
        return;
    }
    trace(k, "%s notify ch %u -> %s (id %u)", name(k, a), ch, name(k, kc->peer), kc->peer_id);
    k->pd[a].n_sent++;
    signal_pd(k, kc->peer, 1ull << kc->peer_id);
}

/* ---- IRQs ------------------------------------------------------------- */

static void deliver_irq(Sim *k, KIrq *q)
{
    q->masked = true;
    k->pd[q->pd].n_irqs++;
    trace(k, "irq %llu -> %s (id %u)", (unsigned long long)q->irq, name(k, q->pd), q->id);
    signal_pd(k, q->pd, 1ull << q->id);
}

void k_irq_update(Sim *k)
{
    for (size_t i = 0; i < k->irq.n; i++) {
        KIrq *q = &k->irq.v[i];
        if (q->dev < 0) continue;
        KDev *d = &k->dev[q->dev];
        bool line = d->m->irq_line(d->d);
        bool rising = line && !q->line;
        q->line = line;
        if (q->edge) {
            if (rising && q->masked) q->latched = true;
            else if (rising) deliver_irq(k, q);
        } else if (line && !q->masked) {
            deliver_irq(k, q);
        }
    }
}

static void do_irq_ack(Sim *k, int a, uint32_t ch)
{
    KChan *kc = ch < SIM_MAX_CH ? &k->pd[a].ch[ch] : NULL;
    if (!kc || kc->kind != KCH_IRQ) {
        fprintf(k->log, "%s: microkit_irq_ack: invalid channel %u (ignored)\n", name(k, a), ch);
        return;
    }
    KIrq *q = &k->irq.v[kc->peer];
    q->masked = false;
    trace(k, "%s ack irq %llu", name(k, a), (unsigned long long)q->irq);
    if (q->edge && q->latched) {
        q->latched = false;
        deliver_irq(k, q);
    }
    k_irq_update(k);
}

static void do_post(Sim *k, int a, uint32_t kind, uint32_t ch)
{
    if (kind == SIM_POST_NOTIFY) do_notify(k, a, ch);
    else if (kind == SIM_POST_IRQ_ACK) do_irq_ack(k, a, ch);
}

/* ---- protected procedure calls ------------------------------------------ */

static void deliver_call(Sim *k, int b, int a)
{
    KPd *A = &k->pd[a], *B = &k->pd[b];
    A->call_queued = false;
    B->serving = a;
    if (A->call_fault) {
        /* the kernel builds a fault message from the child's registers */
        memcpy(B->kp->mr, A->fault_mr, sizeof A->fault_mr);
        B->kp->badge = SIM_BADGE_FAULT | A->spd->child_id;
        B->kp->ret_msginfo = ((uint64_t)SIM_FAULT_LABEL_VMFAULT << 12) | SIM_FAULT_WORDS;
        trace(k, "%s fault -> parent %s (child id %u)", name(k, a), name(k, b),
              A->spd->child_id);
        wake(k, b);
        return;
    }
    unsigned n = (unsigned)(A->call_msginfo & 0x7f);
    if (n > SIM_MSG_WORDS) n = SIM_MSG_WORDS;
    memcpy(B->kp->mr, A->kp->mr, n * sizeof(uint64_t));
    B->kp->badge = SIM_BADGE_PPC | A->call_ch;
    B->kp->ret_msginfo = A->call_msginfo;
    B->n_protected++;
    trace(k, "%s ppcall -> %s (id %u)", name(k, a), name(k, b), A->call_ch);
    wake(k, b);
}

static void do_ppcall(Sim *k, int a, uint32_t ch, uint64_t msginfo)
{
    KPd *A = &k->pd[a];
    KChan *kc = ch < SIM_MAX_CH ? &A->ch[ch] : NULL;
    if (!kc || kc->kind != KCH_CHANNEL || !kc->pp) {
        fprintf(k->log, "%s: microkit_ppcall: invalid channel %u (ignored)\n", name(k, a), ch);
        A->kp->ret_msginfo = 0;
        make_ready(k, a, true);
        return;
    }
    int b = kc->peer;
    KPd *B = &k->pd[b];
    A->n_ppcalls++;
    A->st = K_CALL;
    A->calling = b;
    A->call_queued = true;
    A->call_stamp = ++k->call_seq;
    A->call_msginfo = msginfo;
    A->call_ch = kc->peer_id;
    if (B->st == K_RECV) deliver_call(k, b, a);
    else if ((B->st == K_FAULTED || B->st == K_DEAD || B->st == K_STOPPED) &&
             !A->warned_blocked) {
        A->warned_blocked = true;
        fprintf(k->log, "MON|WARN: '%s' called '%s', which is %s: it waits forever\n",
                name(k, a), name(k, b), k_state_name(B->st));
    }
}

static void do_reply(Sim *k, int b, uint64_t msginfo)
{
    KPd *B = &k->pd[b];
    int c = B->serving;
    if (c < 0) return;
    KPd *C = &k->pd[c];
    B->serving = -1;
    if (C->calling != b) return;
    if (C->st == K_FAULTED && C->call_fault) {
        /* seL4: replying to a VMFault restarts the faulting instruction */
        C->call_fault = false;
        C->calling = -1;
        trace(k, "%s replies to the fault of %s: it retries", name(k, b), name(k, c));
        wake(k, c);
        return;
    }
    if (C->st != K_CALL) return;
    unsigned n = (unsigned)(msginfo & 0x7f);
    if (n > SIM_MSG_WORDS) n = SIM_MSG_WORDS;
    memcpy(C->kp->mr, B->kp->mr, n * sizeof(uint64_t));
    C->kp->ret_msginfo = msginfo;
    C->calling = -1;
    trace(k, "%s replies to %s", name(k, b), name(k, c));
    wake(k, c);
}

/* The highest-priority, then earliest, caller queued on b's endpoint. */
static int queued_caller(Sim *k, int b)
{
    int best = -1;
    for (size_t i = 0; i < k->npd; i++) {
        KPd *pd = &k->pd[i];
        bool waits = pd->st == K_CALL || (pd->st == K_FAULTED && pd->call_fault);
        if (!waits || pd->calling != b || !pd->call_queued) continue;
        if (best < 0 || pd->spd->priority > prio(k, best) ||
            (pd->spd->priority == prio(k, best) && pd->call_stamp < k->pd[best].call_stamp))
            best = (int)i;
    }
    return best;
}

/* Entry point returned: deferred op, reply, then receive. */
static void do_recv(Sim *k, int b, const Req *r)
{
    KPd *B = &k->pd[b];
    if (r->have_deferred) do_post(k, b, r->deferred_kind, r->deferred_ch);
    if (r->have_reply && B->spd->passive) charge(k, b, sim_now_ns());
    if (r->have_reply) do_reply(k, b, r->reply_msginfo);
    else if (B->serving >= 0) {
        /* fault() returned false: no reply; the child stays stopped until
         * its parent restarts it (the reply capability is reused) */
        KPd *C = &k->pd[B->serving];
        if (C->calling == b) C->calling = -1;
        B->serving = -1;
    }
    B->n_kcalls++;
    if (B->pending) {
        take_word(k, b);
        return;
    }
    int c = queued_caller(k, b);
    if (c >= 0) {
        deliver_call(k, b, c);
        return;
    }
    B->st = K_RECV;
    trace(k, "%s waits", name(k, b));
}

/* ---- devices -------------------------------------------------------------- */

static void do_mmio(Sim *k, int a, const Req *r)
{
    KPd *A = &k->pd[a];
    const SimPd *spd = A->spd;
    A->kp->ret_val = 0;
    bool write = r->access == SIM_ACC_WRITE;
    for (size_t i = 0; i < spd->maps.n; i++) {
        const SimMap *m = &spd->maps.v[i];
        const SimMr *mr = &k->s->mrs.v[m->mr];
        if (mr->device < 0 || r->addr < m->vaddr || r->addr - m->vaddr >= mr->size) continue;
        if ((r->width != 1 && r->width != 2 && r->width != 4 && r->width != 8) ||
            !(m->perms & (write ? SIM_PERM_W : SIM_PERM_R)))
            break;
        KDev *d = NULL;
        for (size_t j = 0; j < k->ndev; j++)
            if (k->dev[j].inst->mr == m->mr) d = &k->dev[j];
        if (!d) break;
        uint64_t off = r->addr - m->vaddr + (mr->paddr - d->inst->paddr);
        A->n_mmio++;
        if (write) d->m->write(d->d, off, r->width, r->val);
        else A->kp->ret_val = d->m->read(d->d, off, r->width);
        if (write) d->next_tick = d->m->tick(d->d, sim_now_ns());
        k_irq_update(k);
        break;
    }
    make_ready(k, a, true);
}

/* ---- faults ---------------------------------------------------------- */

static const char *access_name(uint32_t acc)
{
    return acc == SIM_ACC_WRITE ? "write" : acc == SIM_ACC_EXEC ? "execute" : "read";
}

/* As written in the SDF: "r", "rw", "rx"... */
static void perms_str(unsigned p, char out[4])
{
    size_t n = 0;
    if (p & SIM_PERM_R) out[n++] = 'r';
    if (p & SIM_PERM_W) out[n++] = 'w';
    if (p & SIM_PERM_X) out[n++] = 'x';
    out[n] = 0;
}

static void explain_fault(Sim *k, int a, const Req *r)
{
    const SimPd *spd = k->pd[a].spd;
    for (size_t i = 0; i < spd->maps.n; i++) {
        const SimMap *m = &spd->maps.v[i];
        const SimMr *mr = &k->s->mrs.v[m->mr];
        if (r->addr < m->vaddr || r->addr - m->vaddr >= mr->size) continue;
        char p[4];
        perms_str(m->perms, p);
        fprintf(k->log, "MON|ERROR:    %s: memory region '%s' is mapped %s at [0x%llx..0x%llx)\n",
                r->fault_kind == SIM_FAULT_MMIO_DECODE ? "device access by an instruction "
                                                         "the emulator cannot decode"
                                                       : "permission fault",
                mr->name, p, (unsigned long long)m->vaddr,
                (unsigned long long)(m->vaddr + mr->size));
        return;
    }
    if (r->fault_kind == SIM_FAULT_UNMAPPED)
        fprintf(k->log, "MON|ERROR:    no memory region is mapped at this address\n");
    else if (r->fault_kind == SIM_FAULT_BUS)
        fprintf(k->log, "MON|ERROR:    bus error\n");
    else if (r->text[0])
        fprintf(k->log, "MON|ERROR:    %s\n", r->text);
}

/* A child's fault goes to its parent's endpoint (reference §1.3: the
 * child's fault endpoint is the parent's, badge (1 << 62) | id). */
static void fault_to_parent(Sim *k, int a, const Req *r)
{
    KPd *A = &k->pd[a];
    int p = A->spd->parent;
    A->st = K_FAULTED;
    A->n_faults++;
    A->fault_mr[0] = r->ip;
    A->fault_mr[1] = r->addr;
    A->fault_mr[2] = r->access == SIM_ACC_EXEC;
    A->fault_mr[3] = r->val;
    A->calling = p;
    A->call_fault = true;
    A->call_queued = true;
    A->call_stamp = ++k->call_seq;
    trace(k, "%s faults (%s at 0x%llx)", name(k, a), access_name(r->access),
          (unsigned long long)r->addr);
    KPd *P = &k->pd[p];
    if (P->st == K_RECV) deliver_call(k, p, a);
    else if (P->st == K_FAULTED || P->st == K_DEAD || P->st == K_STOPPED)
        fprintf(k->log, "MON|WARN: child PD '%s' faulted, but its parent '%s' is %s\n",
                name(k, a), name(k, p), k_state_name(P->st));
}

static void do_fault(Sim *k, int a, const Req *r)
{
    KPd *A = &k->pd[a];
    if (A->spd->parent >= 0) {
        fault_to_parent(k, a, r);
        return;
    }
    A->st = K_FAULTED;
    A->n_faults++;
    fprintf(k->log, "MON|ERROR: faulting PD: %s\n", name(k, a));
    fprintf(k->log, "MON|ERROR: VMFault: ip=0x%016llx  fault_addr=0x%016llx  access=%s\n",
            (unsigned long long)r->ip, (unsigned long long)r->addr, access_name(r->access));
    explain_fault(k, a, r);
    if (A->serving >= 0)
        fprintf(k->log, "MON|ERROR:    '%s' was serving a PPC from '%s', which stays blocked\n",
                name(k, a), name(k, A->serving));
    fflush(k->log);
}

/* ---- child PDs: microkit_pd_restart / microkit_pd_stop ----------------- */

static int child_of(Sim *k, int parent, uint32_t id)
{
    for (size_t i = 0; i < k->npd; i++)
        if (k->pd[i].spd->parent == parent && k->pd[i].spd->child_id == id) return (int)i;
    return -1;
}

/* seL4 cancels the IPC a thread is blocked in when it is suspended or its
 * registers are rewritten with resume: queued on an endpoint, it leaves
 * the queue; waiting for a reply (a PPC being served, a fault being
 * handled), the reply will go nowhere. */
static void cancel_ipc(Sim *k, int c)
{
    KPd *C = &k->pd[c];
    if ((C->st == K_CALL || C->st == K_FAULTED) && C->calling >= 0) {
        KPd *S = &k->pd[C->calling];
        if (!C->call_queued && S->serving == c) S->serving = -1;
        C->calling = -1;
        C->call_queued = false;
    }
    C->call_fault = false;
    if (C->serving >= 0) {
        fprintf(k->log, "MON|WARN: '%s' was serving a PPC from '%s', which stays blocked\n",
                name(k, c), name(k, C->serving));
        C->serving = -1;
    }
}

static void do_pd_op(Sim *k, int a, const Req *r)
{
    KPd *A = &k->pd[a];
    bool stop = r->op == SIM_OP_PD_STOP;
    int c = child_of(k, a, r->ch);
    A->kp->ret_val = c < 0 ? SIM_SEL4_FAILED_LOOKUP : 0;
    make_ready(k, a, true);
    if (c < 0) return;
    KPd *C = &k->pd[c];
    if (C->st == K_DEAD || C->st == K_BOOTING) {
        fprintf(k->log, "MON|WARN: %s of '%s' ignored: its process is %s\n",
                stop ? "microkit_pd_stop" : "microkit_pd_restart", name(k, c),
                k_state_name(C->st));
        return;
    }
    cancel_ipc(k, c);
    if (stop) {
        C->st = K_STOPPED;
        trace(k, "%s stops %s", name(k, a), name(k, c));
        return;
    }
    C->n_restarts++;
    C->kp->restart = 1;
    trace(k, "%s restarts %s", name(k, a), name(k, c));
    wake(k, c);
}

void k_pd_died(Sim *k, int p)
{
    KPd *pd = &k->pd[p];
    if (pd->reaped) return;
    while (wait4(pd->pid, &pd->wstatus, 0, &pd->ru) < 0 && errno == EINTR) {}
    pd->reaped = true;
    KState was = pd->st;
    pd->st = K_DEAD;
    if (k->running == p) k->running = -1;
    if (was == K_BOOTING) return; /* reported by the caller */
    if (WIFSIGNALED(pd->wstatus))
        fprintf(k->log, "MON|ERROR: PD '%s' terminated by signal %d (%s)\n", pd->spd->name,
                WTERMSIG(pd->wstatus), strsignal(WTERMSIG(pd->wstatus)));
    else
        fprintf(k->log, "MON|ERROR: PD '%s' exited with status %d\n", pd->spd->name,
                WEXITSTATUS(pd->wstatus));
    if (pd->serving >= 0)
        fprintf(k->log, "MON|ERROR:    '%s' was serving a PPC from '%s', which stays blocked\n",
                pd->spd->name, name(k, pd->serving));
    k_schedule(k);
}

/* ---- requests ------------------------------------------------------------ */

static void copy_req(const SimKPage *kp, Req *r)
{
    r->op = kp->op;
    r->ch = kp->ch;
    r->msginfo = kp->msginfo;
    r->addr = kp->addr;
    r->val = kp->val;
    r->ip = kp->ip;
    r->width = kp->width;
    r->access = kp->access;
    r->fault_kind = kp->fault_kind;
    r->have_reply = kp->have_reply;
    r->have_deferred = kp->have_deferred;
    r->deferred_kind = kp->deferred_kind;
    r->deferred_ch = kp->deferred_ch;
    r->reply_msginfo = kp->reply_msginfo;
    r->nposted = kp->nposted < SIM_MAX_POSTED ? kp->nposted : SIM_MAX_POSTED;
    memcpy(r->posted, kp->posted, r->nposted * sizeof r->posted[0]);
    memcpy(r->text, kp->text, sizeof r->text);
    r->text[sizeof r->text - 1] = 0;
}

void k_request(Sim *k, int a)
{
    KPd *pd = &k->pd[a];
    uint32_t seq = __atomic_load_n(&pd->kp->pd_seq, __ATOMIC_ACQUIRE);
    if (seq == pd->seen_seq) return;
    pd->seen_seq = seq;
    if (k->running != a) return; /* only the baton holder may call the kernel */
    /* every request is a preemption point: a pending yield request is moot */
    __atomic_store_n(&pd->kp->yield_req, 0, __ATOMIC_RELAXED);
    pd->yield_sent = false;
    Req r;
    copy_req(pd->kp, &r);
    for (uint32_t i = 0; i < r.nposted; i++) do_post(k, a, r.posted[i].kind, r.posted[i].ch);
    switch (r.op) {
    case SIM_OP_RECV: do_recv(k, a, &r); break;
    case SIM_OP_NOTIFY: do_notify(k, a, r.ch); make_ready(k, a, true); break;
    case SIM_OP_IRQ_ACK: do_irq_ack(k, a, r.ch); make_ready(k, a, true); break;
    case SIM_OP_PPCALL: do_ppcall(k, a, r.ch, r.msginfo); break;
    case SIM_OP_MMIO: do_mmio(k, a, &r); break;
    case SIM_OP_FAULT: do_fault(k, a, &r); break;
    case SIM_OP_FLUSH: make_ready(k, a, true); break;
    case SIM_OP_YIELD: make_ready(k, a, true); break;
    case SIM_OP_PD_RESTART:
    case SIM_OP_PD_STOP: do_pd_op(k, a, &r); break;
    default:
        fprintf(k->log, "MON|ERROR: PD '%s' made an invalid kernel call %u\n", name(k, a), r.op);
        pd->st = K_FAULTED;
        break;
    }
    finish(k, a);
}
