# The compiler and linker flags of a Debian package build, from dpkg-buildflags,
# for every target, so that the program `make package` ships is hardened as
# Debian's policy asks: _FORTIFY_SOURCE, the strong stack protector,
# -z relro -z now, and PIE (the compiler's default on Debian, which
# dpkg-buildflags then leaves out). Every hardening feature is asked for
# (DEB_BUILD_MAINT_OPTIONS=hardening=+all, as a package's debian/rules does)
# unless the environment sets DEB_BUILD_MAINT_OPTIONS itself; DEB_BUILD_OPTIONS
# and the DEB_*FLAGS_APPEND variables are honoured by dpkg-buildflags.
#
# The flags come first, so that the build type's -O and -g, and CXXFLAGS and
# LDFLAGS from the environment, still decide. A Debug build and a sanitizer
# build do without them: _FORTIFY_SOURCE needs optimisation, and the sanitizers
# replace the checks it adds.
# Included from the top-level CMakeLists.txt before the targets are defined.

option(MONGOWAY_DPKG_BUILDFLAGS "Compile and link with the flags of dpkg-buildflags (Debian's hardening)" ON)

find_program(MONGOWAY_DPKG_BUILDFLAGS_PROGRAM dpkg-buildflags)
if(NOT MONGOWAY_DPKG_BUILDFLAGS)
  message(STATUS "dpkg-buildflags: not used (MONGOWAY_DPKG_BUILDFLAGS=OFF)")
elseif(MONGOWAY_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  message(STATUS "dpkg-buildflags: not used in a Debug or sanitizer build")
elseif(NOT MONGOWAY_DPKG_BUILDFLAGS_PROGRAM)
  message(STATUS "dpkg-buildflags: not found (install dpkg-dev); building without Debian's hardening flags")
else()
  if(DEFINED ENV{DEB_BUILD_MAINT_OPTIONS})
    set(MONGOWAY_MAINT_OPTIONS "$ENV{DEB_BUILD_MAINT_OPTIONS}")
  else()
    set(MONGOWAY_MAINT_OPTIONS "hardening=+all")
  endif()
  # Run from the source directory: -ffile-prefix-map maps it to ".", so that
  # no build path is recorded in the binary.
  foreach(flags IN ITEMS CPPFLAGS CXXFLAGS LDFLAGS)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env DEB_BUILD_MAINT_OPTIONS=${MONGOWAY_MAINT_OPTIONS}
              ${MONGOWAY_DPKG_BUILDFLAGS_PROGRAM} --get ${flags}
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
      OUTPUT_VARIABLE MONGOWAY_DPKG_${flags} OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "dpkg-buildflags --get ${flags} failed (configure with -DMONGOWAY_DPKG_BUILDFLAGS=OFF to build without it)")
    endif()
  endforeach()
  string(PREPEND CMAKE_CXX_FLAGS "${MONGOWAY_DPKG_CPPFLAGS} ${MONGOWAY_DPKG_CXXFLAGS} ")
  foreach(kind IN ITEMS EXE SHARED MODULE)
    string(PREPEND CMAKE_${kind}_LINKER_FLAGS "${MONGOWAY_DPKG_LDFLAGS} ")
  endforeach()
  message(STATUS "dpkg-buildflags (DEB_BUILD_MAINT_OPTIONS=${MONGOWAY_MAINT_OPTIONS}): "
                 "${MONGOWAY_DPKG_CPPFLAGS} ${MONGOWAY_DPKG_CXXFLAGS} ${MONGOWAY_DPKG_LDFLAGS}")
endif()
