# lmbench_library(<folder> DEPS <other folders or imported targets>...)
# Builds src/<folder>/*.cc into lmbench_<folder>. Sources are globbed so that a folder's
# files can be added without touching build files elsewhere.
function(lmbench_library folder)
  cmake_parse_arguments(ARG "" "" "DEPS;PUBLIC_LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(target lmbench_${folder})
  set(deps "")
  foreach(d IN LISTS ARG_DEPS)
    list(APPEND deps lmbench_${d})
  endforeach()
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${deps} ${ARG_PUBLIC_LIBS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${deps} ${ARG_PUBLIC_LIBS})
  endif()
endfunction()

# lmbench_test(<folder> LIBS <folders>... [SERIAL])
# Builds tests/<folder>/*_test.cc into one GoogleTest binary <folder>_test, registered with CTest.
# SERIAL: its tests run alone (RUN_SERIAL), for tests that compare timings and must not share
# the machine with the rest of a parallel ctest.
function(lmbench_test folder)
  cmake_parse_arguments(ARG "SERIAL" "" "LIBS;EXTRA" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  if(NOT srcs)
    return()
  endif()
  set(target ${folder}_test)
  add_executable(${target} ${srcs})
  set(libs "")
  foreach(d IN LISTS ARG_LIBS)
    list(APPEND libs lmbench_${d})
  endforeach()
  target_link_libraries(${target} PRIVATE ${libs} ${ARG_EXTRA} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    LMBENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LMBENCH_WORKLOADS_DIR="${LMBENCH_WORKLOADS_DIR}"
    LMBENCH_NPM_DIR="${LMBENCH_NPM_DIR}"
    LMBENCH_BIN="$<TARGET_FILE:lmbench>")
  # Only test binaries that run the real executable wait for it to be built, so a folder's
  # unit tests build without compiling every other folder.
  foreach(src IN LISTS srcs)
    file(READ ${src} text)
    if(text MATCHES "LMBENCH_BIN|run_lmbench")
      add_dependencies(${target} lmbench)
      break()
    endif()
  endforeach()
  if(ARG_SERIAL)
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
  else()
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
  endif()
endfunction()
