/*
 * SDF reader: expat builds a small element tree (names, attributes and
 * byte offsets into the text), then one function per element kind turns
 * it into the SimSystem model, reporting each problem with the exact
 * attribute's location and carrying on, so one run shows every error.
 *
 * Accepted: the Microkit 1.x schema (pp="true" on a protection_domain)
 * and 2.x (pp/notify on channel ends, setvar_id). Nested protection
 * domains are child PDs (id, setvar_id; flattened parent first, then its
 * children depth-first, as the tool does). Virtual machines, cspace and
 * ioport are reported as not supported by the emulator; <domains> and <io_address_space> are
 * ignored with a warning. Element and attribute rules follow the tool's
 * sdf.rs: unknown attributes and elements are errors.
 */
#include "sim_int.h"

#include <errno.h>
#include <expat.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct XAttr {
    const char *name, *value;
} XAttr;

typedef struct XNode XNode;
struct XNode {
    const char *name;
    XAttr *attrs;
    size_t nattrs;
    uint32_t off;           /* byte offset of '<' */
    XNode *parent;
    VEC(XNode *) kids;
};

typedef struct Ld {
    SimSystem *s;
    SrcMgr *sm;
    DiagList *dl;
    const SimLoadOpts *o;
    const char *text;
    size_t len;
    uint32_t file;
    XNode *root, *cur;
    bool xml_failed;
    XML_Parser xp;
    VEC(XNode *) all;       /* for freeing the kid vectors */
} Ld;

/* ---- locations ---------------------------------------------------------- */

static Span span_at(Ld *ld, size_t off, size_t n)
{
    SrcFile *f = ld->sm->files.v[ld->file];
    uint32_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {   /* last line start <= off */
        uint32_t mid = (lo + hi) / 2;
        if (f->line_starts[mid] <= off) lo = mid;
        else hi = mid;
    }
    Span sp = {0};
    sp.file = ld->file;
    sp.line = sp.eline = lo + 1;
    sp.col = (uint32_t)(off - f->line_starts[lo] + 1);
    sp.ecol = sp.col + (uint32_t)(n ? n - 1 : 0);
    return sp;
}

/* Span of the element's name (just after '<'). */
static Span node_span(Ld *ld, const XNode *n)
{
    return span_at(ld, n->off + 1, strlen(n->name));
}

/* Span of an attribute's value inside the start tag, found by scanning
 * the raw text (expat reports only element positions). Falls back to the
 * element. */
static Span attr_span(Ld *ld, const XNode *n, const char *attr)
{
    size_t an = strlen(attr);
    char quote = 0;
    for (size_t i = n->off + 1; i < ld->len; i++) {
        char c = ld->text[i];
        if (quote) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') { quote = c; continue; }
        if (c == '>') break;
        bool word_start = i > 0 && (ld->text[i - 1] == ' ' || ld->text[i - 1] == '\t' ||
                                    ld->text[i - 1] == '\n' || ld->text[i - 1] == '\r');
        if (!word_start || i + an >= ld->len || memcmp(ld->text + i, attr, an)) continue;
        size_t j = i + an;
        while (j < ld->len && strchr(" \t\r\n", ld->text[j])) j++;
        if (j >= ld->len || ld->text[j] != '=') continue;
        j++;
        while (j < ld->len && strchr(" \t\r\n", ld->text[j])) j++;
        if (j >= ld->len || (ld->text[j] != '"' && ld->text[j] != '\'')) continue;
        char q = ld->text[j];
        size_t k = j + 1;
        while (k < ld->len && ld->text[k] != q) k++;
        return span_at(ld, j + 1, k > j + 1 ? k - j - 1 : 1);
    }
    return node_span(ld, n);
}

static Diag *err_at(Ld *ld, Span sp, const char *fmt, ...) PRINTF_LIKE(3, 4);
static Diag *err_at(Ld *ld, Span sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vadd(ld->dl, DIAG_ERROR, "sdf", &sp, fmt, ap);
    va_end(ap);
    return d;
}

