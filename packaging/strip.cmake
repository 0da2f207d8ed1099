# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staged install tree, after
# CPack has stripped the executable: drops the debug sections of the static
# libraries, which would otherwise make up most of the package, and the
# .comment and .note sections (the compiler's version) of both, as Debian's
# dh_strip does.
find_program(MONGOWAY_STRIP NAMES strip)
if(NOT MONGOWAY_STRIP)
  return()
endif()
set(unneeded --remove-section=.comment --remove-section=.note)
file(GLOB_RECURSE MONGOWAY_STATIC_LIBRARIES "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
file(GLOB MONGOWAY_PROGRAMS "${CPACK_TEMPORARY_INSTALL_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/bin/*")
foreach(file IN LISTS MONGOWAY_STATIC_LIBRARIES MONGOWAY_PROGRAMS)
  if(file MATCHES "[.]a$")
    set(how --strip-debug --enable-deterministic-archives ${unneeded})
  else()
    set(how ${unneeded})
  endif()
  execute_process(COMMAND ${MONGOWAY_STRIP} ${how} ${file} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "strip ${how} ${file} failed")
  endif()
endforeach()
