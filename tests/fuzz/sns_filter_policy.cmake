# SNS subscription filter policies (api/sns/filter_policy.cpp): validation and matching.
cwlogd_add_fuzzer(sns_filter_policy
  SOURCES ${CMAKE_SOURCE_DIR}/api/sns/filter_policy.cpp
  LIBS nlohmann_json::nlohmann_json)
