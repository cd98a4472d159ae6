# sim: the emulator library (g_sim), linked into griddle, and the PD
# runtime library (microkit: our libmicrokit emulation) that protection
# domain programs link against. See docs/sim.md.
find_library(EXPAT_LIB expat REQUIRED)
griddle_module(sim g_util ${EXPAT_LIB})

# libmicrokit for PD programs: a static library with its own public header
# (src/sim/rt/include/microkit.h). The x86 decoder is shared with g_sim.
file(GLOB sim_rt_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/sim/rt/*.c)
add_library(microkit STATIC ${sim_rt_srcs} ${CMAKE_SOURCE_DIR}/src/sim/x86dec.c)
target_include_directories(microkit PUBLIC ${CMAKE_SOURCE_DIR}/src/sim/rt/include
                                    PRIVATE ${CMAKE_SOURCE_DIR}/src)

# The example system the emulator runs in tests, benchmarks and the demo.
add_subdirectory(${CMAKE_SOURCE_DIR}/examples/echo ${CMAKE_BINARY_DIR}/examples/echo)

# bench/echo's baseline system.
add_executable(bench_pingpong ${CMAKE_SOURCE_DIR}/bench/echo/pingpong.c)
target_link_libraries(bench_pingpong PRIVATE microkit)
set_target_properties(bench_pingpong PROPERTIES OUTPUT_NAME pingpong.elf
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench/echo)
