/*
 * Faults and trapped MMIO (reference §4.7). Device registers are mapped
 * PROT_NONE, so every access raises SIGSEGV; the handler, running on an
 * alternate signal stack (Pancake code runs on a small private stack),
 * decodes the faulting load/store, asks the emulator to perform it on the
 * device model, writes the result to the destination register and skips
 * the instruction. Any other SIGSEGV/SIGBUS is a fault, reported to the
 * emulator, which reports it as the Microkit monitor would (the PD stays
 * stopped) or sends it to the PD's parent (which may resume, restart or
 * stop it).
 *
 * Global state: the copy of the map table the handler consults (set once
 * at boot, read-only afterwards).
 */
#include "rt_int.h"
#include "sim/sim.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <ucontext.h>

static SimMapCfg maps[SIM_MAX_MAPS];
static uint32_t nmaps;

static const SimMapCfg *find_map(uint64_t addr)
{
    for (uint32_t i = 0; i < nmaps; i++)
        if (addr >= maps[i].vaddr && addr - maps[i].vaddr < maps[i].size) return &maps[i];
    return NULL;
}

void rt_fault_report(uint64_t addr, uint64_t ip, uint64_t fsr, uint32_t access, uint32_t kind,
                     const char *why)
{
    rt_crit_begin();
    rt_kp->op = SIM_OP_FAULT;
    rt_kp->addr = addr;
    rt_kp->val = fsr;
    rt_kp->ip = ip;
    rt_kp->access = access;
    rt_kp->fault_kind = kind;
    size_t n = strlen(why);
    if (n >= sizeof rt_kp->text) n = sizeof rt_kp->text - 1;
    memcpy(rt_kp->text, why, n);
    rt_kp->text[n] = 0;
    rt_kcall();
    rt_crit_end();
}

/* Copies up to 15 instruction bytes at ip. Within one page they are
 * readable (the CPU fetched them); across a page end the next page may be
 * unmapped, so those are copied with process_vm_readv, which fails
 * instead of faulting. Async-signal-safe. */
static size_t fetch(uintptr_t ip, uint8_t out[15])
{
    size_t in_page = 4096 - (ip & 4095);
    if (in_page >= 15) {
        memcpy(out, (const void *)ip, 15);
        return 15;
    }
    memcpy(out, (const void *)ip, in_page);
    struct iovec l = {out + in_page, 15 - in_page}, r = {(void *)(ip + in_page), 15 - in_page};
    ssize_t n = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
    return in_page + (n > 0 ? (size_t)n : 0);
}

/* One access to the device model through the emulator. */
static uint64_t device_access(uint64_t addr, unsigned width, bool write, uint64_t val)
{
    rt_kp->op = SIM_OP_MMIO;
    rt_kp->addr = addr;
    rt_kp->width = width;
    rt_kp->access = write ? SIM_ACC_WRITE : SIM_ACC_READ;
    rt_kp->val = write ? val : 0;
    rt_kcall();
    return write ? 0 : rt_kp->ret_val;
}

/* Performs one trapped device instruction (a load, a store, or arithmetic
 * with the device register as operand: a read-modify-write is a read,
 * then a write); false if it cannot be emulated. Registers and flags are
 * updated by x86dec.c's executor. */
static bool mmio(const SimMapCfg *m, uint64_t addr, ucontext_t *uc, uint32_t *kind)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uint8_t code[15];
    size_t avail = fetch((uintptr_t)g[REG_RIP], code);
    SimInsn in;
    if (!sim_x86_decode(code, avail, &in)) {
        *kind = SIM_FAULT_MMIO_DECODE;
        return false;
    }
    bool reads = sim_x86_reads(&in), writes = sim_x86_writes(&in);
    if ((reads && !(m->perms & 1u)) || (writes && !(m->perms & 2u)) ||
        addr + in.width > m->vaddr + m->size) {
        *kind = SIM_FAULT_MMIO_PERM;
        return false;
    }
    SimRegs rs;
    if (!sim_x86_regs_get(&rs, uc, in.xmm)) {
        *kind = SIM_FAULT_MMIO_DECODE;
        return false;
    }
    rt_crit_begin();
    rt_kp->mmio_traps++;
    uint64_t loaded = reads ? device_access(addr, in.width, false, 0) : 0;
    uint64_t out = sim_x86_exec(&in, &rs, loaded);
    if (writes) device_access(addr, in.width, true, out);
    rt_crit_end();
    sim_x86_regs_set(&rs, uc, in.xmm);
    g[REG_RIP] += in.len;
    return true;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* async-signal-safe */
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    uint64_t t0 = now_ns();
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    uint64_t err = (uint64_t)g[REG_ERR];
    /* x86 page-fault error code: bit 1 write, bit 4 instruction fetch */
    uint32_t access = (err & 16) ? SIM_ACC_EXEC : (err & 2) ? SIM_ACC_WRITE : SIM_ACC_READ;
    const SimMapCfg *m = find_map(addr);
    uint32_t kind = sig == SIGBUS ? SIM_FAULT_BUS : m ? SIM_FAULT_PERM : SIM_FAULT_UNMAPPED;
    if (sig == SIGSEGV && m && m->mmio && access != SIM_ACC_EXEC && mmio(m, addr, uc, &kind)) {
        /* time in the handler, so reports can separate emulation cost
         * from the driver's own work */
        rt_kp->trap_ns += now_ns() - t0;
        return;
    }
    /* returns if the parent replied: the instruction runs again (seL4
     * resumes a thread whose VM fault was replied to) */
    rt_fault_report(addr, (uint64_t)g[REG_RIP], err, access, kind, "");
}

int rt_trap_install(const SimBootCfg *b)
{
    nmaps = b->nmaps < SIM_MAX_MAPS ? b->nmaps : SIM_MAX_MAPS;
    memcpy(maps, b->maps, nmaps * sizeof maps[0]);
    size_t sz = 64 * 1024;
    void *stk = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stk == MAP_FAILED) {
        strcpy(rt_kp->text, "cannot allocate the signal stack");
        return 1;
    }
    stack_t ss = {.ss_sp = stk, .ss_size = sz, .ss_flags = 0};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIM_PREEMPT_SIGNAL); /* preemption waits for the handler's end */
    if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) {
        strcpy(rt_kp->text, "cannot install the fault handler");
        return 1;
    }
    return 0;
}
