# Stored metric bucket values (storage/metric_keys.cpp DecodeAggregate and the distribution
# codec, storage/metric_distribution.cpp): the merge operator and QueryMetric decode them.
cwlogd_add_fuzzer(metric_bucket
  SOURCES ${CMAKE_SOURCE_DIR}/storage/metric_keys.cpp
          ${CMAKE_SOURCE_DIR}/storage/metric_distribution.cpp)
