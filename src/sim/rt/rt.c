/*
 * The libmicrokit runtime inside a PD process (reference §1.3): boot
 * (map the memory regions at their SDF addresses with their SDF
 * permissions, patch setvar symbols, install the fault/MMIO handler), the
 * event loop that dispatches init/notified/protected, and the libmicrokit
 * calls, which become kernel calls to the emulator (sim_proto.h).
 *
 * Boot runs as the first user constructor, so the PD's own constructors
 * already see patched symbols and mapped regions (the Microkit tool
 * patches the ELF itself; this is the closest equivalent). It returns
 * only when the emulator first schedules the PD, so all code of the PD,
 * constructors included, runs holding the baton.
 *
 * Global state: this file is the PD process's "kernel interface": the
 * kernel page pointer and the deferred-operation slot, as in libmicrokit;
 * the critical-section depth and pending-yield flag of asynchronous
 * preemption (SIM_PREEMPT_SIGNAL, handled here); the restart point for
 * microkit_pd_restart.
 */
#include "microkit.h"
#include "rt_int.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <time.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

char microkit_name[MICROKIT_PD_NAME_LENGTH];
seL4_Word microkit_irqs, microkit_notifications, microkit_pps;
seL4_Bool microkit_passive;
bool microkit_have_signal;

/* Marker checked by `griddle sim` before running an image. */
__attribute__((used)) const char __griddle_microkit_rt[] = "griddle libmicrokit " "1";

SimKPage *rt_kp;
static int rt_efd = -1;
static uint64_t rt_preempt;
static uint32_t deferred_kind, deferred_ch;
/* asynchronous preemption: nesting depth of request-building sections,
 * and a preemption signal that arrived inside one */
static volatile sig_atomic_t crit, yield_pending;
/* microkit_pd_restart by the parent: back to main(), then init() */
static sigjmp_buf restart_point;
static volatile sig_atomic_t restart_ready;

/* ---- kernel calls ---------------------------------------------------- */

static long futex(uint32_t *addr, int op, uint32_t val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Waits until the emulator has answered request seq (see sim_proto.h).
 * Spins briefly first when an answer is expected at once (device access,
 * a signal): sleeping costs a futex round trip and a wake-up on another
 * core. A PD that is about to wait for an event does not spin: others
 * need the CPU. Async-signal-safe: used from the MMIO trap handler too. */
static void wait_for(uint32_t seq, int spins)
{
    for (int i = 0; i < spins; i++) {
        if (__atomic_load_n(&rt_kp->kern_seq, __ATOMIC_ACQUIRE) == seq) return;
        __builtin_ia32_pause();
    }
    for (;;) {
        __atomic_store_n(&rt_kp->pd_waiting, 1, __ATOMIC_SEQ_CST);
        uint32_t cur = __atomic_load_n(&rt_kp->kern_seq, __ATOMIC_SEQ_CST);
        if (cur == seq) break;
        futex(&rt_kp->kern_seq, FUTEX_WAIT, cur);
    }
    __atomic_store_n(&rt_kp->pd_waiting, 0, __ATOMIC_RELAXED);
}

/* The parent restarted us (microkit_pd_restart). On seL4 the thread
 * starts again at the entry point with its memory as it is; here we go
 * back to main() and run init() again, also keeping our memory. Whatever
 * was in progress (an entry point, a kernel call, a signal handler) is
 * abandoned; the runtime's own state starts afresh. */
static void restart(void)
{
    rt_kp->restart = 0;
    if (!restart_ready) return; /* before main(): nothing to restart from */
    rt_kp->nposted = 0;
    microkit_have_signal = false;
    yield_pending = 0;
    crit = 0;
    siglongjmp(restart_point, 1);
}

void rt_kcall(void)
{
    /* answered at once, unless the kernel switches to another PD */
    int spins = rt_kp->op == SIM_OP_MMIO || rt_kp->op == SIM_OP_FLUSH ? 400 : 0;
    uint32_t seq = rt_kp->pd_seq + 1;
    __atomic_store_n(&rt_kp->pd_seq, seq, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&rt_kp->kern_waiting, __ATOMIC_SEQ_CST)) {
        uint64_t one = 1;
        ssize_t r = write(rt_efd, &one, sizeof one);
        (void)r; /* the eventfd counter cannot overflow at one write per call */
    }
    wait_for(seq, spins);
    rt_kp->nposted = 0;
    if (rt_kp->restart) restart();
}

