# `make package`: a Debian package at <build>/mongoway_<version>_<arch>.deb,
# its Depends computed from the binary with dpkg-shlibdeps.
# Included from the top-level CMakeLists.txt after packaging/install.cmake.

find_program(MONGOWAY_DPKG dpkg)
if(MONGOWAY_DPKG)
  execute_process(COMMAND ${MONGOWAY_DPKG} --print-architecture
    OUTPUT_VARIABLE MONGOWAY_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
else()
  set(MONGOWAY_DEB_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_NAME mongoway)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# CPack strips the executable; this strips the debug sections of the static libraries.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/strip-static-libraries.cmake)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "versioned schema and data migrations for MongoDB")
set(CPACK_PACKAGE_CONTACT "mongoway maintainers <mongoway@localhost>" CACHE STRING "Maintainer of the package")

set(CPACK_DEBIAN_FILE_NAME "mongoway_${PROJECT_VERSION}_${MONGOWAY_DEB_ARCH}.deb")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${MONGOWAY_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, libmongoc-dev, libbson-dev, libfmt-dev, libssl-dev, libicu-dev")
# The long description, after the summary above (CPack indents it and marks
# empty lines as debian/control wants).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "mongoway applies versioned JSON command files (V<n>__<description>.json, with
optional undo files) to a MongoDB database, up or down to any version, and
records every action in a history collection of that database.

Every file is validated before anything is sent; a lease lock keeps two
processes from migrating one database at once; a failed or interrupted version
is recorded as failed until it is repaired. Every command runs unattended and
can print JSON for CI.

The package holds the mongoway command, its manual page, bash and zsh
completions, and the C++ library (static, with headers and a pkg-config file)
for applications that migrate at start-up.")

include(CPack)
