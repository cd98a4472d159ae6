# target: code generators. The portable C back end (cback*.c) works from
# the checked AST; native back ends add their own files and dependencies.
griddle_module(target g_check)