/* ---- asynchronous preemption (sim_proto.h, SIM_PREEMPT_SIGNAL) -------- */

static bool yield_requested(void)
{
    return __atomic_load_n(&rt_kp->yield_req, __ATOMIC_ACQUIRE) != 0;
}

/* Gives the baton back; returns when the emulator runs us again. The
 * interrupted code's request fields are untouched: we are never called
 * inside a critical section. */
static void yield_now(void)
{
    crit++;
    rt_kp->op = SIM_OP_YIELD;
    rt_kcall();
    crit--;
}

void rt_crit_begin(void)
{
    crit++;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void rt_crit_end(void)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (--crit == 0 && yield_pending) {
        yield_pending = 0;
        if (yield_requested()) yield_now();
    }
}

static void on_preempt(int sig)
{
    (void)sig;
    int saved = errno;
    if (crit) yield_pending = 1;
    else if (yield_requested()) yield_now();
    errno = saved;
}

static int preempt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_preempt;
    sa.sa_flags = SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIM_PREEMPT_SIGNAL, &sa, NULL)) {
        strcpy(rt_kp->text, "cannot install the preemption handler");
        return 1;
    }
    return 0;
}

static void post(uint32_t kind, microkit_channel ch)
{
    rt_crit_begin();
    if (rt_kp->nposted == SIM_MAX_POSTED) {
        rt_kp->op = SIM_OP_FLUSH;
        rt_kcall();
    }
    rt_kp->posted[rt_kp->nposted].kind = kind;
    rt_kp->posted[rt_kp->nposted].ch = ch;
    rt_kp->nposted++;
    rt_crit_end();
}

/* ---- debug output ------------------------------------------------------ */

void microkit_dbg_puts(const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(1, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

void microkit_dbg_putc(int c)
{
    char b[2] = {(char)c, 0};
    microkit_dbg_puts(b);
}

static void put_hex(uint64_t x, int digits)
{
    char b[20];
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < digits; i++) b[2 + i] = "0123456789abcdef"[(x >> (4 * (digits - 1 - i))) & 15];
    b[2 + digits] = 0;
    microkit_dbg_puts(b);
}

void microkit_dbg_put8(uint8_t x) { put_hex(x, 2); }
void microkit_dbg_put32(uint32_t x) { put_hex(x, 8); }

static void bad_channel(const char *fn, microkit_channel ch)
{
    char b[160];
    snprintf(b, sizeof b, "%s %s: invalid channel given '%u'\n", microkit_name, fn, ch);
    microkit_dbg_puts(b);
}

/* ---- libmicrokit calls ------------------------------------------------- */

static bool valid(microkit_channel ch, seL4_Word set)
{
    return ch <= MICROKIT_MAX_CHANNEL_ID && (set & (1ull << ch));
}

void microkit_notify(microkit_channel ch)
{
    if (!valid(ch, microkit_notifications)) return bad_channel("microkit_notify", ch);
    if (rt_preempt & (1ull << ch)) {
        rt_crit_begin();
        rt_kp->op = SIM_OP_NOTIFY;
        rt_kp->ch = ch;
        rt_kcall();
        rt_crit_end();
    } else {
        post(SIM_POST_NOTIFY, ch);
    }
}

void microkit_irq_ack(microkit_channel ch)
{
    if (!valid(ch, microkit_irqs)) return bad_channel("microkit_irq_ack", ch);
    post(SIM_POST_IRQ_ACK, ch);
}

microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo)
{
    if (!valid(ch, microkit_pps)) {
        bad_channel("microkit_ppcall", ch);
        return microkit_msginfo_new(0, 0);
    }
    rt_crit_begin();
    rt_kp->op = SIM_OP_PPCALL;
    rt_kp->ch = ch;
    rt_kp->msginfo = msginfo.words[0];
    rt_kcall();
    microkit_msginfo ret = {{rt_kp->ret_msginfo}};
    rt_crit_end();
    return ret;
}

/* One slot: a second deferred call in the same entry point overwrites
 * the first (reference §1.3 and gotcha 3). */
