# Composite alarms' AlarmRule (api/cloudwatch/alarms/alarm_rule.cpp): ALARM(x) AND NOT OK(y) ...
cwlogd_add_fuzzer(alarm_rule
  SOURCES ${CMAKE_SOURCE_DIR}/api/cloudwatch/alarms/alarm_rule.cpp
          ${CMAKE_SOURCE_DIR}/api/cloudwatch/alarms/alarm_evaluation.cpp)
