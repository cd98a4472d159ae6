# ffideep for tests/build/cases/stack-ffi-bound.pnk: an FFI function whose
# own stack need is exactly 4096 bytes (it writes the 8 bytes at 4096 below
# its entry %rsp, which points at its return address).
	.text
	.globl ffideep
	.type ffideep, @function
ffideep:
	subq $4096, %rsp
	movq $0, (%rsp)
	addq $4096, %rsp
	ret
	.size ffideep, .-ffideep
	.section .note.GNU-stack,"",@progbits
