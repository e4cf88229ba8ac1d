# Metric math (api/cloudwatch/math/): expression, SEARCH and Metrics Insights parsers, and the
# evaluator over small in-memory series.
cwlogd_add_fuzzer(metric_math
  SOURCES ${CMAKE_SOURCE_DIR}/api/cloudwatch/math/expression_parser.cpp
          ${CMAKE_SOURCE_DIR}/api/cloudwatch/math/expression_eval.cpp
          ${CMAKE_SOURCE_DIR}/api/cloudwatch/math/search_expression.cpp
          ${CMAKE_SOURCE_DIR}/api/cloudwatch/math/metrics_insights.cpp
          # MetricAggregate (storage/metric_store.h) adds to and merges its distribution.
          ${CMAKE_SOURCE_DIR}/storage/metric_distribution.cpp)
