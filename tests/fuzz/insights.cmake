# The Logs Insights engine (insights/): query text and records (insights_query_fuzzer.cpp).
cwlogd_add_fuzzer(insights_query
  SOURCES ${CWLOGD_INSIGHTS_SOURCES}
  LIBS PkgConfig::RE2 simdjson::simdjson)
