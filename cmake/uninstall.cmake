# `cmake --build BUILD --target uninstall`: removes what the last `cmake --install` of BUILD
# put in place, as listed in its install_manifest.txt, under $ENV{DESTDIR} like the install.
# The configuration is treated as Debian treats a conffile: removed only while it is still the
# file the install shipped; an edited one stays (and is named). feedd's own directories
# (…/feedd) are removed once empty; shared ones (/usr/bin, the unit directory) never are.
# Input: -DMANIFEST=<install_manifest.txt> -DSHIPPED_CONFIG=<the feedd.toml installs copy>.
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "uninstall: ${MANIFEST} not found: nothing was installed from this build")
endif()
file(STRINGS "${MANIFEST}" installed)
foreach(file IN LISTS installed)
  set(path "$ENV{DESTDIR}${file}")
  if(NOT EXISTS "${path}" AND NOT IS_SYMLINK "${path}")
    message(STATUS "uninstall: already gone: ${path}")
    continue()
  endif()
  if(file MATCHES "/feedd/feedd\\.toml$")
    file(SHA256 "${path}" installed_sum)
    file(SHA256 "${SHIPPED_CONFIG}" shipped_sum)
    if(NOT installed_sum STREQUAL shipped_sum)
      message(STATUS "uninstall: keeping the edited configuration ${path}")
      continue()
    endif()
  endif()
  message(STATUS "uninstall: removing ${path}")
  file(REMOVE "${path}")
  get_filename_component(directory "${path}" DIRECTORY)
  get_filename_component(name "${directory}" NAME)
  file(GLOB left "${directory}/*")
  if(name STREQUAL "feedd" AND NOT left)
    file(REMOVE_RECURSE "${directory}")  # empty: the check above
  endif()
endforeach()
