/* Unit tests of sim_x86_decode and sim_x86_exec. Byte sequences
 * hand-assembled from the Intel SDM vol. 2 (MOV, MOVZX, MOVSX, MOVSXD,
 * ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, IMUL, INC/DEC/NOT/NEG; opcode map,
 * ModRM/SIB tables) and the expected fields and results (flags per each
 * instruction's "Flags Affected") worked out by hand; objdump was used
 * only to double-check that each sequence is the instruction named in its
 * comment. On an x86-64 build machine, the executor's results are also
 * compared with the CPU's own for random operands (hw_check). */
#include "sim/sim.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, name, #cond); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static SimInsn dec(const char *hex, bool *ok)
{
    uint8_t b[32];
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1]; p += 2) {
        unsigned v;
        sscanf(p, "%2x", &v);
        b[n++] = (uint8_t)v;
    }
    SimInsn in;
    *ok = sim_x86_decode(b, n, &in);
    return in;
}

/* kind, width, reg, dest width, sign, high8, length */
static void load(const char *name, const char *hex, unsigned width, unsigned reg,
                 unsigned dest, bool sign, bool high8, unsigned len)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    CHECK(in.kind == SIM_INSN_LOAD);
    CHECK(in.width == width);
    CHECK(in.reg == reg);
    CHECK(in.dest_width == dest);
    CHECK(in.sign_extend == sign);
    CHECK(in.high8 == high8);
    CHECK(in.len == len);
}

static void store(const char *name, const char *hex, unsigned width, unsigned reg, bool high8,
                  unsigned len)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    CHECK(in.kind == SIM_INSN_STORE_REG);
    CHECK(in.width == width);
    CHECK(in.reg == reg);
    CHECK(in.high8 == high8);
    CHECK(in.len == len);
}

static void store_imm(const char *name, const char *hex, unsigned width, uint64_t imm,
                      unsigned len)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    CHECK(in.kind == SIM_INSN_STORE_IMM);
    CHECK(in.width == width);
    CHECK(in.imm == imm);
    CHECK(in.len == len);
}

/* An ALU form: what it decodes to. */
static void alu(const char *name, const char *hex, SimAlu op, unsigned width, unsigned reg,
                bool high8, bool has_imm, uint64_t imm, bool mem_first, bool mem_dest, bool reg_dest,
                unsigned len)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    CHECK(in.kind == SIM_INSN_ALU);
    CHECK(in.alu == op);
    CHECK(in.width == width);
    if (!has_imm || reg_dest) CHECK(in.reg == reg);
    CHECK(in.high8 == high8);
    CHECK(in.has_imm == has_imm);
    if (has_imm) CHECK(in.imm == imm);
    CHECK(in.mem_first == mem_first);
    CHECK(in.mem_dest == mem_dest);
    CHECK(in.reg_dest == reg_dest);
    CHECK(in.len == len);
    CHECK(sim_x86_reads(&in));
    CHECK(sim_x86_writes(&in) == mem_dest);
}

#define ARITH 0x8d5u   /* CF PF AF ZF SF OF */

/* Executes hex with register `reg` = rv, RFLAGS = fin and `mem` loaded:
 * register afterwards, the arithmetic flags, and the stored value. */
static void run(const char *name, const char *hex, unsigned reg, uint64_t rv, uint64_t fin,
                uint64_t mem, uint64_t want_reg, uint64_t want_flags, uint64_t want_store)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    SimRegs rs;
    memset(&rs, 0, sizeof rs);
    rs.r[reg] = rv;
    rs.rflags = fin;
    uint64_t st = sim_x86_exec(&in, &rs, mem);
    CHECK(rs.r[reg] == want_reg);
    CHECK((rs.rflags & ARITH) == want_flags);
    CHECK((rs.rflags & ~(uint64_t)ARITH) == (fin & ~(uint64_t)ARITH));
    if (sim_x86_writes(&in)) CHECK(st == want_store);
}

/* An SSE move: load or store, width, XMM register, lane, keep, length;
 * then executed on XMM `reg` = {0x1122334455667788, 0x99aabbccddeeff00}
 * with `mem` loaded: the register afterwards, or the stored value. */
