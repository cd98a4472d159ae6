/* Not a protection domain: no libmicrokit. */
#include <stdio.h>
int main(void) { puts("plain"); return 0; }