/* ---- expat -------------------------------------------------------------- */

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    Ld *ld = ud;
    Arena *a = &ld->s->arena;
    XNode *n = arena_alloc(a, sizeof *n);
    n->name = arena_strndup(a, name, strlen(name));
    long idx = XML_GetCurrentByteIndex(ld->xp);
    n->off = idx < 0 ? 0 : (uint32_t)idx;
    size_t na = 0;
    while (atts[2 * na]) na++;
    n->attrs = arena_alloc(a, (na ? na : 1) * sizeof *n->attrs);
    n->nattrs = na;
    for (size_t i = 0; i < na; i++) {
        n->attrs[i].name = arena_strndup(a, atts[2 * i], strlen(atts[2 * i]));
        n->attrs[i].value = arena_strndup(a, atts[2 * i + 1], strlen(atts[2 * i + 1]));
    }
    n->parent = ld->cur;
    if (ld->cur) vec_push(&ld->cur->kids, n);
    else ld->root = n;
    vec_push(&ld->all, n);
    ld->cur = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    Ld *ld = ud;
    if (ld->cur) ld->cur = ld->cur->parent;
}

/* Text content is not part of the schema: only whitespace is allowed. */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    Ld *ld = ud;
    for (int i = 0; i < len; i++) {
        if (strchr(" \t\r\n", s[i])) continue;
        long idx = XML_GetCurrentByteIndex(ld->xp);
        err_at(ld, span_at(ld, idx < 0 ? 0 : (size_t)idx, 1),
               "unexpected text '%.*s' in element '%s'", len - i > 20 ? 20 : len - i, s + i,
               ld->cur ? ld->cur->name : "?");
        return;
    }
}

static bool parse_xml(Ld *ld)
{
    XML_Parser xp = XML_ParserCreate("UTF-8");
    if (!xp) die("expat: out of memory");
    ld->xp = xp;
    XML_SetUserData(xp, ld);
    XML_SetElementHandler(xp, on_start, on_end);
    XML_SetCharacterDataHandler(xp, on_text);
    bool ok = true;
    if (ld->len > INT32_MAX ||
        XML_Parse(xp, ld->text, (int)ld->len, 1) == XML_STATUS_ERROR) {
        long idx = XML_GetCurrentByteIndex(xp);
        size_t off = idx < 0 ? 0 : (size_t)idx;
        if (off > ld->len) off = ld->len;
        err_at(ld, span_at(ld, off, 1), "malformed XML: %s",
               XML_ErrorString(XML_GetErrorCode(xp)));
        ok = false;
    }
    XML_ParserFree(xp);
    ld->xp = NULL;
    return ok;
}

/* ---- attribute helpers -------------------------------------------------- */

static const char *attr(const XNode *n, const char *name)
{
    for (size_t i = 0; i < n->nattrs; i++)
        if (!strcmp(n->attrs[i].name, name)) return n->attrs[i].value;
    return NULL;
}

/* Every attribute must be in the NULL-terminated list. */
static bool check_attrs(Ld *ld, const XNode *n, const char *const *allowed)
{
    bool ok = true;
    for (size_t i = 0; i < n->nattrs; i++) {
        bool found = false;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, n->attrs[i].name)) found = true;
        if (found) continue;
        Span sp = attr_span(ld, n, n->attrs[i].name);
        sp.col -= (uint32_t)(strlen(n->attrs[i].name) + 2);
        if (sp.col < 1) sp.col = 1;
        err_at(ld, sp, "invalid attribute '%s' on element '%s'", n->attrs[i].name, n->name);
        ok = false;
    }
    return ok;
}

static const char *need(Ld *ld, const XNode *n, const char *name)
{
    const char *v = attr(n, name);
    if (!v) err_at(ld, node_span(ld, n), "missing required attribute '%s' on element '%s'",
                   name, n->name);
    return v;
}

bool sdf_parse_u64(const char *str, uint64_t *out)
{
    char buf[80];
    size_t n = 0;
    for (const char *p = str; *p; p++) {
        if (*p == '_') continue;
        if (n + 1 >= sizeof buf) return false;
        buf[n++] = *p;
    }
    buf[n] = 0;
    int base = 10;
    const char *digits = buf;
    if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
        base = 16;
        digits = buf + 2;
    }
    if (!*digits) return false;
    for (const char *p = digits; *p; p++) {
        bool ok = base == 16 ? strchr("0123456789abcdefABCDEF", *p) != NULL
                             : (*p >= '0' && *p <= '9');
        if (!ok) return false;
    }
    errno = 0;
    unsigned long long v = strtoull(digits, NULL, base);
    if (errno == ERANGE) return false;
    *out = v;
    return true;
}