static void sse(const char *name, const char *hex, bool is_load, unsigned width, unsigned reg,
                unsigned lane, bool keep, unsigned len, uint64_t mem, uint64_t want_lo,
                uint64_t want_hi, uint64_t want_store)
{
    bool ok;
    SimInsn in = dec(hex, &ok);
    CHECK(ok);
    if (!ok) return;
    CHECK(in.xmm);
    CHECK(in.kind == (is_load ? SIM_INSN_LOAD : SIM_INSN_STORE_REG));
    CHECK(in.width == width);
    CHECK(in.reg == reg);
    CHECK(in.xmm_lane == lane);
    CHECK(in.xmm_keep == keep);
    CHECK(in.len == len);
    CHECK(sim_x86_reads(&in) == is_load && sim_x86_writes(&in) == !is_load);
    SimRegs rs;
    memset(&rs, 0, sizeof rs);
    rs.r[reg] = 0x5a5a5a5a5a5a5a5aull;   /* the GPR of the same number is untouched */
    rs.xmm[reg][0] = 0x1122334455667788ull;
    rs.xmm[reg][1] = 0x99aabbccddeeff00ull;
    uint64_t st = sim_x86_exec(&in, &rs, mem);
    CHECK(rs.r[reg] == 0x5a5a5a5a5a5a5a5aull);
    if (is_load) {
        CHECK(rs.xmm[reg][0] == want_lo);
        CHECK(rs.xmm[reg][1] == want_hi);
    } else {
        CHECK(st == want_store);
        CHECK(rs.xmm[reg][0] == 0x1122334455667788ull && rs.xmm[reg][1] == 0x99aabbccddeeff00ull);
    }
}

