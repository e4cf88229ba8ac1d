"""The script issue 15 started from (a Lambda's memory use, read with Logs Insights, published as
a custom metric), unchanged apart from the endpoint and the credentials, which come from the
environment (CWLOGD_ENDPOINT) instead of the default AWS configuration. Run by
test_insights.py."""

import os
import time
from datetime import datetime, timedelta

import boto3

ENDPOINT = os.environ["CWLOGD_ENDPOINT"]
CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="test",
                   aws_secret_access_key="test")

logs = boto3.client('logs', endpoint_url=ENDPOINT, **CREDENTIALS)
cloudwatch = boto3.client('cloudwatch', endpoint_url=ENDPOINT, **CREDENTIALS)

resp = logs.start_query(logGroupName='/aws/lambda/LambdaAPIGateWay',
    startTime=int((datetime.today() - timedelta(days=1)).timestamp()), endTime=int(datetime.now().timestamp()),
    queryString="fields @timestamp, @message | filter @message like /Memory/ | sort @timestamp desc| limit 5")

query_id = resp['queryId']
response = None
while response is None or response['status'] == 'Running':
    time.sleep(1)
    response = logs.get_query_results(queryId=query_id)

for result in response['results']:
    # REPORT RequestId: ...\tDuration: ...\tBilled Duration: ...\tMemory Size: 128 MB\tMax Memory Used: 70 MB
    fields = result[1]['value'].split('\t')
    max_memory = fields[4].split(':')[1].strip().split(' ')[0]
    print(result[0]['value'], max_memory)
    cloudwatch.put_metric_data(
        Namespace='LambdaMemory',
        MetricData=[{
            'MetricName': 'MaxMemoryUsed',
            'Dimensions': [{'Name': 'FunctionName', 'Value': 'LambdaAPIGateWay'}],
            'Timestamp': result[0]['value'],
            'Value': float(max_memory),
            'Unit': 'Megabytes',
        }])
