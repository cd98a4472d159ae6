/* Unit tests against src/compose/compose.h: the influence graph of a small
 * SDF (edges counted by hand from the rules in compose.h), shortest paths,
 * the JSON reader. Expected values are hand-derived. */
#include "compose/compose.h"

#include <stdio.h>
#include <string.h>

static int fails, checks;
#define CHECK(e)                                                                   \
    do {                                                                           \
        checks++;                                                                  \
        if (!(e)) {                                                                \
            fails++;                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #e); \
        }                                                                          \
    } while (0)

/* p (prio 1) maps a rw and dev (ENET registers) rw with IRQ 152; q (prio 2)
 * maps a r and b rwx; r has no maps; dma has a phys_addr. Channel p->q
 * (q's end notify=false), channel q -pp-> r (r prio 3). */
static const char SDF[] =
    "<system>\n"
    "<memory_region name='a' size='0x1000' />\n"
    "<memory_region name='b' size='0x1000' />\n"
    "<memory_region name='dma' size='0x1000' phys_addr='0x50000000' />\n"
    "<memory_region name='dev' size='0x10000' phys_addr='0x30be0000' />\n"
    "<protection_domain name='p' priority='1'><program_image path='x' />\n"
    "  <map mr='a' vaddr='0x2000000' /><map mr='dev' vaddr='0x3000000' />\n"
    "  <irq irq='152' id='3' /></protection_domain>\n"
    "<protection_domain name='q' priority='2'><program_image path='x' />\n"
    "  <map mr='a' vaddr='0x2000000' perms='r' /><map mr='b' vaddr='0x3000000' perms='rwx' />\n"
    "</protection_domain>\n"
    "<protection_domain name='r' priority='3'><program_image path='x' /></protection_domain>\n"
    "<channel><end pd='p' id='0' /><end pd='q' id='0' notify='false' /></channel>\n"
    "<channel><end pd='q' id='1' pp='true' notify='false' /><end pd='r' id='0' notify='false' /></channel>\n"
    "</system>\n";

static size_t count(const CmpGraph *g, CmpEdgeKind k)
{
    size_t n = 0;
    for (size_t i = 0; i < g->edges.n; i++) n += g->edges.v[i].kind == k;
    return n;
}

static void test_graph(void)
{
    SrcMgr sm;
    DiagList dl;
    srcmgr_init(&sm);
    diag_init(&dl);
    SimLoadOpts o = {.no_images = true};
    SimSystem *s = sim_load_text("t.system", SDF, strlen(SDF), &sm, &dl, &o);
    CHECK(s != NULL);
    if (!s) return;
    CmpGraph g;
    cmp_graph_build(&g, s, NULL);
    CHECK(g.npd == 3 && g.nmr == 4 && g.nnodes == 7);
    /* writes: p->a, p->dev, q->b; reads: a->p, dev->p, a->q, b->q; exec: b->q */
    CHECK(count(&g, CMP_E_WRITE) == 3);
    CHECK(count(&g, CMP_E_READ) == 4);
    CHECK(count(&g, CMP_E_EXEC) == 1);
    CHECK(count(&g, CMP_E_NOTIFY) == 1);   /* p->q only */
    CHECK(count(&g, CMP_E_PPC) == 1 && count(&g, CMP_E_REPLY) == 1);
    CHECK(count(&g, CMP_E_IRQ) == 1);      /* dev -> p */
    CHECK(count(&g, CMP_E_DMA_WRITE) == 1 && count(&g, CMP_E_DMA_READ) == 1); /* dev <-> dma */
    CHECK(g.edges.n == 14);         /* 3+4+1 maps, 1+1+1 channels, 1 irq, 2 dma */
    int p = cmp_node_find(&g, "p"), r = cmp_node_find(&g, "r"), b = cmp_node_find(&g, "b");
    int dma = cmp_node_find(&g, "dma");
    CHECK(p == 0 && r == 2 && b == 3 + 1 && dma == 3 + 2);
    CmpIntVec path = {0};
    /* p -> r: p notifies q, q calls r: 2 edges */
    CHECK(cmp_path(&g, p, r, NULL, NULL, &path) && path.n == 2);
    StrBuf sb = {0};
    cmp_path_print(&g, path.v, path.n, p, &sb);
    CHECK(!strcmp(sb.s, "p --notify(channel 0 -> 0)--> q --ppc(channel 1 -> 0)--> r"));
    sb_free(&sb);
    /* r -> p: r replies to q; q cannot notify p and writes only b */
    CHECK(!cmp_path(&g, r, p, NULL, NULL, &path));
    /* p -> dma: through the device (p writes dev, dev DMAs): 2 edges */
    CHECK(cmp_path(&g, p, dma, NULL, NULL, &path) && path.n == 2);
    /* a cycle back to the start: p -> a -> p */
    CHECK(cmp_path(&g, p, p, NULL, NULL, &path) && path.n == 2);
    cmp_graph_free(&g);
    /* assume no_dma dev: the DMA edges go, the IRQ stays */
    bool no_dma[4] = {false, false, false, true};
    cmp_graph_build(&g, s, no_dma);
    CHECK(count(&g, CMP_E_DMA_WRITE) == 0 && count(&g, CMP_E_IRQ) == 1);
    CHECK(!cmp_path(&g, p, dma, NULL, NULL, &path));
    cmp_graph_free(&g);
    vec_free(&path);
    sim_free(s);
    diag_free(&dl);
    srcmgr_free(&sm);
}

