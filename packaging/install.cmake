# Install rules of mongoway: the binary, the man page (gzipped), the shell
# completions, the public headers, the static libraries and a pkg-config file.
# Included from the top-level CMakeLists.txt after the targets are defined.

include(GNUInstallDirs)

# The libraries and mongoway.pc go to Debian's multiarch directory
# (lib/x86_64-linux-gnu), where a Debian package puts them; GNUInstallDirs
# would choose it only for the prefix /usr, and the package's prefix is known
# to CPack alone. Debian's linker and pkg-config search lib/<multiarch> under
# /usr/local too. A variable of its own, so that a build directory configured
# before keeps no stale "lib" from CMake's cache.
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(MONGOWAY_DEFAULT_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}")
else()
  set(MONGOWAY_DEFAULT_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
endif()
set(MONGOWAY_INSTALL_LIBDIR "${MONGOWAY_DEFAULT_LIBDIR}" CACHE PATH
    "Where the static libraries and mongoway.pc are installed (relative to the prefix, or absolute)")

install(TARGETS mongoway RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# man/mongoway.1 -> share/man/man1/mongoway.1.gz (gzip -n: no name or time
# stamp in the archive, so the package is reproducible).
find_program(MONGOWAY_GZIP gzip REQUIRED)
set(MONGOWAY_MAN_GZ ${CMAKE_BINARY_DIR}/man/mongoway.1.gz)
add_custom_command(OUTPUT ${MONGOWAY_MAN_GZ}
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/man/mongoway.1 ${CMAKE_BINARY_DIR}/man/mongoway.1
  COMMAND ${MONGOWAY_GZIP} -9 -n -f ${CMAKE_BINARY_DIR}/man/mongoway.1
  DEPENDS ${CMAKE_SOURCE_DIR}/man/mongoway.1
  COMMENT "Compressing the man page"
  VERBATIM)
add_custom_target(mongoway_man ALL DEPENDS ${MONGOWAY_MAN_GZ})
install(FILES ${MONGOWAY_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${CMAKE_SOURCE_DIR}/scripts/completion/mongoway.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME mongoway)
install(FILES ${CMAKE_SOURCE_DIR}/scripts/completion/_mongoway
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)

# The library, for applications that migrate at start-up.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/mongoway DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(TARGETS mongoway_engine mongoway_exec mongoway_mongo mongoway_core ARCHIVE DESTINATION ${MONGOWAY_INSTALL_LIBDIR})

# The .pc file finds its prefix relative to itself (${pcfiledir}), so it stays
# right whatever --prefix or DESTDIR the install uses.
if(IS_ABSOLUTE "${MONGOWAY_INSTALL_LIBDIR}")
  set(MONGOWAY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH MONGOWAY_PC_UP "/root/${MONGOWAY_INSTALL_LIBDIR}/pkgconfig" "/root")
  string(REGEX REPLACE "/$" "" MONGOWAY_PC_UP "${MONGOWAY_PC_UP}")
  set(MONGOWAY_PC_PREFIX "\${pcfiledir}/${MONGOWAY_PC_UP}")
endif()
configure_file(${CMAKE_SOURCE_DIR}/packaging/mongoway.pc.in ${CMAKE_BINARY_DIR}/mongoway.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/mongoway.pc DESTINATION ${MONGOWAY_INSTALL_LIBDIR}/pkgconfig)
