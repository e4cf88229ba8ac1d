#!/bin/sh
# Example client for docker/compose.yaml: writes a few events to cwlogd and reads them back with the
# aws CLI, reaching cwlogd only through AWS_ENDPOINT_URL (no --endpoint-url flag). Needs an aws CLI that
# honours AWS_ENDPOINT_URL (v2 >= 2.13, v1 >= 1.29), e.g. the amazon/aws-cli image.
set -eu
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL, e.g. http://cwlogd:4588}"
group=${LOG_GROUP:-example-app}
stream=${LOG_STREAM:-example-client}

n=$(aws logs describe-log-groups --log-group-name-prefix "$group" \
      --query "length(logGroups[?logGroupName=='$group'])" --output text)
if [ "$n" = 0 ]; then
  aws logs create-log-group --log-group-name "$group"
  echo "created log group $group"
fi
n=$(aws logs describe-log-streams --log-group-name "$group" --log-stream-name-prefix "$stream" \
      --query "length(logStreams[?logStreamName=='$stream'])" --output text)
if [ "$n" = 0 ]; then
  aws logs create-log-stream --log-group-name "$group" --log-stream-name "$stream"
  echo "created log stream $stream"
fi

now=$(date +%s000)
aws logs put-log-events --log-group-name "$group" --log-stream-name "$stream" --log-events \
  "[{\"timestamp\":$now,\"message\":\"example client started\"},{\"timestamp\":$now,\"message\":\"hello from the example client\"}]" \
  >/dev/null
echo "events in $group/$stream:"
aws logs get-log-events --log-group-name "$group" --log-stream-name "$stream" --start-from-head \
  --query 'events[].[timestamp,message]' --output text