static void test_json(void)
{
    SrcMgr sm;
    DiagList dl;
    srcmgr_init(&sm);
    diag_init(&dl);
    Arena a;
    arena_init(&a);
    const char *t = "{\"x\": [1, -2.5e1, 18446744073709551615, 18446744073709551616],"
                    " \"s\": \"a\\u00e9\\ud83d\\ude00\\n\", \"t\": true, \"n\": null}";
    uint32_t f = srcmgr_add(&sm, "t.json", xstrdup(t), strlen(t));
    CmpJson *j = cmp_json_parse(&a, t, strlen(t), f, &sm, &dl);
    CHECK(j && j->kind == CJ_OBJ && j->n == 4);
    const CmpJson *x = cmp_json_get(j, "x");
    CHECK(x && x->kind == CJ_ARR && x->n == 4);
    if (x && x->n == 4) {
        CHECK(x->items[0]->num_is_u64 && x->items[0]->u64 == 1);
        CHECK(!x->items[1]->num_is_u64 && x->items[1]->num == -25.0);
        CHECK(x->items[2]->num_is_u64 && x->items[2]->u64 == UINT64_MAX);
        CHECK(!x->items[3]->num_is_u64);     /* 2^64 does not fit */
    }
    const CmpJson *s = cmp_json_get(j, "s");
    /* a, e-acute (C3 A9), U+1F600 (F0 9F 98 80), newline */
    CHECK(s && !strcmp(s->str, "a\xc3\xa9\xf0\x9f\x98\x80\n"));
    CHECK(cmp_json_get(j, "t")->b && cmp_json_get(j, "n")->kind == CJ_NULL);
    CHECK(cmp_json_get(j, "nope") == NULL && dl.nerrors == 0);
    const char *bad[] = {"", "{", "[1,]", "{\"a\":}", "\"\\ud800\"", "\"\\u0000\"", "tru", "1.", "-"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        size_t before = dl.nerrors;
        uint32_t bf = srcmgr_add(&sm, "b.json", xstrdup(bad[i]), strlen(bad[i]));
        CHECK(cmp_json_parse(&a, bad[i], strlen(bad[i]), bf, &sm, &dl) == NULL);
        CHECK(dl.nerrors == before + 1);
    }
    arena_free(&a);
    diag_free(&dl);
    srcmgr_free(&sm);
}

int main(void)
{
    test_graph();
    test_json();
    printf("%d/%d checks passed\n", checks - fails, checks);
    return fails ? 1 : 0;
}
