# Writes build_info.hpp with the version and the git revision of the sources.
# Run at every build (not only at configure time), so that --version names
# the revision the binary was really built from; the file is rewritten only
# when its content changes, so nothing is recompiled otherwise.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE MONGOWAY_GIT_REVISION
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT MONGOWAY_GIT_REVISION)
  set(MONGOWAY_GIT_REVISION "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE MONGOWAY_GIT_DIRTY
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(MONGOWAY_GIT_DIRTY)
    string(APPEND MONGOWAY_GIT_REVISION "-modified")
  endif()
endif()
set(PROJECT_VERSION ${VERSION})
configure_file(${SOURCE_DIR}/src/util/build_info.hpp.in ${OUTPUT} @ONLY)