void microkit_deferred_notify(microkit_channel ch)
{
    if (!valid(ch, microkit_notifications)) return bad_channel("microkit_deferred_notify", ch);
    microkit_have_signal = true;
    deferred_kind = SIM_POST_NOTIFY;
    deferred_ch = ch;
}

void microkit_deferred_irq_ack(microkit_channel ch)
{
    if (!valid(ch, microkit_irqs)) return bad_channel("microkit_deferred_irq_ack", ch);
    microkit_have_signal = true;
    deferred_kind = SIM_POST_IRQ_ACK;
    deferred_ch = ch;
}

/* As libmicrokit: an error from the TCB operation (no such child) is
 * printed and crashes the caller, which there writes to the error code
 * as an address so that the fault report shows it. The same fault is
 * reported here without the undefined behaviour: a user-mode write to an
 * unmapped page (x86 error code 6); a parent's reply makes it fault
 * again, as the retried store would. */
static void child_op(uint32_t op, microkit_child pd, seL4_Word entry, const char *what)
{
    rt_crit_begin();
    rt_kp->op = op;
    rt_kp->ch = pd;
    rt_kp->val = entry;
    rt_kcall();
    uint64_t err = rt_kp->ret_val;
    rt_crit_end();
    if (!err) return;
    microkit_dbg_puts(what);
    uint64_t ip = (uint64_t)(uintptr_t)__builtin_return_address(0);
    for (;;) rt_fault_report(err, ip, 6, SIM_ACC_WRITE, SIM_FAULT_UNMAPPED, "");
}

/* entry_point is not used: the child starts again at the runtime's entry
 * (init(), then the event loop), see docs/sim.md. */
void microkit_pd_restart(microkit_child pd, seL4_Word entry_point)
{
    child_op(SIM_OP_PD_RESTART, pd, entry_point,
             "microkit_pd_restart: error writing TCB registers\n");
}

void microkit_pd_stop(microkit_child pd)
{
    child_op(SIM_OP_PD_STOP, pd, 0, "microkit_pd_stop: error writing TCB registers\n");
}

microkit_msginfo microkit_msginfo_new(seL4_Word label, uint16_t count)
{
    return (microkit_msginfo){{(label << 12) | (count & 0x7f)}};
}

seL4_Word microkit_msginfo_get_label(microkit_msginfo m) { return m.words[0] >> 12; }
seL4_Word microkit_msginfo_get_count(microkit_msginfo m) { return m.words[0] & 0x7f; }

void microkit_mr_set(uint8_t mr, seL4_Word value)
{
    if (mr < 64) rt_kp->mr[mr] = value;
}

seL4_Word microkit_mr_get(uint8_t mr) { return mr < 64 ? rt_kp->mr[mr] : 0; }

uint64_t microkit_sim_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Defaults, as libmicrokit's weak symbols: a PD without protected() that
 * receives a PPC, or a parent without fault(), is a programming error. */
__attribute__((weak)) microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)msginfo;
    rt_fault_report(0, 0, 0, 0, SIM_FAULT_PERM, "protected() called but not provided");
    (void)ch;
    return microkit_msginfo_new(0, 0);
}

__attribute__((weak)) seL4_Bool fault(microkit_child child, microkit_msginfo msginfo,
                                      microkit_msginfo *reply)
{
    (void)child;
    (void)msginfo;
    (void)reply;
    return 0;
}

/* ---- boot ------------------------------------------------------------- */

static int boot_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int boot_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rt_kp->text, sizeof rt_kp->text, fmt, ap);
    va_end(ap);
    return 1;
}

/* Maps every region at exactly its address; MAP_FIXED_NOREPLACE makes a
 * collision with the program image, heap or stack an error instead of a
 * silent replacement. Read-only regions come with a read-only file
 * description, so not even mprotect can make them writable. */
static int map_regions(const SimBootCfg *b)
{
    for (uint32_t i = 0; i < b->nmaps && i < SIM_MAX_MAPS; i++) {
        const SimMapCfg *m = &b->maps[i];
        int prot = m->mmio ? PROT_NONE
                           : ((m->perms & 1) ? PROT_READ : 0) | ((m->perms & 2) ? PROT_WRITE : 0) |
                                 ((m->perms & 4) ? PROT_EXEC : 0);
        int flags = MAP_FIXED_NOREPLACE | (m->mmio ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED);
        void *want = (void *)(uintptr_t)m->vaddr;
        void *got = mmap(want, m->size, prot, flags, m->mmio ? -1 : m->fd, 0);
        if (got == MAP_FAILED || got != want) {
            int e = errno;
            if (got != MAP_FAILED) munmap(got, m->size);
            rt_kp->ch = i;      /* the emulator names the map in its diagnostic */
            rt_kp->val = got == MAP_FAILED ? (uint64_t)e : 0;
            return boot_fail("%s", got == MAP_FAILED ? strerror(e) : "kernel ignored the address");
        }
        if (m->fd >= 0) close(m->fd);
    }
    return 0;
}

