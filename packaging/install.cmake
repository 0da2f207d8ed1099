# Install rules of mongoway: the binary, the man page (gzipped), the shell
# completions, the public headers, the static libraries and a pkg-config file.
# Included from the top-level CMakeLists.txt after the targets are defined.

# Libraries go to Debian's multiarch directory (lib/x86_64-linux-gnu), where
# a Debian package puts them; GNUInstallDirs would choose it only for the
# prefix /usr, and the package's prefix is known to CPack alone. Debian's
# linker and pkg-config search lib/<multiarch> under /usr/local too.
if(NOT DEFINED CMAKE_INSTALL_LIBDIR AND CMAKE_LIBRARY_ARCHITECTURE)
  set(CMAKE_INSTALL_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}" CACHE PATH "Object code libraries")
endif()
include(GNUInstallDirs)

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
install(TARGETS mongoway_engine mongoway_core ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

# The .pc file finds its prefix relative to itself (${pcfiledir}), so it stays
# right whatever --prefix or DESTDIR the install uses.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MONGOWAY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH MONGOWAY_PC_UP "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
  string(REGEX REPLACE "/$" "" MONGOWAY_PC_UP "${MONGOWAY_PC_UP}")
  set(MONGOWAY_PC_PREFIX "\${pcfiledir}/${MONGOWAY_PC_UP}")
endif()
configure_file(${CMAKE_SOURCE_DIR}/packaging/mongoway.pc.in ${CMAKE_BINARY_DIR}/mongoway.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/mongoway.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
