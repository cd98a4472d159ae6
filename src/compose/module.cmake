# compose: the composition checker (griddle compose, docs/composition.md).
# It reads the system description through the emulator's SDF reader
# (src/sim), as data, and proves bridge obligations with the verifier's
# public interfaces (vspec_build, verify_program).
griddle_module(compose g_sim g_verify g_check g_front g_util)

# The worked example's protection domains (for --init-run and griddle sim).
add_subdirectory(${CMAKE_SOURCE_DIR}/examples/sensor_logger ${CMAKE_BINARY_DIR}/examples/sensor_logger)
