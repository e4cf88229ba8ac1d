"""Data sources through boto3: a log group belongs to the custom data source its tags
`cw:datasource:name` / `cw:datasource:type` name (AWS's "Custom sources"). ListLogGroups filters
by it, ListAggregateLogGroupSummaries counts groups per source, GetLogFields lists the fields of
a source's events with their types. GetLogObject finds no large log object (cwlogd has no
PutOpenTelemetryLogs, which makes them)."""

import json
import os
import subprocess
import unittest

from cwlogd_harness import (NODE_DIR, RecentModelTestCase, js_sdk_dir, now_ms,
                            validation_message)


def source_tags(name, type_=None):
    tags = {"cw:datasource:name": name}
    if type_ is not None:
        tags["cw:datasource:type"] = type_
    return tags


class DataSourceTest(RecentModelTestCase):
    def make_groups(self):
        self.logs.create_log_group(logGroupName="/app/orders-1", tags=source_tags("orders", "api"))
        self.logs.create_log_group(logGroupName="/app/orders-2", tags=source_tags("orders", "api"))
        self.logs.create_log_group(logGroupName="/app/orders-batch",
                                   tags=source_tags("orders", "batch"))
        self.logs.create_log_group(logGroupName="/app/billing", tags=source_tags("billing"))
        self.logs.create_log_group(logGroupName="/app/untagged")
        self.logs.create_log_group(logGroupName="/ia/orders-3", logGroupClass="INFREQUENT_ACCESS",
                                   tags=source_tags("orders", "api"))

    def summaries(self, **kwargs):
        out = self.logs.list_aggregate_log_group_summaries(**kwargs)
        return [(s["logGroupCount"], [(i["key"], i["value"]) for i in s["groupingIdentifiers"]])
                for s in out["aggregateLogGroupSummaries"]], out.get("nextToken")

    def test_summaries_count_groups_per_data_source(self):
        self.make_groups()
        rows, token = self.summaries(groupBy="DATA_SOURCE_NAME_AND_TYPE")
        self.assertIsNone(token)
        # (name, type) order; the untagged group belongs to no source and is not counted.
        self.assertEqual(rows, [
            (1, [("dataSource.Name", "billing")]),
            (3, [("dataSource.Name", "orders"), ("dataSource.Type", "api")]),
            (1, [("dataSource.Name", "orders"), ("dataSource.Type", "batch")]),
        ])
        rows, _ = self.summaries(groupBy="DATA_SOURCE_NAME_AND_TYPE", logGroupClass="STANDARD")
        self.assertEqual(rows[1][0], 2)
        rows, _ = self.summaries(groupBy="DATA_SOURCE_NAME_TYPE_AND_FORMAT",
                                 logGroupNamePattern="^/app/orders")
        self.assertEqual([r[0] for r in rows], [2, 1])
        rows, _ = self.summaries(groupBy="DATA_SOURCE_NAME_AND_TYPE",
                                 dataSources=[{"name": "orders", "type": "batch"}])
        self.assertEqual(rows, [(1, [("dataSource.Name", "orders"),
                                     ("dataSource.Type", "batch")])])
        # Names OR names, types OR types, the two dimensions AND.
        rows, _ = self.summaries(groupBy="DATA_SOURCE_NAME_AND_TYPE",
                                 dataSources=[{"name": "orders"}, {"name": "billing"}])
        self.assertEqual([r[0] for r in rows], [1, 3, 1])

    def test_summaries_page(self):
        for i in range(5):
            self.logs.create_log_group(logGroupName=f"g{i}", tags=source_tags(f"src{i}", "t"))
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"groupBy": "DATA_SOURCE_NAME_AND_TYPE", "limit": 2}
            if token:
                kwargs["nextToken"] = token
            rows, token = self.summaries(**kwargs)
            pages += 1
            seen += [dict(r[1])["dataSource.Name"] for r in rows]
            if not token:
                break
        self.assertEqual(seen, [f"src{i}" for i in range(5)])
        self.assertEqual(pages, 3)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.list_aggregate_log_group_summaries,
                               groupBy="DATA_SOURCE_NAME_AND_TYPE", nextToken="bogus")

    def test_summaries_validation(self):
        self.assertClientError(
            "InvalidParameterException", validation_message("null", "groupBy", "not be null"),
            self.raw.list_aggregate_log_group_summaries)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'NAME'", "groupBy",
                               "satisfy enum value set: [DATA_SOURCE_NAME_TYPE_AND_FORMAT, "
                               "DATA_SOURCE_NAME_AND_TYPE]"),
            self.raw.list_aggregate_log_group_summaries, groupBy="NAME")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'51'", "limit", "have value less than or equal to 50"),
            self.raw.list_aggregate_log_group_summaries, groupBy="DATA_SOURCE_NAME_AND_TYPE",
            limit=51)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "dataSources.1.member.name", "not be null"),
            self.raw.list_aggregate_log_group_summaries, groupBy="DATA_SOURCE_NAME_AND_TYPE",
            dataSources=[{"type": "api"}])

    def test_list_log_groups_filters_by_data_source(self):
        self.make_groups()
        names = [g["logGroupName"] for g in self.logs.list_log_groups(
            dataSources=[{"name": "orders", "type": "api"}])["logGroups"]]
        self.assertEqual(names, ["/app/orders-1", "/app/orders-2", "/ia/orders-3"])
        names = [g["logGroupName"] for g in self.logs.list_log_groups(
            dataSources=[{"name": "billing"}], logGroupNamePattern="app")["logGroups"]]
        self.assertEqual(names, ["/app/billing"])
        # Without the filter every group is listed, the untagged one too.
        self.assertEqual(len(self.logs.list_log_groups()["logGroups"]), 6)

    def test_get_log_fields_types_the_fields_seen(self):
        self.logs.create_log_group(logGroupName="svc", tags=source_tags("orders", "api"))
        self.make_stream("svc", "s", client=self.logs)
        t = now_ms()
        self.put("svc", "s", [
            (t, '{"status": 200, "latency": 12, "ok": true, "user": {"id": "u1"}}'),
            (t + 1, '{"status": 500, "latency": 3.5, "ok": false, "path": "/x"}'),
            (t + 2, '{"status": "n/a"}'),
        ], client=self.logs)
        fields = {f["logFieldName"]: f["logFieldType"]["type"]
                  for f in self.logs.get_log_fields(dataSourceName="orders",
                                                    dataSourceType="api")["logFields"]}
        self.assertEqual(fields, {"latency": "double", "ok": "boolean", "path": "string",
                                  "status": "string", "user.id": "string"})

    def test_get_log_fields_of_an_unknown_source(self):
        self.logs.create_log_group(logGroupName="svc", tags=source_tags("orders", "api"))
        self.assertEqual(self.logs.get_log_fields(dataSourceName="orders",
                                                  dataSourceType="api")["logFields"], [])
        self.assertClientError("ResourceNotFoundException",
                               "The specified data source does not exist.",
                               self.logs.get_log_fields, dataSourceName="orders",
                               dataSourceType="batch")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "dataSourceType", "not be null"),
            self.raw.get_log_fields, dataSourceName="orders")

    def test_get_log_object_finds_no_object(self):
        self.assertClientError("ResourceNotFoundException",
                               "The specified log object does not exist.",
                               self.raw.get_log_object,
                               logObjectPointer="@ptr.$['input']['message']")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "logObjectPointer", "not be null"),
            self.raw.get_log_object, unmask=True)
        self.assertClientError(
            "InvalidParameterException",
            validation_message(f"'{'p' * 513}'", "logObjectPointer",
                               "have length less than or equal to 512"),
            self.raw.get_log_object, logObjectPointer="p" * 513)

    def test_js_sdk_lists_summaries(self):
        node_dir = js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint)
        proc = subprocess.run(["node", os.path.join(NODE_DIR, "data_sources.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(out, {"summaries": [{"logGroupCount": 1, "groupingIdentifiers": [
            {"key": "dataSource.Name", "value": "orders"},
            {"key": "dataSource.Type", "value": "api"}]}], "fields": []})

if __name__ == "__main__":
    unittest.main()
