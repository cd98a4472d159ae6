# ffinop for tests/build/cases/stack-ffi.pnk: an FFI function that uses no
# stack of its own beyond the return address its call pushes.
	.text
	.globl ffinop
	.type ffinop, @function
ffinop:
	ret
	.size ffinop, .-ffinop
	.section .note.GNU-stack,"",@progbits
