# The verifier. vspec (annotation/model parser) needs only the checker;
# vgen adds Z3 here when it lands.
griddle_module(verify g_check)
