# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staged install tree: adds what
# Debian's policy asks of every package to the Debian package only, under
# usr/share/doc/mongoway: the copyright file and the Debian changelog
# (changelog.Debian.gz, gzip -9n); and lintian's overrides, each with its
# reason. `make install` and the RPM are left without them.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
find_program(MONGOWAY_GZIP gzip REQUIRED)
set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")
set(doc "${root}/share/doc/${CPACK_PACKAGE_NAME}")
set(mode OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(MAKE_DIRECTORY "${doc}")
file(COPY "${CPACK_MONGOWAY_DEBIAN_DIR}/copyright" DESTINATION "${doc}" FILE_PERMISSIONS ${mode})
file(COPY "${CPACK_MONGOWAY_DEBIAN_DIR}/changelog" DESTINATION "${doc}" FILE_PERMISSIONS ${mode})
file(RENAME "${doc}/changelog" "${doc}/changelog.Debian")
execute_process(COMMAND ${MONGOWAY_GZIP} -9 -n -f "${doc}/changelog.Debian" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "gzip -9 -n ${doc}/changelog.Debian failed")
endif()
if(EXISTS "${CPACK_MONGOWAY_DEBIAN_DIR}/lintian-overrides")
  set(overrides "${root}/share/lintian/overrides")
  file(MAKE_DIRECTORY "${overrides}")
  file(COPY "${CPACK_MONGOWAY_DEBIAN_DIR}/lintian-overrides" DESTINATION "${overrides}" FILE_PERMISSIONS ${mode})
  file(RENAME "${overrides}/lintian-overrides" "${overrides}/${CPACK_PACKAGE_NAME}")
endif()
