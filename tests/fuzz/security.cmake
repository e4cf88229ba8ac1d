# Security fuzzers (docs/security.md): SigV4 parsing/verification, and request dispatch.
cwlogd_add_fuzzer(sigv4
  SOURCES ${CMAKE_SOURCE_DIR}/server/auth/sigv4.cpp ${CMAKE_SOURCE_DIR}/server/auth/credentials.cpp
  LIBS OpenSSL::Crypto)

# The api, filters and insights sources are compiled again with the fuzzer flags (coverage
# guidance, and one consistent simdjson build: mixing a plain and a sanitized simdjson crashes);
# storage is linked as it is.
get_target_property(_cwlogd_api_sources cwlogd_api SOURCES)
get_target_property(_cwlogd_api_dir cwlogd_api SOURCE_DIR)
set(_cwlogd_api_fuzz_sources)
foreach(_src ${_cwlogd_api_sources})
  if(IS_ABSOLUTE "${_src}")
    list(APPEND _cwlogd_api_fuzz_sources "${_src}")
  else()
    list(APPEND _cwlogd_api_fuzz_sources "${_cwlogd_api_dir}/${_src}")
  endif()
endforeach()
cwlogd_add_fuzzer(dispatch
  SOURCES ${_cwlogd_api_fuzz_sources} ${CWLOGD_FILTERS_SOURCES} ${CWLOGD_INSIGHTS_SOURCES}
          ${CWLOGD_TRANSFORMERS_SOURCES}
  LIBS cwlogd_storage PkgConfig::RE2 simdjson::simdjson nlohmann_json::nlohmann_json fmt::fmt
       ZLIB::ZLIB PkgConfig::CAIRO)
