/* griddle sim: run a Microkit system on Linux (src/sim, docs/sim.md). */
#include "driver.h"
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SIM_HELP[] =
    "usage: griddle sim SYSTEM.system [options]\n"
    "\n"
    "Runs a Microkit system description on Linux: one process per protection\n"
    "domain (ELF programs linked against griddle's libmicrokit), memory regions\n"
    "mapped with their SDF permissions, seL4 notification/PPC/IRQ semantics,\n"
    "priority scheduling, and device models behind trapped MMIO.\n"
    "\n"
    "options:\n"
    "  --search-path DIR     look for program images in DIR (repeatable; then\n"
    "                        next to the system description)\n"
    "  --board NAME          device table: imx8mm (default; ENET at 0x30be0000,\n"
    "                        irq 152; sim-timer at 0x30f00000, irq 200) or none\n"
    "  --device MODEL@PADDR[,irq=N]\n"
    "                        add a device (models: imx8-enet, sim-test, sim-timer)\n"
    "  --check               validate the system description and images, then stop\n"
    "  --no-images           with --check: do not read program images\n"
    "  --dump-state FILE     write the realised system as JSON (- = stdout)\n"
    "  --dump-only           realise, dump, and stop before any init() runs\n"
    "  --duration SECONDS    stop after this long (default: when the load is done,\n"
    "                        else at SIGINT/SIGTERM or when every PD has stopped)\n"
    "  --load rate=PPS,count=N,size=BYTES[,window=W]\n"
    "                        built-in load generator: UDP echo requests of BYTES\n"
    "                        payload to the echo client, every reply checked;\n"
    "                        with window=W never more than W unanswered (closed\n"
    "                        loop), else a fixed rate (open loop)\n"
    "  --drain SECONDS       wait this long for outstanding replies (default 2)\n"
    "  --pcap FILE           capture the wire (both directions) in pcap format\n"
    "  --bridge IFACE        connect the wire to a Linux interface (AF_PACKET)\n"
    "  --report FILE         write load and per-PD statistics as JSON\n"
    "  --pin                 run the emulator on one CPU and every PD on another,\n"
    "                        and let the emulator spin for requests: much faster,\n"
    "                        but wants two otherwise idle CPUs\n"
    "  --no-budgets          do not enforce the PDs' budgets and periods (they\n"
    "                        are enforced by default, charging each PD process's\n"
    "                        CPU time as seL4 MCS sporadic servers would)\n"
    "  --trace               log every kernel event\n"
    "  --diagnostics-format=text|json, --color=auto|always|never\n"
    "\n"
    "exit status: 0 the run completed, 1 errors in the system description,\n"
    "2 usage error, 3 environment failure, 4 the load saw lost or bad replies.\n";

typedef struct SimCli {
    SourceOpts so;          /* diagnostics rendering options only */
    SimLoadOpts lo;
    SimRunOpts ro;
    VEC(const char *) search, devices;
    const char *system;
    bool check;
} SimCli;

/* "--opt VALUE" or "--opt=VALUE"; NULL if argv[*i] is not opt. */
static bool parse_seconds(const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !(d > 0) || d > 1e7) return false;
    *out = d;
    return true;
}

/* rate=PPS,count=N,size=BYTES[,window=W] (any order, the first three
 * required) */
static bool parse_load(const char *v, SimLoad *l)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", v);
    bool have[3] = {false, false, false};
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) return false;
        *eq = 0;
        char *end;
        unsigned long long x = strtoull(eq + 1, &end, 10);
        if (!eq[1] || *end || eq[1] == '-') return false;
        if (!strcmp(tok, "rate")) l->rate_pps = x, have[0] = true;
        else if (!strcmp(tok, "count")) l->count = x, have[1] = true;
        else if (!strcmp(tok, "size")) l->size = (unsigned)x, have[2] = x < 100000;
        else if (!strcmp(tok, "window") && x >= 1 && x <= 1000000) l->window = (unsigned)x;
        else return false;
    }
    return have[0] && have[1] && have[2] && l->rate_pps > 0 && l->rate_pps <= 10000000 &&
           l->size >= 16 && l->size <= 1472;
}