/* Optional number attribute; returns false (after an error) if present
 * and malformed, leaving *out unchanged when absent. */
static bool num_attr(Ld *ld, const XNode *n, const char *name, uint64_t *out, bool required)
{
    const char *v = required ? need(ld, n, name) : attr(n, name);
    if (!v) return !required;
    if (!sdf_parse_u64(v, out)) {
        err_at(ld, attr_span(ld, n, name), "'%s' is not a number (%s on element '%s')", v,
               name, n->name);
        return false;
    }
    return true;
}

static bool bool_attr(Ld *ld, const XNode *n, const char *name, bool *out)
{
    const char *v = attr(n, name);
    if (!v) return true;
    if (!strcmp(v, "true")) *out = true;
    else if (!strcmp(v, "false")) *out = false;
    else {
        err_at(ld, attr_span(ld, n, name), "%s must be 'true' or 'false', not '%s'", name, v);
        return false;
    }
    return true;
}

static const char *sdup(Ld *ld, const char *s) { return arena_strndup(&ld->s->arena, s, strlen(s)); }

/* ---- elements ----------------------------------------------------------- */

static const char *const MR_ATTRS[] = {"name", "size", "page_size", "phys_addr",
                                       "prefill_path", NULL};

/* <memory_region name size [page_size] [phys_addr] [prefill_path]/> */
static void memory_region(Ld *ld, const XNode *n)
{
    check_attrs(ld, n, MR_ATTRS);
    SimMr mr = {.device = -1, .page_size = 0x1000};
    mr.span = node_span(ld, n);
    const char *name = need(ld, n, "name");
    mr.name = name ? sdup(ld, name) : "?";
    if (!num_attr(ld, n, "size", &mr.size, true)) mr.size = 0x1000;
    uint64_t ps = 0;
    if (attr(n, "page_size") && num_attr(ld, n, "page_size", &ps, false)) {
        if (ps != 0x1000 && ps != 0x200000)
            err_at(ld, attr_span(ld, n, "page_size"),
                   "page size 0x%llx not supported (use 0x1000 or 0x200000)",
                   (unsigned long long)ps);
        else mr.page_size = ps;
    }
    if (mr.size == 0 || mr.size % mr.page_size)
        err_at(ld, attr_span(ld, n, "size"),
               "size 0x%llx is not a non-zero multiple of the page size 0x%llx",
               (unsigned long long)mr.size, (unsigned long long)mr.page_size);
    if (attr(n, "phys_addr") && num_attr(ld, n, "phys_addr", &mr.paddr, false)) {
        mr.paddr_given = mr.has_paddr = true;
        if (mr.paddr % mr.page_size)
            err_at(ld, attr_span(ld, n, "phys_addr"),
                   "phys_addr 0x%llx is not aligned to the page size 0x%llx",
                   (unsigned long long)mr.paddr, (unsigned long long)mr.page_size);
    }
    /* a relative prefill path is relative to the system description */
    const char *pf = attr(n, "prefill_path");
    if (pf && pf[0] == '/') mr.prefill_path = sdup(ld, pf);
    else if (pf) {
        char *tmp = xstrdup(ld->s->path);
        mr.prefill_path = arena_printf(&ld->s->arena, "%s/%s", dirname(tmp), pf);
        free(tmp);
    }
    vec_push(&ld->s->mrs, mr);
}

static bool perms_parse(const char *s, unsigned *out)
{
    unsigned p = 0;
    for (; *s; s++) {
        if (*s == 'r') p |= SIM_PERM_R;
        else if (*s == 'w') p |= SIM_PERM_W;
        else if (*s == 'x') p |= SIM_PERM_X;
        else return false;
    }
    *out = p;
    return true;
}

static void add_setvar(Ld *ld, SimPd *pd, const XNode *n, const char *attrname,
                       SimSetvarKind kind, int mr, uint64_t value)
{
    const char *sym = attr(n, attrname);
    if (!sym) return;
    Span sp = attr_span(ld, n, attrname);
    for (size_t i = 0; i < pd->setvars.n; i++)
        if (!strcmp(pd->setvars.v[i].symbol, sym)) {
            Diag *d = err_at(ld, sp, "setvar on symbol '%s' already exists", sym);
            diag_note(d, &pd->setvars.v[i].span, "first set here");
            return;
        }
    SimSetvar sv = {.symbol = sdup(ld, sym), .kind = kind, .mr = mr, .value = value, .span = sp};
    vec_push(&pd->setvars, sv);
}

