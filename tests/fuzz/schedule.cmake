# Scheduled queries' schedule expressions (api/schedule_expression.cpp): cron(...) and rate(...).
cwlogd_add_fuzzer(schedule_expression
  SOURCES ${CMAKE_SOURCE_DIR}/api/schedule_expression.cpp)