static void reject(const char *name, const char *hex)
{
    bool ok;
    dec(hex, &ok);
    CHECK(!ok);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The CPU as the oracle: OP reg, [mem] executed for real (RFLAGS set
 * before, read after; %rsp moved past the red zone around the push/pop),
 * against sim_x86_exec on the same instruction's encoding. */
#define HW(fn, insn, regmod)                                                                 \
    static uint64_t fn(uint64_t r, const uint64_t *mem, uint64_t fin, uint64_t *fout)        \
    {                                                                                        \
        __asm__ volatile("sub $128, %%rsp\n\tpush %[fi]\n\tpopfq\n\t" insn " (%[m]), %" regmod \
                         "[r]\n\tpushfq\n\tpop %[fo]\n\tadd $128, %%rsp"                     \
                         : [r] "+q"(r), [fo] "=&r"(*fout)                                    \
                         : [m] "r"(mem), [fi] "r"(fin)                                       \
                         : "cc", "memory");                                                  \
        return r;                                                                            \
    }
#define HW4(op) HW(hw_##op##b, #op "b", "b") HW(hw_##op##w, #op "w", "w") \
                HW(hw_##op##l, #op "l", "k") HW(hw_##op##q, #op "q", "q")
HW4(add) HW4(adc) HW4(sub) HW4(sbb) HW4(and) HW4(or) HW4(xor) HW4(cmp) HW4(test)
HW(hw_imulw, "imulw", "w") HW(hw_imull, "imull", "k") HW(hw_imulq, "imulq", "q")

/* setCC [mem] with RFLAGS = f: the byte the CPU stores. */
#define SET(cc)                                                                              \
    static uint8_t hw_set##cc(uint64_t f)                                                    \
    {                                                                                        \
        uint8_t b = 0xee;                                                                    \
        __asm__ volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\tset" #cc " (%[m])\n\t"   \
                         "add $128, %%rsp" : : [m] "r"(&b), [f] "r"(f) : "cc", "memory");       \
        return b;                                                                            \
    }
SET(o) SET(no) SET(b) SET(ae) SET(e) SET(ne) SET(be) SET(a)
SET(s) SET(ns) SET(p) SET(np) SET(l) SET(ge) SET(le) SET(g)

typedef uint64_t (*HwFn)(uint64_t, const uint64_t *, uint64_t, uint64_t *);

typedef struct HwCase {
    const char *name, *hex[4]; /* encodings of OP reg, [rdi] with reg = rax (ax, ...) */
    HwFn fn[4];
    unsigned undefined;        /* flags the SDM leaves undefined */
} HwCase;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    static const uint64_t edge[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                    0x80000000, 0xffffffff, 0x7fffffffffffffffull,
                                    0x8000000000000000ull, ~0ull, 0x0f, 0x10};
    return (rng & 3) == 0 ? edge[(rng >> 8) % 16] : rng;
}

static void hw_check(void)
{
    /* test/cmp r/m,reg: 84/85, and 38/39; the others reg,r/m */
    static const HwCase cases[] = {
        {"add", {"0207", "660307", "0307", "480307"}, {hw_addb, hw_addw, hw_addl, hw_addq}, 0},
        {"adc", {"1207", "661307", "1307", "481307"}, {hw_adcb, hw_adcw, hw_adcl, hw_adcq}, 0},
        {"sub", {"2a07", "662b07", "2b07", "482b07"}, {hw_subb, hw_subw, hw_subl, hw_subq}, 0},
        {"sbb", {"1a07", "661b07", "1b07", "481b07"}, {hw_sbbb, hw_sbbw, hw_sbbl, hw_sbbq}, 0},
        {"and", {"2207", "662307", "2307", "482307"}, {hw_andb, hw_andw, hw_andl, hw_andq}, 0x10},
        {"or", {"0a07", "660b07", "0b07", "480b07"}, {hw_orb, hw_orw, hw_orl, hw_orq}, 0x10},
        {"xor", {"3207", "663307", "3307", "483307"}, {hw_xorb, hw_xorw, hw_xorl, hw_xorq}, 0x10},
        {"cmp", {"3a07", "663b07", "3b07", "483b07"}, {hw_cmpb, hw_cmpw, hw_cmpl, hw_cmpq}, 0},
        {"test", {"8407", "668507", "8507", "488507"}, {hw_testb, hw_testw, hw_testl, hw_testq}, 0x10},
        {"imul", {NULL, "660faf07", "0faf07", "480faf07"}, {NULL, hw_imulw, hw_imull, hw_imulq},
         0x4 | 0x10 | 0x40 | 0x80},
    };
    const char *name = "hw";
    unsigned n = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (unsigned w = 0; w < 4; w++) {
            if (!cases[c].hex[w]) continue;
            bool ok;
            SimInsn in = dec(cases[c].hex[w], &ok);
            CHECK(ok);
            if (!ok) continue;
            for (int k = 0; k < 3000; k++, n++) {
                uint64_t r = next(), mem = next(), fin = 0x202 | (next() & ARITH), fo;
                uint64_t hw = cases[c].fn[w](r, &mem, fin, &fo);
                SimRegs rs;
                memset(&rs, 0, sizeof rs);
                rs.r[0] = r;
                rs.rflags = fin;
                sim_x86_exec(&in, &rs, mem);
                uint64_t care = ARITH & ~cases[c].undefined;
                if (rs.r[0] != hw || (rs.rflags & care) != (fo & care)) {
                    printf("hw: %s width %u: reg %#llx mem %#llx flags %#llx: cpu %#llx/%#llx, "
                           "decoder %#llx/%#llx\n", cases[c].name, 1u << w, (unsigned long long)r,
                           (unsigned long long)mem, (unsigned long long)fin, (unsigned long long)hw,
                           (unsigned long long)(fo & care), (unsigned long long)rs.r[0],
                           (unsigned long long)(rs.rflags & care));
                    failures++;
                    break;
                }
            }
        }
    uint8_t (*const set[16])(uint64_t) = {hw_seto, hw_setno, hw_setb, hw_setae, hw_sete, hw_setne,
                                          hw_setbe, hw_seta, hw_sets, hw_setns, hw_setp, hw_setnp,
                                          hw_setl, hw_setge, hw_setle, hw_setg};
    for (unsigned cc = 0; cc < 16; cc++) {
        char hex[16];
        snprintf(hex, sizeof hex, "0f%02x07", 0x90 + cc);   /* setcc [rdi] */
        bool ok;
        SimInsn in = dec(hex, &ok);
        CHECK(ok && in.kind == SIM_INSN_SETCC && in.cond == cc && in.len == 3);
        for (uint64_t f = 0; f < 64; f++, n++) {   /* every combination of CF PF ZF SF OF AF */
            uint64_t fl = 0x202 | (f & 1 ? 0x1 : 0) | (f & 2 ? 0x4 : 0) | (f & 4 ? 0x40 : 0) |
                          (f & 8 ? 0x80 : 0) | (f & 16 ? 0x800 : 0) | (f & 32 ? 0x10 : 0);
            SimRegs rs;
            memset(&rs, 0, sizeof rs);
            rs.rflags = fl;
            uint64_t got = sim_x86_exec(&in, &rs, 0);
            if (got != set[cc](fl)) {
                printf("hw: setcc %u flags %#llx: cpu %u, decoder %llu\n", cc, (unsigned long long)fl,
                       set[cc](fl), (unsigned long long)got);
                failures++;
            }
        }
    }
    printf("hw: %u random operations agree with the CPU\n", n);
}
#else
static void hw_check(void) { printf("hw: not an x86-64 build, CPU comparison skipped\n"); }
#endif

int main(void)
{
    /* registers: 0 rax, 1 rcx, 4 rsp, 9 r9, 15 r15 */
    load("mov eax,[rdi]", "8b07", 4, 0, 4, false, false, 2);
    load("mov rax,[rdi+8]", "488b4708", 8, 0, 8, false, false, 4);
    load("mov r9d,[rsp+0x10] (REX.R, SIB, disp8)", "448b4c2410", 4, 9, 4, false, false, 5);
    load("mov eax,[rip+disp32]", "8b0578563412", 4, 0, 4, false, false, 6);
    load("mov eax,[disp32] (SIB without base)", "8b04250400be30", 4, 0, 4, false, false, 7);
    load("mov eax,[rbp+0]", "8b4500", 4, 0, 4, false, false, 3);
    load("mov al,[rdi+3]", "8a4703", 1, 0, 1, false, false, 3);
    load("mov ah,[rdi+3]", "8a6703", 1, 0, 1, false, true, 3);
    load("movzx eax,byte [rdi]", "0fb607", 1, 0, 4, false, false, 3);
    load("movzx eax,word [rdi+2]", "0fb74702", 2, 0, 4, false, false, 4);
    load("movzx ax,byte [rdi]", "660fb607", 1, 0, 2, false, false, 4);
    load("movsx rax,byte [rdi]", "480fbe07", 1, 0, 8, true, false, 4);
    load("movsxd rax,dword [rdi]", "486307", 4, 0, 8, true, false, 3);
    load("mov eax,fs:[0x28] (segment prefix)", "648b042528000000", 4, 0, 4, false, false, 8);
    load("mov eax,[moffs64]", "a10400be3000000000", 4, 0, 4, false, false, 9);

    store("mov [rsi],cx", "66890e", 2, 1, false, 3);
    store("mov [rdi+1],ah", "886701", 1, 0, true, 3);
    store("mov [rdi+1],spl (REX: no high byte)", "40886701", 1, 4, false, 4);
    store("mov [r12],r15d (REX.RB, SIB)", "45893c24", 4, 15, false, 4);

    store_imm("mov byte [rdi],0x7f", "c6077f", 1, 0x7f, 3);
    store_imm("mov word [rdi],0xbeef", "66c707efbe", 2, 0xbeef, 5);
    store_imm("mov dword [rax+0x100],1", "c7800001000001000000", 4, 1, 10);
    store_imm("mov qword [rax],-1 (imm32 sign-extended)", "48c700ffffffff", 8,
              0xffffffffffffffffull, 7);

    reject("movsx ecx,ax (register operand)", "0fbfc8");
    reject("mov eax,ecx (register operand)", "89c8");
    reject("lock or [rdi],eax", "f00907");
    reject("mul dword [rdi] (rdx:rax)", "f727");
    reject("call [rdi]", "ff17");
    reject("push qword [rdi]", "ff37");
    reject("add eax,ecx (register operand)", "01c8");
    reject("add eax,imm32 (no memory operand)", "0501000000");
    reject("shl dword [rdi],1", "d127");
    reject("lock add [rdi],eax", "f00107");
    reject("imul truncated immediate", "6980000000");

    /* movzx/movsx of every width pair */
    load("movzx rax,word [rdi]", "480fb707", 2, 0, 8, false, false, 4);
    load("movsx eax,word [rdi]", "0fbf07", 2, 0, 4, true, false, 3);
    load("movsx ax,byte [rdi]", "660fbe07", 1, 0, 2, true, false, 4);
    load("movsx rax,word [rdi]", "480fbf07", 2, 0, 8, true, false, 4);

    /* memory as a source (name, bytes, op, width, reg, high8, has_imm, imm,
     * mem_first, mem_dest, reg_dest, length) */
    alu("imul eax,[rax+0x10000000],0xd2 (clang -O1)", "698000000010d2000000", SIM_ALU_IMUL, 4, 0,
        false, true, 0xd2, true, false, true, 10);
    alu("imul ecx,[rdi],-3", "6b0ffd", SIM_ALU_IMUL, 4, 1, false, true, 0xfffffffffffffffdull, true,
        false, true, 3);
    alu("imul rdx,[rsi]", "480faf16", SIM_ALU_IMUL, 8, 2, false, false, 0, false, false, true, 4);
    alu("add eax,[rdi]", "0307", SIM_ALU_ADD, 4, 0, false, false, 0, false, false, true, 2);
    alu("add r8b,[rdi] (REX.R)", "440207", SIM_ALU_ADD, 1, 8, false, false, 0, false, false, true, 3);
    alu("sub rcx,[rdi+8]", "482b4f08", SIM_ALU_SUB, 8, 1, false, false, 0, false, false, true, 4);
    alu("and dx,[rsi]", "662316", SIM_ALU_AND, 2, 2, false, false, 0, false, false, true, 3);
    alu("or al,[rdi]", "0a07", SIM_ALU_OR, 1, 0, false, false, 0, false, false, true, 2);
    alu("xor esi,[rdi]", "3337", SIM_ALU_XOR, 4, 6, false, false, 0, false, false, true, 2);
    alu("sbb eax,[rdi]", "1b07", SIM_ALU_SBB, 4, 0, false, false, 0, false, false, true, 2);
    alu("add r8d,[r12+8] (REX.RB, SIB)", "4503442408", SIM_ALU_ADD, 4, 8, false, false, 0, false,
        false, true, 5);
    alu("cmp eax,[rdi]", "3b07", SIM_ALU_CMP, 4, 0, false, false, 0, false, false, false, 2);
    alu("cmp [rdi],eax", "3907", SIM_ALU_CMP, 4, 0, false, false, 0, true, false, false, 2);
    alu("cmp byte [rdi],0x80", "803f80", SIM_ALU_CMP, 1, 0, false, true, 0xffffffffffffff80ull, true,
        false, false, 3);
    alu("cmp dword [rdi],-1", "833fff", SIM_ALU_CMP, 4, 0, false, true, ~0ull, true, false, false, 3);
    alu("test [rdi],ecx", "850f", SIM_ALU_TEST, 4, 1, false, false, 0, true, false, false, 2);
    alu("test [rdi],ah", "8427", SIM_ALU_TEST, 1, 0, true, false, 0, true, false, false, 2);
    alu("test byte [rdi],4", "f60704", SIM_ALU_TEST, 1, 0, false, true, 4, true, false, false, 3);
    alu("test dword [rdi],0x10000", "f70700000100", SIM_ALU_TEST, 4, 0, false, true, 0x10000, true,
        false, false, 6);
    alu("test word [rdi],0x1234", "66f7073412", SIM_ALU_TEST, 2, 0, false, true, 0x1234, true, false,
        false, 5);
    /* setne byte [rax+0x10000000] (clang -O2: a volatile st8 of x != y) */
    {
        const char *name = "setne [rax+0x10000000]";
        bool ok;
        SimInsn in = dec("0f958000000010", &ok);
        CHECK(ok && in.kind == SIM_INSN_SETCC && in.cond == 5 && in.width == 1 && in.len == 7);
        CHECK(!sim_x86_reads(&in) && sim_x86_writes(&in));
        SimRegs rs;
        memset(&rs, 0, sizeof rs);
        rs.rflags = 0x202 | 0x40;   /* ZF: equal */
        CHECK(sim_x86_exec(&in, &rs, 0) == 0);
        rs.rflags = 0x202;
        CHECK(sim_x86_exec(&in, &rs, 0) == 1);
        CHECK(rs.rflags == 0x202);
    }
    /* read-modify-write */
    alu("add [rdi],eax", "0107", SIM_ALU_ADD, 4, 0, false, false, 0, true, true, false, 2);
    alu("or [rdi],eax", "0907", SIM_ALU_OR, 4, 0, false, false, 0, true, true, false, 2);
    alu("adc [rdi],eax", "1107", SIM_ALU_ADC, 4, 0, false, false, 0, true, true, false, 2);
    alu("add dword [rdi],5", "830705", SIM_ALU_ADD, 4, 0, false, true, 5, true, true, false, 3);
    alu("and qword [rdi],-16", "488327f0", SIM_ALU_AND, 8, 0, false, true, 0xfffffffffffffff0ull,
        true, true, false, 4);
    alu("or word [rdi],0x8000", "66810f0080", SIM_ALU_OR, 2, 0, false, true, 0xffffffffffff8000ull,
        true, true, false, 5);
    alu("inc dword [rdi]", "ff07", SIM_ALU_INC, 4, 0, false, false, 0, true, true, false, 2);
    alu("dec byte [rdi]", "fe0f", SIM_ALU_DEC, 1, 0, false, false, 0, true, true, false, 2);
    alu("not qword [rdi]", "48f717", SIM_ALU_NOT, 8, 0, false, false, 0, true, true, false, 3);
    alu("neg dword [rdi]", "f71f", SIM_ALU_NEG, 4, 0, false, false, 0, true, true, false, 2);

    /* execution (name, bytes, reg, its value, RFLAGS in, loaded, reg after,
     * flags after, stored); 0x202 = IF and the reserved bit, kept */
    run("imul eax,[m],0xd2: 2^24 * 210 overflows int32", "698000000010d2000000", 0, ~0ull, 0x202,
        0x01000000, 0xd2000000, 0x1 | 0x800 | 0x80 | 0x4, 0);
    run("imul ecx,[m],-3: 5 * -3", "6b0ffd", 1, 0, 0x202, 5, 0xfffffff1, 0x80, 0);
    run("imul rdx,[m]: 2^32 * 2^32 overflows", "480faf16", 2, 1ull << 32, 0x202, 1ull << 32, 0,
        0x1 | 0x800 | 0x40 | 0x4, 0);
    run("imul rdx,[m]: -2 * 3", "480faf16", 2, (uint64_t)-2, 0x202, 3, (uint64_t)-6, 0x80 | 0x4, 0);
    run("add eax,[m]: 0xffffffff + 1", "0307", 0, 0xabcdef01ffffffffull, 0x202, 1, 0,
        0x1 | 0x4 | 0x10 | 0x40, 0);
    run("add r8b,[m]: 0x7f + 1 merges", "440207", 8, 0x1234567f, 0x202, 1, 0x12345680,
        0x800 | 0x80 | 0x10, 0);
    run("sub rcx,[m]: 1 - 2", "482b4f08", 1, 1, 0x202, 2, ~0ull, 0x1 | 0x4 | 0x10 | 0x80, 0);
    run("cmp [m],eax: 0x80000000 - 1", "3907", 0, 1, 0x202, 0x80000000, 1, 0x800 | 0x10 | 0x4, 0);
    run("cmp byte [m],0x80: 0x7f - 0x80", "803f80", 0, 0, 0x202, 0x7f, 0, 0x1 | 0x4 | 0x80 | 0x800, 0);
    run("test byte [m],4 clears CF OF AF", "f60704", 0, 0, 0x202 | ARITH, 0x0c, 0, 0, 0);
    run("test [m],ah", "8427", 0, 0xff00, 0x202, 0x80, 0xff00, 0x80, 0);
    run("xor esi,[m]: equal", "3337", 6, 0xff, 0x202, 0xff, 0, 0x40 | 0x4, 0);
    run("sbb eax,[m] with CF: 5 - 5 - 1", "1b07", 0, 5, 0x203, 5, 0xffffffff, 0x1 | 0x4 | 0x10 | 0x80, 0);
    run("add dword [m],5: 0xfffffffd + 5", "830705", 0, 0, 0x202, 0xfffffffd, 0, 0x1 | 0x10, 2);
    run("and qword [m],-16", "488327f0", 0, 0, 0x202, 0x123456789abcdef7ull, 0, 0x4,
        0x123456789abcdef0ull);
    run("or word [m],0x8000", "66810f0080", 0, 0, 0x202, 1, 0, 0x80, 0x8001);
    run("inc dword [m]: 0x7fffffff + 1 keeps CF", "ff07", 0, 0, 0x203, 0x7fffffff, 0,
        0x800 | 0x80 | 0x10 | 0x4 | 0x1, 0x80000000);
    run("dec byte [m]: 0 - 1 keeps CF clear", "fe0f", 0, 0, 0x202, 0, 0, 0x80 | 0x10 | 0x4, 0xff);
    run("not qword [m]: flags unchanged", "48f717", 0, 0, 0x202 | 0x41, 0xf, 0, 0x41,
        0xfffffffffffffff0ull);
    run("neg dword [m]: -1", "f71f", 0, 0, 0x202, 1, 0, 0x1 | 0x80 | 0x10 | 0x4, 0xffffffff);
    run("adc [m],eax with CF: 0xffffffff + 0 + 1", "1107", 0, 0, 0x203, 0xffffffff, 0,
        0x1 | 0x40 | 0x10 | 0x4, 0);
    /* SSE moves (SDM: MOVD/MOVQ, MOVSS, MOVSD, MOVLPS/MOVLPD, MOVHPS/MOVHPD,
     * PINSRW); what GCC -O2 emitted for volatile words whose values live in
     * vector registers (campaign seeds 2002995, 2005075, 2005219) */
    sse("movd xmm0,[rcx*4+0] (gcc -O2, seed 2002995)", "660f6e048d00000010", true, 4, 0, 0, false,
        9, 0xdeadbeef, 0xdeadbeef, 0, 0);
    sse("movd [rdx*4+0],xmm3 (seed 2005075)", "660f7e1c9500000010", false, 4, 3, 0, false, 9, 0, 0,
        0, 0x55667788);
    sse("movd [0x100000f0],xmm1 (seed 2005219)", "660f7e0c25f0000010", false, 4, 1, 0, false, 9, 0,
        0, 0, 0x55667788);
    sse("movq xmm9,[rdi] (66 REX.WR 0F 6E)", "664c0f6e0f", true, 8, 9, 0, false, 5,
        0x0102030405060708ull, 0x0102030405060708ull, 0, 0);
    sse("movq [rdi],xmm2 (66 REX.W 0F 7E)", "66480f7e17", false, 8, 2, 0, false, 5, 0, 0, 0,
        0x1122334455667788ull);
    sse("movq xmm2,[rdi] (F3 0F 7E)", "f30f7e17", true, 8, 2, 0, false, 4, 0xabcdull, 0xabcdull, 0,
        0);
    sse("movq [rdi+8],xmm15 (66 REX.R 0F D6)", "66440fd67f08", false, 8, 15, 0, false, 6, 0, 0, 0,
        0x1122334455667788ull);
    sse("movss xmm1,[rdi]: zeroes the rest", "f30f100f", true, 4, 1, 0, false, 4, 0xffffffffull,
        0xffffffffull, 0, 0);
    sse("movss [rdi],xmm1", "f30f110f", false, 4, 1, 0, false, 4, 0, 0, 0, 0x55667788);
    sse("movsd xmm1,[rdi]", "f20f100f", true, 8, 1, 0, false, 4, 7, 7, 0, 0);
    sse("movsd [rdi],xmm1", "f20f110f", false, 8, 1, 0, false, 4, 0, 0, 0, 0x1122334455667788ull);
    sse("movlps xmm1,[rdi]: keeps the high half", "0f120f", true, 8, 1, 0, true, 3, 5, 5,
        0x99aabbccddeeff00ull, 0);
    sse("movlpd [rdi],xmm1", "660f130f", false, 8, 1, 0, false, 4, 0, 0, 0, 0x1122334455667788ull);
    sse("movhps xmm1,[rdi]: keeps the low half", "0f160f", true, 8, 1, 8, true, 3, 5,
        0x1122334455667788ull, 5, 0);
    sse("movhpd [rdi],xmm1", "660f170f", false, 8, 1, 8, false, 4, 0, 0, 0, 0x99aabbccddeeff00ull);
    sse("pinsrw xmm1,[rdi],3: word 3 only", "660fc40f03", true, 2, 1, 6, true, 5, 0xbeef,
        0xbeef334455667788ull, 0x99aabbccddeeff00ull, 0);
    reject("movups xmm1,[rdi] (16 bytes)", "0f100f");
    reject("movdqa xmm1,[rdi] (16 bytes)", "660f6f0f");
    reject("movd xmm1,eax (register operand)", "660f6ec8");
    reject("rep movsb", "f3a4");
    reject("xrelease mov [rdi],eax", "f38907");
    reject("66 with F3 (ambiguous mandatory prefix)", "66f30f7e17");
    reject("vmovd xmm1,[rdi] (VEX)", "c5f96e0f");
    hw_check();
    reject("truncated", "488b");
    reject("empty", "");
    reject("mov [rdi],imm with /1", "c70f01000000");
    if (failures) printf("%d check(s) failed\n", failures);
    else printf("all decoder checks passed\n");
    return failures != 0;
}
