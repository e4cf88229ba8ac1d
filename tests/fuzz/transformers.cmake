# Log transformers (transformers/): a config and a message (transformers_fuzzer.cpp).
cwlogd_add_fuzzer(transformers
  SOURCES ${CWLOGD_TRANSFORMERS_SOURCES}
  LIBS PkgConfig::RE2 nlohmann_json::nlohmann_json)