/* The MR named by attribute `a`, or -1 (reported). MRs may be declared
 * after the PDs that use them, so this runs after all MRs are read. */
static int mr_ref(Ld *ld, const XNode *n, const char *a)
{
    const char *name = need(ld, n, a);
    if (!name) return -1;
    int i = sim_mr_index(ld->s, name);
    if (i < 0) err_at(ld, attr_span(ld, n, a), "unknown memory region '%s'", name);
    return i;
}

static const char *const MAP_ATTRS[] = {"mr", "vaddr", "perms", "cached", "setvar_vaddr",
                                        "setvar_size", NULL};

/* <map mr vaddr [perms=rw] [cached=true] [setvar_vaddr] [setvar_size]/> */
static void map_elem(Ld *ld, SimPd *pd, const XNode *n)
{
    check_attrs(ld, n, MAP_ATTRS);
    SimMap m = {.perms = SIM_PERM_R | SIM_PERM_W, .cached = true, .span = node_span(ld, n)};
    m.mr = mr_ref(ld, n, "mr");
    bool ok = num_attr(ld, n, "vaddr", &m.vaddr, true);
    const char *p = attr(n, "perms");
    if (p && !perms_parse(p, &m.perms)) {
        err_at(ld, attr_span(ld, n, "perms"),
               "perms must only be a combination of 'r', 'w' and 'x', not '%s'", p);
        ok = false;
    } else if (p && !*p) {
        err_at(ld, attr_span(ld, n, "perms"), "perms must not be empty");
        ok = false;
    } else if ((m.perms & SIM_PERM_W) && !(m.perms & SIM_PERM_R)) {
        /* seL4 has no write-only mappings on any architecture */
        err_at(ld, attr_span(ld, n, "perms"),
               "perms must not be '%s': write-only mappings are not allowed", p);
        ok = false;
    }
    ok &= bool_attr(ld, n, "cached", &m.cached);
    if (m.mr >= 0) ld->s->mrs.v[m.mr].nmaps++;
    add_setvar(ld, pd, n, "setvar_vaddr", SIM_SETVAR_VADDR, m.mr, m.vaddr);
    add_setvar(ld, pd, n, "setvar_size", SIM_SETVAR_SIZE, m.mr,
               m.mr >= 0 ? ld->s->mrs.v[m.mr].size : 0);
    if (ok && m.mr >= 0) vec_push(&pd->maps, m);
}

static const char *const IRQ_ATTRS[] = {"irq", "id", "trigger", "setvar_id", NULL};

/* <irq irq id [trigger=level] [setvar_id]/> */
static void irq_elem(Ld *ld, SimPd *pd, const XNode *n)
{
    check_attrs(ld, n, IRQ_ATTRS);
    SimIrq q = {.span = node_span(ld, n)};
    uint64_t id = 0;
    bool ok = num_attr(ld, n, "irq", &q.irq, true);
    if (num_attr(ld, n, "id", &id, true) && attr(n, "id")) {
        if (id >= SIM_MAX_CH) {
            err_at(ld, attr_span(ld, n, "id"), "id %llu must be < %d",
                   (unsigned long long)id, SIM_MAX_CH);
            ok = false;
        }
    } else ok = false;
    q.id = (unsigned)id;
    const char *t = attr(n, "trigger");
    if (t && strcmp(t, "level") && strcmp(t, "edge")) {
        err_at(ld, attr_span(ld, n, "trigger"), "trigger must be 'level' or 'edge', not '%s'", t);
        ok = false;
    }
    q.edge = t && !strcmp(t, "edge");
    add_setvar(ld, pd, n, "setvar_id", SIM_SETVAR_ID, -1, id);
    if (ok) vec_push(&pd->irqs, q);
}

/* <setvar symbol region_paddr/> */
static void setvar_elem(Ld *ld, SimPd *pd, const XNode *n)
{
    static const char *const ok_attrs[] = {"symbol", "region_paddr", NULL};
    check_attrs(ld, n, ok_attrs);
    int mr = mr_ref(ld, n, "region_paddr");
    if (!need(ld, n, "symbol")) return;
    add_setvar(ld, pd, n, "symbol", SIM_SETVAR_PADDR, mr, 0);
}

