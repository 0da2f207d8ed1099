# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staged install tree: drops the
# debug sections of the static libraries, which would otherwise make up most of
# the package.
find_program(MONGOWAY_STRIP NAMES strip)
if(NOT MONGOWAY_STRIP)
  return()
endif()
file(GLOB_RECURSE MONGOWAY_STATIC_LIBRARIES "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
foreach(library IN LISTS MONGOWAY_STATIC_LIBRARIES)
  execute_process(COMMAND ${MONGOWAY_STRIP} --strip-debug ${library} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "strip --strip-debug ${library} failed")
  endif()
endforeach()
