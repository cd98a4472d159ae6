# target: the x86-64 back end (g_target) and the default host of built
# programs, whose sources are embedded into griddle (embed.cmake) so that
# `griddle build --emit exe` works from any directory. docs/abi.md.
set(host_srcs ${CMAKE_SOURCE_DIR}/src/target/host/host.c
              ${CMAKE_SOURCE_DIR}/src/sim/x86dec.c ${CMAKE_SOURCE_DIR}/src/sim/x86dec.h)
string(REPLACE ";" "|" host_list "${host_srcs}")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/host_embed.c
  COMMAND ${CMAKE_COMMAND} "-DFILES=${host_list}" -DOUT=${CMAKE_BINARY_DIR}/host_embed.c
          -P ${CMAKE_SOURCE_DIR}/src/target/embed.cmake
  DEPENDS ${host_srcs} ${CMAKE_SOURCE_DIR}/src/target/embed.cmake VERBATIM)
griddle_module(target g_ir)
target_sources(g_target PRIVATE ${CMAKE_BINARY_DIR}/host_embed.c)
# The default host is compiled by the user's $CC at `griddle build` time;
# compile it here too, with the project's warnings as errors, so that a
# warning in it fails our build first.
add_library(host_warnings OBJECT ${CMAKE_SOURCE_DIR}/src/target/host/host.c)
target_include_directories(host_warnings PRIVATE ${CMAKE_SOURCE_DIR}/src/sim)