static int parse_args(SimCli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool miss = false;
#define OPT(name) ((v = driver_optval(argc, argv, &i, name, &miss)) != NULL || miss)
        if (!strcmp(a, "--check")) c->check = true;
        else if (!strcmp(a, "--no-images")) c->lo.no_images = true;
        else if (!strcmp(a, "--dump-only")) c->ro.dump_only = true;
        else if (!strcmp(a, "--trace")) c->ro.trace = true;
        else if (!strcmp(a, "--pin")) c->ro.pin = true;
        else if (!strcmp(a, "--no-budgets")) c->ro.no_budgets = true;
        else if (OPT("--search-path")) { if (miss) goto missing; vec_push(&c->search, v); }
        else if (OPT("--board")) { if (miss) goto missing; c->lo.board = v; }
        else if (OPT("--device")) { if (miss) goto missing; vec_push(&c->devices, v); }
        else if (OPT("--dump-state")) { if (miss) goto missing; c->ro.dump_state_path = v; }
        else if (OPT("--pcap")) { if (miss) goto missing; c->ro.pcap_path = v; }
        else if (OPT("--bridge")) { if (miss) goto missing; c->ro.bridge_if = v; }
        else if (OPT("--report")) { if (miss) goto missing; c->ro.report_path = v; }
        else if (OPT("--duration")) {
            if (miss) goto missing;
            if (!parse_seconds(v, &c->ro.duration_s))
                return usage_error("sim", "--duration needs a positive number of seconds, "
                                   "not '%s'", v);
        } else if (OPT("--drain")) {
            if (miss) goto missing;
            if (!parse_seconds(v, &c->ro.drain_s))
                return usage_error("sim", "--drain needs a positive number of seconds, "
                                   "not '%s'", v);
        } else if (OPT("--load")) {
            if (miss) goto missing;
            if (!parse_load(v, &c->ro.load))
                return usage_error("sim", "--load needs rate=PPS,count=N,size=BYTES[,window=W] "
                                   "with 1 <= PPS <= 10000000, 16 <= BYTES <= 1472 and "
                                   "1 <= W <= 1000000, not '%s'", v);
            c->ro.have_load = true;
        } else {
            int r = source_opts_arg(&c->so, argc, argv, &i);
            if (r < 0) return EXIT_USAGE;
            if (r == 0) return usage_error("sim", "unknown option '%s'", a);
        }
        continue;
#undef OPT
    missing:
        return usage_error("sim", "%s needs a value", a);
    }
    if (c->so.files.n != 1)
        return usage_error("sim", c->so.files.n ? "only one system description, please"
                                                : "no system description given");
    c->system = c->so.files.v[0];
    if (c->lo.no_images && !c->check)
        return usage_error("sim", "--no-images only makes sense with --check");
    if (c->ro.dump_only && !c->ro.dump_state_path)
        return usage_error("sim", "--dump-only needs --dump-state FILE");
    return EXIT_OK;
}

int cmd_sim(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(SIM_HELP, stdout);
            return EXIT_OK;
        }
    SimCli c;
    memset(&c, 0, sizeof c);
    source_opts_init(&c.so, "griddle sim");
    c.ro.log = stderr;
    int rc = parse_args(&c, argc, argv);
    if (rc == EXIT_OK) {
        c.lo.search = c.search.v;
        c.lo.nsearch = c.search.n;
        c.lo.devices = c.devices.v;
        c.lo.ndevices = c.devices.n;
        SrcMgr sm;
        DiagList dl;
        srcmgr_init(&sm);
        diag_init(&dl);
        SimSystem *s = sim_load(c.system, &sm, &dl, &c.lo);
        if (!s) rc = EXIT_INPUT;
        else if (!c.check) rc = sim_run(s, &c.ro, &dl);
        diag_sort(&dl);
        driver_render(&c.so, &dl, &sm, "griddle sim");
        sim_free(s);
        diag_free(&dl);
        srcmgr_free(&sm);
    }
    vec_free(&c.search);
    vec_free(&c.devices);
    source_opts_free(&c.so);
    return rc;
}
