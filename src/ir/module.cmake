# ir: the compiler's intermediate representations and passes (docs/compiler.md).
griddle_module(ir g_check)