static void program_image(Ld *ld, SimPd *pd, const XNode *n)
{
    static const char *const ok_attrs[] = {"path", "path_for_symbols", NULL};
    check_attrs(ld, n, ok_attrs);
    if (pd->image) {
        err_at(ld, node_span(ld, n), "program_image must only be specified once");
        return;
    }
    const char *p = need(ld, n, "path");
    if (!p) return;
    pd->image = sdup(ld, p);
    pd->image_span = attr_span(ld, n, "path");
    if (attr(n, "path_for_symbols"))
        diag_add(ld->dl, DIAG_WARNING, "sdf", &(Span){0},
                 "path_for_symbols is ignored: symbols are read from the program image");
}

static const char *const PD_ATTRS[] = {"name", "priority", "budget", "period", "passive",
                                       "stack_size", "smc", "cpu", "fpu", "domain", "pp",
                                       NULL};
static const char *const CHILD_PD_ATTRS[] = {"name", "priority", "budget", "period", "passive",
                                             "stack_size", "smc", "cpu", "fpu", "domain", "pp",
                                             "id", "setvar_id", NULL};

static void pd_attrs(Ld *ld, SimPd *pd, const XNode *n, bool child)
{
    check_attrs(ld, n, child ? CHILD_PD_ATTRS : PD_ATTRS);
    const char *name = need(ld, n, "name");
    pd->name = name ? sdup(ld, name) : "?";
    if (name && !strcmp(name, "monitor"))
        err_at(ld, attr_span(ld, n, "name"), "the name 'monitor' is reserved");
    uint64_t prio = 0, cpu = 0;
    if (num_attr(ld, n, "priority", &prio, false) && prio > SIM_MAX_PRIO) {
        err_at(ld, attr_span(ld, n, "priority"), "priority %llu must be between 0 and %d",
               (unsigned long long)prio, SIM_MAX_PRIO);
        prio = 0;
    }
    pd->priority = (unsigned)prio;
    pd->budget = 1000;
    num_attr(ld, n, "budget", &pd->budget, false);
    pd->period = pd->budget;
    num_attr(ld, n, "period", &pd->period, false);
    if (pd->budget > pd->period)
        err_at(ld, attr_span(ld, n, "budget"),
               "budget (%llu) must be less than, or equal to, period (%llu)",
               (unsigned long long)pd->budget, (unsigned long long)pd->period);
    pd->stack_size = 0x2000;
    if (num_attr(ld, n, "stack_size", &pd->stack_size, false) &&
        (pd->stack_size < 0x1000 || pd->stack_size > 0x1000000 || pd->stack_size % 0x1000))
        err_at(ld, attr_span(ld, n, "stack_size"),
               "stack size must be a multiple of 0x1000 between 0x1000 and 0x1000000");
    if (num_attr(ld, n, "cpu", &cpu, false)) pd->cpu = (unsigned)cpu;
    bool dummy = false;
    bool_attr(ld, n, "passive", &pd->passive);
    bool_attr(ld, n, "smc", &dummy);
    bool_attr(ld, n, "fpu", &dummy);
    bool_attr(ld, n, "pp", &pd->pp_v1);
}

/* A child's id (for its parent's fault() and microkit_pd_*): required,
 * below SIM_MAX_CHILD_ID, unique among the parent's children. The
 * parent's setvar_id symbol gets it. */
static void child_id(Ld *ld, int parent, SimPd *pd, const XNode *n)
{
    uint64_t id = 0;
    if (!num_attr(ld, n, "id", &id, true) || !attr(n, "id")) return;
    if (id >= SIM_MAX_CHILD_ID) {
        err_at(ld, attr_span(ld, n, "id"), "child id %llu must be < %d", (unsigned long long)id,
               SIM_MAX_CHILD_ID);
        return;
    }
    for (size_t i = 0; i < ld->s->pds.n; i++) {
        const SimPd *o = &ld->s->pds.v[i];
        if (o->parent == parent && o->child_id == id) {
            Diag *d = err_at(ld, attr_span(ld, n, "id"), "duplicate child id %llu in protection "
                             "domain '%s'", (unsigned long long)id, ld->s->pds.v[parent].name);
            diag_note(d, &o->span, "'%s' has it", o->name);
            return;
        }
    }
    pd->child_id = (unsigned)id;
    add_setvar(ld, &ld->s->pds.v[parent], n, "setvar_id", SIM_SETVAR_ID, -1, id);
}

