/* libFuzzer target for compose's parsers: the first byte picks the policy
 * reader (against a fixed system), the --dump-state JSON reader and
 * comparison, or the contract reader with the enumeration of bridge
 * obligations (not their proof: that is griddle verify's, fuzzed there). Any input must give diagnostics or a result, never a crash,
 * a sanitizer report or a leak. Seeds: tests/compose/policy, examples. */
#include "compose/compose.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SDF[] =
    "<system><memory_region name='m' size='0x1000' />"
    "<memory_region name='nic' size='0x10000' phys_addr='0x30be0000' />"
    "<memory_region name='d' size='0x1000' phys_addr='0x50000000' />"
    "<protection_domain name='a' priority='1'><program_image path='x' />"
    "<map mr='m' vaddr='0x2000000' /><map mr='nic' vaddr='0x3000000' /></protection_domain>"
    "<protection_domain name='b' priority='2'><program_image path='x' />"
    "<map mr='m' vaddr='0x2000000' perms='r' /><setvar symbol='p' region_paddr='d' /></protection_domain>"
    "<channel><end pd='a' id='0' pp='true' /><end pd='b' id='0' /></channel></system>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    SrcMgr sm;
    DiagList dl;
    srcmgr_init(&sm);
    diag_init(&dl);
    SimLoadOpts o = {.no_images = true};
    SimSystem *s = sim_load_text("f.system", SDF, strlen(SDF), &sm, &dl, &o);
    if (!s) abort();
    const char *text = (const char *)data + 1;
    if (data[0] % 3 == 2) {
        CmpContractSet cs;
        cmp_contract_init(&cs);
        if (cmp_contract_parse(&cs, s, "f.contract", text, size - 1, &sm, &dl)) {
            CmpGraph g;
            cmp_graph_build(&g, s, NULL);
            for (size_t i = 0; i < cs.v.n; i++) cmp_evidence_words(&cs.v.v[i], s);
            CmpBridgeSet bs;
            cmp_bridges_build(&bs, &cs, &g);
            /* the generated model of a component, every word tracked */
            for (size_t i = 0; i < cs.v.n; i++) {
                CmpContract *c = &cs.v.v[i];
                for (size_t k = 0; k < c->words.n; k++) c->words.v[k].tracked = true;
                CmpCode code = {0};
                CmpCodeShared d = {xstrdup("msg"), 0x2000000, 0x2001000, 8, 8, true, true};
                vec_push(&code.shared, d);
                char *extra, *why, *m = cmp_evidence_model(c, s, &code, &extra, &why);
                free(m);
                free(extra);
                free(why);
                cmp_code_free(&code);
            }
            cmp_bridges_free(&bs);
            cmp_graph_free(&g);
        }
        cmp_contract_free(&cs);
    } else if (data[0] % 3 == 1) {
        CmpInitReport r;
        cmp_init_check(&r, s, "f.json", text, size - 1, &sm, &dl);
        cmp_init_free(&r);
    } else {
        CmpPolicySet ps;
        cmp_policy_init(&ps);
        if (cmp_policy_parse(&ps, s, "f.policy", text, size - 1, &sm, &dl)) {
            bool *nd = cmp_policy_no_dma(&ps, s);
            CmpGraph g;
            cmp_graph_build(&g, s, nd);
            cmp_policy_check(&ps, &g);
            cmp_policy_report(&ps, &g, &dl);
            cmp_graph_free(&g);
            free(nd);
        }
        cmp_policy_free(&ps);
    }
    sim_free(s);
    diag_free(&dl);
    srcmgr_free(&sm);
    return 0;
}
