/* Unit tests of sim_x86_decode. Byte sequences hand-assembled from the
 * Intel SDM vol. 2 (MOV, MOVZX, MOVSX, MOVSXD; ModRM/SIB tables) and the
 * expected fields worked out by hand; objdump was used only to double-check
 * that each sequence is the instruction named in its comment. */
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

static void reject(const char *name, const char *hex)
{
    bool ok;
    dec(hex, &ok);
    CHECK(!ok);
}

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
    reject("or [rdi],eax (read-modify-write)", "0907");
    reject("truncated", "488b");
    reject("empty", "");
    reject("mov [rdi],imm with /1", "c70f01000000");
    if (failures) printf("%d check(s) failed\n", failures);
    else printf("all decoder checks passed\n");
    return failures != 0;
}