/* <protection_domain ...> with program_image, map, irq, setvar and child
 * protection_domain elements; parent is -1 at the top level. */
static void protection_domain(Ld *ld, const XNode *n, int parent)
{
    SimPd pd = {.span = node_span(ld, n), .parent = parent};
    pd_attrs(ld, &pd, n, parent >= 0);
    for (size_t i = 0; i < n->kids.n; i++) {
        const XNode *k = n->kids.v[i];
        if (!strcmp(k->name, "program_image")) program_image(ld, &pd, k);
        else if (!strcmp(k->name, "map")) map_elem(ld, &pd, k);
        else if (!strcmp(k->name, "irq")) irq_elem(ld, &pd, k);
        else if (!strcmp(k->name, "setvar")) setvar_elem(ld, &pd, k);
        else if (!strcmp(k->name, "protection_domain")) continue; /* below */
        else if (!strcmp(k->name, "virtual_machine") || !strcmp(k->name, "cspace") ||
                 !strcmp(k->name, "ioport"))
            err_at(ld, node_span(ld, k), "'%s' inside a protection domain is not supported "
                   "by the emulator", k->name);
        else err_at(ld, node_span(ld, k), "invalid element '%s' in protection_domain", k->name);
    }
    if (!pd.image)
        err_at(ld, pd.span, "missing 'program_image' element on protection_domain '%s'",
               pd.name);
    if (parent >= 0) child_id(ld, parent, &pd, n);
    int self = (int)ld->s->pds.n;
    vec_push(&ld->s->pds, pd);
    unsigned depth = 0;
    for (int p = parent; p >= 0; p = ld->s->pds.v[p].parent) depth++;
    for (size_t i = 0; i < n->kids.n; i++) {
        const XNode *k = n->kids.v[i];
        if (strcmp(k->name, "protection_domain")) continue;
        if (depth + 1 >= SIM_MAX_PDS) { /* more PDs than a system may have: stop here */
            err_at(ld, node_span(ld, k), "protection domains nested more than %d deep",
                   SIM_MAX_PDS - 1);
            return;
        }
        ld->s->pds.v[self].has_children = true;
        protection_domain(ld, k, self);
    }
}

static bool channel_end(Ld *ld, const XNode *n, SimEnd *e)
{
    static const char *const ok_attrs[] = {"pd", "id", "pp", "notify", "setvar_id", NULL};
    check_attrs(ld, n, ok_attrs);
    e->span = node_span(ld, n);
    e->notify = true;
    const char *pd = need(ld, n, "pd");
    uint64_t id = 0;
    bool ok = num_attr(ld, n, "id", &id, true) && attr(n, "id");
    if (ok && id >= SIM_MAX_CH) {
        err_at(ld, attr_span(ld, n, "id"), "id %llu must be < %d", (unsigned long long)id,
               SIM_MAX_CH);
        ok = false;
    }
    e->id = (unsigned)id;
    ok &= bool_attr(ld, n, "pp", &e->pp);
    ok &= bool_attr(ld, n, "notify", &e->notify);
    e->pd = pd ? sim_pd_index(ld->s, pd) : -1;
    if (pd && e->pd < 0) {
        err_at(ld, attr_span(ld, n, "pd"), "unknown protection domain '%s'", pd);
        ok = false;
    }
    if (ok && e->pd >= 0 && attr(n, "setvar_id"))
        add_setvar(ld, &ld->s->pds.v[e->pd], n, "setvar_id", SIM_SETVAR_ID, -1, id);
    return ok && pd;
}

/* <channel><end/><end/></channel> */
static void channel(Ld *ld, const XNode *n)
{
    static const char *const none[] = {NULL};
    check_attrs(ld, n, none);
    SimChannel ch = {.span = node_span(ld, n)};
    size_t nends = 0;
    bool ok = true;
    for (size_t i = 0; i < n->kids.n; i++) {
        const XNode *k = n->kids.v[i];
        if (strcmp(k->name, "end")) {
            err_at(ld, node_span(ld, k), "invalid element '%s' in channel", k->name);
            ok = false;
            continue;
        }
        if (nends < 2) ok &= channel_end(ld, k, &ch.end[nends]);
        nends++;
    }
    if (nends != 2) {
        err_at(ld, ch.span, "a channel needs exactly two 'end' elements, not %zu", nends);
        return;
    }
    if (ch.end[0].pp && ch.end[1].pp) {
        err_at(ld, ch.span, "cannot ppc bidirectionally");
        ok = false;
    }
    if (ok) vec_push(&ld->s->channels, ch);
}