static void patch_symbols(const SimBootCfg *b)
{
    uintptr_t bias = (uintptr_t)getauxval(AT_ENTRY) - (uintptr_t)b->image_entry;
    for (uint32_t i = 0; i < b->npatches && i < SIM_MAX_PATCHES; i++) {
        uint64_t *p = (uint64_t *)(bias + (uintptr_t)b->patches[i].sym_vaddr);
        memcpy(p, &b->patches[i].value, sizeof *p);
    }
}

__attribute__((constructor(101))) static void rt_boot(void)
{
    const char *env = getenv(SIM_KPAGE_ENV);
    if (!env) {
        static const char msg[] = "this program is a Microkit protection domain: run it "
                                  "with `griddle sim SYSTEM.system`\n";
        ssize_t r = write(2, msg, sizeof msg - 1);
        (void)r;
        _exit(127);
    }
    int fd = atoi(env);
    void *p = mmap(NULL, SIM_KPAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) _exit(126);
    close(fd);
    unsetenv(SIM_KPAGE_ENV);
    rt_kp = p;
    const SimBootCfg *b = &rt_kp->boot;
    if (b->magic != SIM_PROTO_MAGIC) _exit(126);
    rt_efd = b->efd;
    rt_preempt = b->preempt;
    memcpy(microkit_name, b->name, sizeof microkit_name);
    microkit_name[sizeof microkit_name - 1] = 0;
    microkit_notifications = b->notifications;
    microkit_pps = b->pps;
    microkit_irqs = b->irqs;
    microkit_passive = (seL4_Bool)b->passive;
    setvbuf(stdout, NULL, _IONBF, 0);
    rt_kp->ch = UINT32_MAX;
    int status = map_regions(b);
    if (!status) {
        patch_symbols(b);
        status = rt_trap_install(b);
    }
    if (!status) status = preempt_install();
    rt_crit_begin(); /* a preemption must not interrupt the wait for the first run */
    rt_kp->op = SIM_OP_BOOTED;
    rt_kp->status = (uint32_t)status;
    rt_kcall();
    rt_crit_end();
    if (status) for (;;) pause(); /* the emulator ends us */
}

/* ---- the event loop (libmicrokit main.c, reference §1.3) ---------------- */

static void event_loop(void)
{
    bool have_reply = false;
    uint64_t reply = 0;
    for (;;) {
        rt_crit_begin();
        rt_kp->op = SIM_OP_RECV;
        rt_kp->have_reply = have_reply;
        rt_kp->reply_msginfo = reply;
        rt_kp->have_deferred = microkit_have_signal;
        rt_kp->deferred_kind = deferred_kind;
        rt_kp->deferred_ch = deferred_ch;
        microkit_have_signal = false;
        rt_kcall();
        have_reply = false;
        uint64_t badge = rt_kp->badge;
        microkit_msginfo m = {{rt_kp->ret_msginfo}};
        rt_crit_end();
        if (badge & SIM_BADGE_PPC) {
            reply = protected((microkit_channel)(badge & 0x3f), m).words[0];
            have_reply = true;
            continue;
        }
        if (badge & SIM_BADGE_FAULT) {
            microkit_msginfo r = microkit_msginfo_new(0, 0);
            have_reply = fault((microkit_child)(badge & 0xff), m, &r) != 0;
            reply = r.words[0];
            continue;
        }
        for (unsigned i = 0; badge && i < 64; i++) {
            if (!(badge & (1ull << i))) continue;
            badge &= ~(1ull << i);
            notified(i);
        }
    }
}

int main(void)
{
    if (sigsetjmp(restart_point, 1)) {
        /* restarted by the parent (see restart()) */
    }
    restart_ready = 1;
    init();
    event_loop();
    return 0;
}
