# verify: annotated Pancake + models -> Z3 (libz3 from Debian, scripts/deps.sh).
# Only src/verify links libz3; the VC generator and the solver layer use its C API.
find_library(Z3_LIB z3 REQUIRED)
find_package(Threads REQUIRED)
griddle_module(verify g_check ${Z3_LIB} Threads::Threads)