static void system_elem(Ld *ld, const XNode *root)
{
    if (strcmp(root->name, "system")) {
        err_at(ld, node_span(ld, root), "the root element must be 'system', not '%s'",
               root->name);
        return;
    }
    /* MRs first: maps refer to them by name wherever they are declared */
    for (size_t i = 0; i < root->kids.n; i++)
        if (!strcmp(root->kids.v[i]->name, "memory_region")) memory_region(ld, root->kids.v[i]);
    for (size_t i = 0; i < root->kids.n; i++) {
        const XNode *k = root->kids.v[i];
        if (!strcmp(k->name, "protection_domain")) protection_domain(ld, k, -1);
        else if (!strcmp(k->name, "memory_region") || !strcmp(k->name, "channel")) continue;
        else if (!strcmp(k->name, "domains") || !strcmp(k->name, "io_address_space")) {
            Span sp = node_span(ld, k);
            diag_add(ld->dl, DIAG_WARNING, "sdf", &sp, "'%s' is ignored by the emulator",
                     k->name);
        } else err_at(ld, node_span(ld, k), "invalid element '%s' in system", k->name);
    }
    for (size_t i = 0; i < root->kids.n; i++)
        if (!strcmp(root->kids.v[i]->name, "channel")) channel(ld, root->kids.v[i]);
}

/* ---- program images ----------------------------------------------------- */

static char *resolve_image(Ld *ld, const char *img)
{
    if (img[0] == '/') return access(img, F_OK) == 0 ? xstrdup(img) : NULL;
    StrBuf b = {0};
    for (size_t i = 0; i < ld->o->nsearch; i++) {
        sb_printf(&b, "%s/%s", ld->o->search[i], img);
        char *p = sb_take(&b);
        if (access(p, F_OK) == 0) return p;
        free(p);
    }
    char *tmp = xstrdup(ld->s->path);
    sb_printf(&b, "%s/%s", dirname(tmp), img);
    free(tmp);
    char *p = sb_take(&b);
    if (access(p, F_OK) == 0) return p;
    free(p);
    return NULL;
}

static bool writable(const SimElf *e, uint64_t v, uint64_t sz)
{
    for (size_t i = 0; i < e->segs.n; i++) {
        const SimElfSeg *sg = &e->segs.v[i];
        if ((sg->flags & 2 /* PF_W */) && v >= sg->vaddr && v + sz <= sg->vaddr + sg->memsz)
            return true;
    }
    return false;
}

/* Each setvar symbol must exist in the image and be one word, as the
 * Microkit tool requires; maps must not overlap a fixed-address image. */
static void check_image_symbols(Ld *ld, SimPd *pd, const SimElf *e)
{
    uint64_t v, sz;
    if (!sim_elf_symbol(e, "__griddle_microkit_rt", &v, &sz))
        err_at(ld, pd->image_span, "program image '%s' is not linked against griddle's "
               "libmicrokit (see docs/sim.md)", pd->image);
    for (size_t i = 0; i < pd->setvars.n; i++) {
        SimSetvar *sv = &pd->setvars.v[i];
        if (!sim_elf_symbol(e, sv->symbol, &v, &sz)) {
            err_at(ld, sv->span, "setvar symbol '%s' not found in program image '%s'",
                   sv->symbol, pd->image);
            continue;
        }
        if (sz != 8)
            err_at(ld, sv->span, "setvar symbol '%s' must be 8 bytes (a word), not %llu",
                   sv->symbol, (unsigned long long)sz);
        else if (!writable(e, v, sz))
            err_at(ld, sv->span, "setvar symbol '%s' is not in writable memory (declare it "
                   "without const, so the value is not folded into the code)", sv->symbol);
        sv->sym_vaddr = v;
    }
    if (e->type != 2 /* ET_EXEC */) return;
    for (size_t i = 0; i < pd->maps.n; i++) {
        SimMap *m = &pd->maps.v[i];
        uint64_t end = m->vaddr + ld->s->mrs.v[m->mr].size;
        for (size_t k = 0; k < e->segs.n; k++) {
            const SimElfSeg *sg = &e->segs.v[k];
            uint64_t s0 = sg->vaddr & ~0xfffull, s1 = (sg->vaddr + sg->memsz + 0xfff) & ~0xfffull;
            if (m->vaddr < s1 && s0 < end)
                err_at(ld, m->span, "map [0x%llx..0x%llx) overlaps segment [0x%llx..0x%llx) "
                       "of program image '%s'", (unsigned long long)m->vaddr,
                       (unsigned long long)end, (unsigned long long)s0,
                       (unsigned long long)s1, pd->image);
        }
    }
}

