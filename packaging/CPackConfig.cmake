# `make package`: a Debian package at <build>/mongoway_<version>-<revision>_<arch>.deb,
# its Depends computed from the binary with dpkg-shlibdeps, and an RPM at
# <build>/mongoway-<version>-<release>.<arch>.rpm (built with Debian's rpm
# package: scripts/install-deps --package), its Requires found by rpmbuild.
# The program in both is built with dpkg-buildflags' hardening flags
# (packaging/buildflags.cmake).
# Included from the top-level CMakeLists.txt after packaging/install.cmake.

find_program(MONGOWAY_DPKG dpkg)
if(MONGOWAY_DPKG)
  execute_process(COMMAND ${MONGOWAY_DPKG} --print-architecture
    OUTPUT_VARIABLE MONGOWAY_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
else()
  set(MONGOWAY_DEB_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(CPACK_GENERATOR DEB RPM)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_NAME mongoway)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# CPack strips the executable; the first script strips the debug sections of
# the static libraries, the second adds the Debian package's copyright file,
# changelog and lintian overrides (packaging/debian/).
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/strip.cmake
                            ${CMAKE_CURRENT_LIST_DIR}/debian-files.cmake)
set(CPACK_MONGOWAY_DEBIAN_DIR ${CMAKE_CURRENT_LIST_DIR}/debian)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "versioned schema and data migrations for MongoDB")
set(CPACK_PACKAGE_VENDOR "mongoway maintainers")
# The project's own address, as in packaging/debian/changelog and copyright.
set(CPACK_PACKAGE_CONTACT "mongoway maintainers <maintainers@users.noreply.h-seed-6b21c620.example>")
# The packaging's revision of this version: the Debian revision and the RPM
# release. The Debian one must match the newest entry of packaging/debian/changelog.
set(MONGOWAY_PACKAGE_RELEASE 1)

set(CPACK_DEBIAN_PACKAGE_RELEASE ${MONGOWAY_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME "mongoway_${PROJECT_VERSION}-${MONGOWAY_PACKAGE_RELEASE}_${MONGOWAY_DEB_ARCH}.deb")
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

# The RPM: the same files, the libraries it needs found by rpmbuild in the
# program (libmongoc-1.0.so.0, libbson-1.0.so.0, ...). It does not own the
# directories other packages own, and holds no /usr/lib/.build-id links (there
# is no debuginfo package for them to point into).
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE ${MONGOWAY_PACKAGE_RELEASE})
set(CPACK_RPM_PACKAGE_LICENSE "All rights reserved")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Databases")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /usr/share/man /usr/share/man/man1
  /usr/share/bash-completion /usr/share/bash-completion/completions
  /usr/share/zsh /usr/share/zsh/site-functions
  /usr/${MONGOWAY_INSTALL_LIBDIR} /usr/${MONGOWAY_INSTALL_LIBDIR}/pkgconfig)

include(CPack)