static void load_images(Ld *ld)
{
    for (size_t i = 0; i < ld->s->pds.n; i++) {
        SimPd *pd = &ld->s->pds.v[i];
        if (!pd->image) continue;
        char *path = resolve_image(ld, pd->image);
        if (!path) {
            Diag *d = err_at(ld, pd->image_span, "program image '%s' not found", pd->image);
            diag_note(d, NULL, "looked in the --search-path directories, then next to the "
                      "system description");
            continue;
        }
        SimElf e;
        char msg[256];
        if (!sim_elf_open(path, &e, msg, sizeof msg)) {
            err_at(ld, pd->image_span, "program image '%s': %s", path, msg);
            free(path);
            continue;
        }
        pd->image_path = sdup(ld, path);
        pd->image_entry = e.entry;
        pd->image_pie = e.type == 3;
        check_image_symbols(ld, pd, &e);
        sim_elf_close(&e);
        free(path);
    }
}

/* ---- entry points --------------------------------------------------------- */

int sim_pd_index(const SimSystem *s, const char *name)
{
    for (size_t i = 0; i < s->pds.n; i++)
        if (!strcmp(s->pds.v[i].name, name)) return (int)i;
    return -1;
}

int sim_mr_index(const SimSystem *s, const char *name)
{
    for (size_t i = 0; i < s->mrs.n; i++)
        if (!strcmp(s->mrs.v[i].name, name)) return (int)i;
    return -1;
}

void sim_free(SimSystem *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->pds.n; i++) {
        vec_free(&s->pds.v[i].maps);
        vec_free(&s->pds.v[i].irqs);
        vec_free(&s->pds.v[i].setvars);
    }
    vec_free(&s->pds);
    vec_free(&s->mrs);
    vec_free(&s->channels);
    vec_free(&s->devs);
    arena_free(&s->arena);
    free(s);
}

SimSystem *sim_load_text(const char *name, const char *text, size_t len, SrcMgr *sm,
                         DiagList *dl, const SimLoadOpts *o)
{
    static const SimLoadOpts defaults = {0};
    if (!o) o = &defaults;
    SimSystem *s = xcalloc(1, sizeof *s);
    arena_init(&s->arena);
    s->path = arena_strndup(&s->arena, name, strlen(name));
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    s->file = srcmgr_add(sm, name, copy, len);
    Ld ld = {.s = s, .sm = sm, .dl = dl, .o = o, .text = copy, .len = len, .file = s->file};
    size_t errs = dl->nerrors;
    bool xml_ok = parse_xml(&ld);
    if (xml_ok && ld.root) system_elem(&ld, ld.root);
    else if (xml_ok) err_at(&ld, span_at(&ld, 0, 1), "no 'system' element");
    for (size_t i = 0; i < ld.all.n; i++) vec_free(&ld.all.v[i]->kids);
    vec_free(&ld.all);
    /* The model holds only elements that parsed, so the global rules can
     * run even after local errors and report more in one go. */
    if (xml_ok && ld.root) {
        sim_dev_setup(s, dl, o);
        sdf_check(s, dl, o);
    }
    if (dl->nerrors == errs && !o->no_images) load_images(&ld);
    if (dl->nerrors != errs) {
        sim_free(s);
        return NULL;
    }
    return s;
}

SimSystem *sim_load(const char *path, SrcMgr *sm, DiagList *dl, const SimLoadOpts *o)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        diag_add(dl, DIAG_ERROR, "io", NULL, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    SimSystem *s = sim_load_text(path, text, len, sm, dl, o);
    free(text);
    return s;
}
