"""Deliveries through boto3: delivery sources, delivery destinations and their policies,
deliveries, UpdateDeliveryConfiguration and DescribeConfigurationTemplates. The happy path, the
model's validation errors (sent raw, as botocore validates on the client first), not-found,
conflicts, paging and durability across a restart."""

import json
import unittest

from botocore.exceptions import ClientError

from cwlogd_harness import RecentModelTestCase, validation_message

ACCOUNT = "000000000000"
REGION = "us-east-1"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1ABCDEF"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/delivered/cloudfront"
BUCKET_ARN = "arn:aws:s3:::my-log-bucket"
POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AllowLogDeliveryActions", "Effect": "Allow",
                   "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "logs:CreateDelivery",
                   "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:delivery-source:*"]}]})


def arn(kind, name):
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:{kind}:{name}"


class DeliveryTestCase(RecentModelTestCase):
    """`self.logs` is the class's recent-model client: these operations are newer than Debian
    12's botocore (cwlogd_harness.CwlogdServer.recent_client)."""


    def source(self, name="cf", **kw):
        return self.logs.put_delivery_source(name=name, resourceArn=DISTRIBUTION,
                                             logType="ACCESS_LOGS", **kw)["deliverySource"]

    def destination(self, name="cwl", resource=GROUP_ARN, **kw):
        return self.logs.put_delivery_destination(
            name=name, deliveryDestinationConfiguration={"destinationResourceArn": resource},
            **kw)["deliveryDestination"]

    def delivery(self, source="cf", destination="cwl", **kw):
        return self.logs.create_delivery(deliverySourceName=source,
                                         deliveryDestinationArn=arn("delivery-destination",
                                                                    destination),
                                         **kw)["delivery"]


class DeliverySourceTest(DeliveryTestCase):
    def test_put_get_describe_delete(self):
        s = self.source(tags={"team": "web"}, deliverySourceConfiguration={"samplingRate": "50"})
        self.assertEqual(s, {"name": "cf", "arn": arn("delivery-source", "cf"),
                             "resourceArns": [DISTRIBUTION], "service": "cloudfront",
                             "logType": "ACCESS_LOGS", "tags": {"team": "web"},
                             "deliverySourceConfiguration": {"samplingRate": "50"}})
        self.assertEqual(self.logs.get_delivery_source(name="cf")["deliverySource"], s)
        self.assertEqual(self.logs.describe_delivery_sources()["deliverySources"], [s])
        # Put again overwrites the settings; the tags stay when none are given.
        again = self.logs.put_delivery_source(name="cf", resourceArn=DISTRIBUTION + "2",
                                              logType="CONNECTION_LOGS")["deliverySource"]
        self.assertEqual(again["resourceArns"], [DISTRIBUTION + "2"])
        self.assertEqual(again["logType"], "CONNECTION_LOGS")
        self.assertEqual(again["tags"], {"team": "web"})
        self.assertNotIn("deliverySourceConfiguration", again)
        self.logs.delete_delivery_source(name="cf")
        self.assertEqual(self.logs.describe_delivery_sources()["deliverySources"], [])

    def test_not_found(self):
        msg = "The specified delivery source does not exist."
        self.assertClientError("ResourceNotFoundException", msg, self.logs.get_delivery_source,
                               name="none")
        self.assertClientError("ResourceNotFoundException", msg,
                               self.logs.delete_delivery_source, name="none")

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("'a.b'", "name",
                                          "satisfy regular expression pattern: [\\w-]*"),
                               self.raw.put_delivery_source, name="a.b",
                               resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
        self.assertClientError("InvalidParameterException",
                               validation_message(f"'{'n' * 61}'", "name",
                                          "have length less than or equal to 60"),
                               self.raw.get_delivery_source, name="n" * 61)
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at 'logType' failed to "
                               "satisfy constraint: Member must not be null",
                               self.raw.put_delivery_source, name="s", resourceArn=DISTRIBUTION)
        self.assertClientError("InvalidParameterException",
                               validation_message("'ACCESS-LOGS'", "logType",
                                          "satisfy regular expression pattern: [\\w]*"),
                               self.raw.put_delivery_source, name="s",
                               resourceArn=DISTRIBUTION, logType="ACCESS-LOGS")
        self.assertClientError("InvalidParameterException",
                               validation_message("'51'", "limit",
                                          "have value less than or equal to 50"),
                               self.raw.describe_delivery_sources, limit=51)
        self.assertClientError("SerializationException",
                               "Start of list found where not expected.",
                               self.raw.put_delivery_source, name=["s"],
                               resourceArn=DISTRIBUTION, logType="ACCESS_LOGS")
        self.assertClientError("ValidationException", "The resourceArn is not a valid ARN.",
                               self.raw.put_delivery_source, name="s", resourceArn="nope",
                               logType="ACCESS_LOGS")

    def test_paging_in_name_order(self):
        for n in ["b1", "a2", "a1", "a3", "c"]:
            self.source(n)
        names, token, pages = [], {}, 0
        while True:
            page = self.logs.describe_delivery_sources(limit=2, **token)
            pages += 1
            names += [s["name"] for s in page["deliverySources"]]
            if "nextToken" not in page:
                break
            token = {"nextToken": page["nextToken"]}
        self.assertEqual(names, ["a1", "a2", "a3", "b1", "c"])
        self.assertEqual(pages, 3)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_delivery_sources, nextToken="garbage")


class DeliveryDestinationTest(DeliveryTestCase):
    def test_put_get_describe_delete(self):
        d = self.destination(tags={"k": "v"})
        self.assertEqual(d, {"name": "cwl", "arn": arn("delivery-destination", "cwl"),
                             "deliveryDestinationType": "CWL", "outputFormat": "json",
                             "deliveryDestinationConfiguration": {
                                 "destinationResourceArn": GROUP_ARN},
                             "tags": {"k": "v"}})
        self.assertEqual(self.logs.get_delivery_destination(name="cwl")["deliveryDestination"], d)
        s3 = self.destination("s3", BUCKET_ARN, outputFormat="parquet")
        self.assertEqual(s3["deliveryDestinationType"], "S3")
        self.assertEqual(s3["outputFormat"], "parquet")
        xray = self.logs.put_delivery_destination(
            name="traces", deliveryDestinationType="XRAY")["deliveryDestination"]
        self.assertEqual(xray, {"name": "traces", "arn": arn("delivery-destination", "traces"),
                                "deliveryDestinationType": "XRAY"})
        listed = self.logs.describe_delivery_destinations()["deliveryDestinations"]
        self.assertEqual([x["name"] for x in listed], ["cwl", "s3", "traces"])
        for name in ["cwl", "s3", "traces"]:
            self.logs.delete_delivery_destination(name=name)
        self.assertEqual(self.logs.describe_delivery_destinations()["deliveryDestinations"], [])

    def test_policy(self):
        self.destination()
        self.assertEqual(self.logs.get_delivery_destination_policy(
            deliveryDestinationName="cwl")["policy"], {})
        put = self.logs.put_delivery_destination_policy(deliveryDestinationName="cwl",
                                                        deliveryDestinationPolicy=POLICY)
        self.assertEqual(put["policy"], {"deliveryDestinationPolicy": POLICY})
        got = self.logs.get_delivery_destination_policy(deliveryDestinationName="cwl")
        self.assertEqual(got["policy"], {"deliveryDestinationPolicy": POLICY})
        # Putting the destination again keeps its policy.
        self.destination()
        got = self.logs.get_delivery_destination_policy(deliveryDestinationName="cwl")
        self.assertEqual(got["policy"], {"deliveryDestinationPolicy": POLICY})
        self.logs.delete_delivery_destination_policy(deliveryDestinationName="cwl")
        self.assertEqual(self.logs.get_delivery_destination_policy(
            deliveryDestinationName="cwl")["policy"], {})
        self.assertClientError(
            "ResourceNotFoundException",
            "The specified delivery destination has no delivery destination policy.",
            self.logs.delete_delivery_destination_policy, deliveryDestinationName="cwl")
        self.assertClientError("ValidationException",
                               "Invalid Delivery Destination resource Policy is provided.",
                               self.logs.put_delivery_destination_policy,
                               deliveryDestinationName="cwl", deliveryDestinationPolicy="{")

    def test_not_found(self):
        msg = "The specified delivery destination does not exist."
        for call, kw in [(self.logs.get_delivery_destination, {"name": "none"}),
                         (self.logs.delete_delivery_destination, {"name": "none"}),
                         (self.logs.get_delivery_destination_policy,
                          {"deliveryDestinationName": "none"}),
                         (self.logs.put_delivery_destination_policy,
                          {"deliveryDestinationName": "none",
                           "deliveryDestinationPolicy": POLICY}),
                         (self.logs.delete_delivery_destination_policy,
                          {"deliveryDestinationName": "none"})]:
            self.assertClientError("ResourceNotFoundException", msg, call, **kw)

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("'csv'", "outputFormat",
                                          "satisfy enum value set: [json, plain, w3c, raw, "
                                          "parquet]"),
                               self.raw.put_delivery_destination, name="d", outputFormat="csv",
                               deliveryDestinationConfiguration={
                                   "destinationResourceArn": GROUP_ARN})
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at "
                               "'deliveryDestinationConfiguration.destinationResourceArn' "
                               "failed to satisfy constraint: Member must not be null",
                               self.raw.put_delivery_destination, name="d",
                               deliveryDestinationConfiguration={})
        self.assertClientError("InvalidParameterException",
                               validation_message("'SQS'", "deliveryDestinationType",
                                          "satisfy enum value set: [S3, CWL, FH, XRAY]"),
                               self.raw.put_delivery_destination, name="d",
                               deliveryDestinationType="SQS")
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "deliveryDestinationPolicy",
                                          "have length greater than or equal to 1"),
                               self.raw.put_delivery_destination_policy,
                               deliveryDestinationName="d", deliveryDestinationPolicy="")
        self.assertClientError("SerializationException", "Expected structure but found STRING_VALUE",
                               self.raw.put_delivery_destination, name="d",
                               deliveryDestinationConfiguration=GROUP_ARN)
        self.assertClientError("ValidationException",
                               "A deliveryDestinationConfiguration is required unless the "
                               "deliveryDestinationType is XRAY.",
                               self.raw.put_delivery_destination, name="d")
        self.assertClientError("ValidationException",
                               "The deliveryDestinationType does not match the "
                               "destinationResourceArn.",
                               self.raw.put_delivery_destination, name="d",
                               deliveryDestinationType="S3",
                               deliveryDestinationConfiguration={
                                   "destinationResourceArn": GROUP_ARN})


class DeliveryTest(DeliveryTestCase):
    def test_create_get_describe_update_delete(self):
        self.source()
        self.destination()
        self.destination("s3", BUCKET_ARN)
        d = self.delivery(recordFields=["date", "time"], fieldDelimiter=",",
                          tags={"env": "test"})
        self.assertRegex(d["id"], r"^[0-9A-Za-z]{16}$")
        self.assertEqual(d, {"id": d["id"], "arn": arn("delivery", d["id"]),
                             "deliverySourceName": "cf",
                             "deliveryDestinationArn": arn("delivery-destination", "cwl"),
                             "deliveryDestinationType": "CWL", "recordFields": ["date", "time"],
                             "fieldDelimiter": ",", "tags": {"env": "test"}})
        self.assertEqual(self.logs.get_delivery(id=d["id"])["delivery"], d)
        s3 = self.delivery(destination="s3",
                           s3DeliveryConfiguration={"suffixPath": "cf/{yyyy}",
                                                    "enableHiveCompatiblePath": True})
        self.assertEqual(s3["deliveryDestinationType"], "S3")
        self.assertEqual(s3["s3DeliveryConfiguration"],
                         {"suffixPath": "cf/{yyyy}", "enableHiveCompatiblePath": True})
        listed = self.logs.describe_deliveries()["deliveries"]
        self.assertEqual(listed, sorted([d, s3], key=lambda x: x["id"]))
        answer = self.logs.update_delivery_configuration(id=d["id"], recordFields=["time"],
                                                         fieldDelimiter="|")
        answer.pop("ResponseMetadata", None)
        self.assertEqual(answer, {})
        updated = self.logs.get_delivery(id=d["id"])["delivery"]
        self.assertEqual(updated["recordFields"], ["time"])
        self.assertEqual(updated["fieldDelimiter"], "|")
        self.assertEqual(updated["deliverySourceName"], "cf")
        self.logs.update_delivery_configuration(
            id=s3["id"], s3DeliveryConfiguration={"enableHiveCompatiblePath": False})
        self.assertEqual(self.logs.get_delivery(id=s3["id"])["delivery"]["s3DeliveryConfiguration"],
                         {"suffixPath": "cf/{yyyy}", "enableHiveCompatiblePath": False})
        self.assertClientError("ValidationException",
                               "The s3DeliveryConfiguration is only valid for a delivery to an "
                               "S3 bucket.",
                               self.logs.update_delivery_configuration, id=d["id"],
                               s3DeliveryConfiguration={"suffixPath": "x"})
        self.logs.delete_delivery(id=d["id"])
        self.logs.delete_delivery(id=s3["id"])
        self.assertEqual(self.logs.describe_deliveries()["deliveries"], [])

    def test_conflicts(self):
        self.source()
        self.destination()
        d = self.delivery()
        self.assertClientError("ConflictException",
                               "A delivery already exists for this delivery source and delivery "
                               "destination.",
                               self.logs.create_delivery, deliverySourceName="cf",
                               deliveryDestinationArn=arn("delivery-destination", "cwl"))
        self.assertClientError("ConflictException",
                               "The delivery source cannot be deleted: one or more deliveries "
                               "use it.",
                               self.logs.delete_delivery_source, name="cf")
        self.assertClientError("ConflictException",
                               "The delivery destination cannot be deleted: one or more "
                               "deliveries use it.",
                               self.logs.delete_delivery_destination, name="cwl")
        self.logs.delete_delivery(id=d["id"])
        self.logs.delete_delivery_source(name="cf")
        self.logs.delete_delivery_destination(name="cwl")

    def test_not_found(self):
        self.source()
        self.destination()
        self.assertClientError("ResourceNotFoundException",
                               "The specified delivery source does not exist.",
                               self.logs.create_delivery, deliverySourceName="none",
                               deliveryDestinationArn=arn("delivery-destination", "cwl"))
        for destination_arn in [arn("delivery-destination", "none"),
                                f"arn:aws:logs:eu-west-1:{ACCOUNT}:delivery-destination:cwl"]:
            self.assertClientError("ResourceNotFoundException",
                                   "The specified delivery destination does not exist.",
                                   self.logs.create_delivery, deliverySourceName="cf",
                                   deliveryDestinationArn=destination_arn)
        msg = "The specified delivery does not exist."
        self.assertClientError("ResourceNotFoundException", msg, self.logs.get_delivery,
                               id="abc123")
        self.assertClientError("ResourceNotFoundException", msg, self.logs.delete_delivery,
                               id="abc123")
        self.assertClientError("ResourceNotFoundException", msg,
                               self.logs.update_delivery_configuration, id="abc123")

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               "2 validation errors detected: Value 'a.b' at "
                               "'deliverySourceName' failed to satisfy constraint: Member must "
                               "satisfy regular expression pattern: [\\w-]*; Value null at "
                               "'deliveryDestinationArn' failed to satisfy constraint: Member "
                               "must not be null",
                               self.raw.create_delivery, deliverySourceName="a.b")
        self.assertClientError("InvalidParameterException",
                               validation_message("'a-b'", "id",
                                          "satisfy regular expression pattern: ^[0-9A-Za-z]+$"),
                               self.raw.get_delivery, id="a-b")
        self.assertClientError("InvalidParameterException",
                               validation_message("'||||||'", "fieldDelimiter",
                                          "have length less than or equal to 5"),
                               self.raw.create_delivery, deliverySourceName="cf",
                               deliveryDestinationArn=arn("delivery-destination", "cwl"),
                               fieldDelimiter="||||||")
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "recordFields.1.member",
                                          "have length greater than or equal to 1"),
                               self.raw.update_delivery_configuration, id="abc",
                               recordFields=[""])
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "s3DeliveryConfiguration.suffixPath",
                                          "have length greater than or equal to 1"),
                               self.raw.update_delivery_configuration, id="abc",
                               s3DeliveryConfiguration={"suffixPath": ""})
        self.assertClientError("SerializationException", "STRING_VALUE can not be converted to Boolean",
                               self.raw.update_delivery_configuration, id="abc",
                               s3DeliveryConfiguration={"enableHiveCompatiblePath": "yes"})
        self.assertClientError("InvalidParameterException",
                               validation_message("'0'", "limit",
                                          "have value greater than or equal to 1"),
                               self.raw.describe_deliveries, limit=0)

    def test_paging(self):
        self.source()
        ids = []
        for i in range(5):
            self.destination(f"d{i}")
            ids.append(self.delivery(destination=f"d{i}")["id"])
        seen, token = [], {}
        while True:
            page = self.logs.describe_deliveries(limit=2, **token)
            self.assertLessEqual(len(page["deliveries"]), 2)
            seen += [d["id"] for d in page["deliveries"]]
            if "nextToken" not in page:
                break
            token = {"nextToken": page["nextToken"]}
        self.assertEqual(seen, sorted(ids))


class ConfigurationTemplateTest(DeliveryTestCase):
    def test_fixed_set_and_filters(self):
        all_templates = self.logs.describe_configuration_templates()["configurationTemplates"]
        keys = [(t["service"], t["logType"], t["resourceType"], t["deliveryDestinationType"])
                for t in all_templates]
        self.assertEqual(len(keys), 7)
        self.assertIn(("cloudfront", "ACCESS_LOGS", "distribution", "S3"), keys)
        cf = self.logs.describe_configuration_templates(
            service="cloudfront", deliveryDestinationTypes=["S3"])["configurationTemplates"]
        self.assertEqual(len(cf), 1)
        self.assertIn("parquet", cf[0]["allowedOutputFormats"])
        self.assertIn("suffixPath", cf[0]["defaultDeliveryConfigValues"]["s3DeliveryConfiguration"])
        self.assertEqual(cf[0]["allowedActionForAllowVendedLogsDeliveryForResource"],
                         "cloudfront:AllowVendedLogDeliveryForResource")
        traces = self.logs.describe_configuration_templates(
            logTypes=["TRACES"])["configurationTemplates"]
        self.assertEqual([t["deliveryDestinationType"] for t in traces], ["XRAY"])
        self.assertEqual(self.logs.describe_configuration_templates(
            service="nothing")["configurationTemplates"], [])
        # Paging by three, then a token of another query is refused.
        paged, token = [], {}
        while True:
            page = self.logs.describe_configuration_templates(limit=3, **token)
            paged += page["configurationTemplates"]
            if "nextToken" not in page:
                break
            token = {"nextToken": page["nextToken"]}
        self.assertEqual(paged, all_templates)
        first = self.logs.describe_configuration_templates(limit=3)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_configuration_templates, service="cloudfront",
                               nextToken=first["nextToken"])

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("'SQS'", "deliveryDestinationTypes.1.member",
                                          "satisfy enum value set: [S3, CWL, FH, XRAY]"),
                               self.raw.describe_configuration_templates,
                               deliveryDestinationTypes=["SQS"])
        self.assertClientError("InvalidParameterException",
                               validation_message("'[]'", "logTypes",
                                          "have length greater than or equal to 1"),
                               self.raw.describe_configuration_templates, logTypes=[])
        self.assertClientError("InvalidParameterException",
                               validation_message("'a b'", "service",
                                          "satisfy regular expression pattern: [\\w_-]*"),
                               self.raw.describe_configuration_templates, service="a b")


class HostileInputTest(DeliveryTestCase):
    OPERATIONS = ["PutDeliverySource", "GetDeliverySource", "DescribeDeliverySources",
                  "DeleteDeliverySource", "PutDeliveryDestination", "GetDeliveryDestination",
                  "DescribeDeliveryDestinations", "DeleteDeliveryDestination",
                  "PutDeliveryDestinationPolicy", "GetDeliveryDestinationPolicy",
                  "DeleteDeliveryDestinationPolicy", "CreateDelivery", "GetDelivery",
                  "DescribeDeliveries", "DeleteDelivery", "UpdateDeliveryConfiguration",
                  "DescribeConfigurationTemplates"]
    VALUES = [None, 1, -1.5, True, "", "x" * 70000, [], [1, None, {}], {}, {"a": [1]}]
    MEMBERS = ["name", "resourceArn", "logType", "tags", "deliverySourceConfiguration",
               "outputFormat", "deliveryDestinationConfiguration", "deliveryDestinationType",
               "deliveryDestinationName", "deliveryDestinationPolicy", "deliverySourceName",
               "deliveryDestinationArn", "recordFields", "fieldDelimiter",
               "s3DeliveryConfiguration", "id", "limit", "nextToken", "service", "logTypes",
               "resourceTypes", "deliveryDestinationTypes"]

    def test_bad_members_get_client_errors(self):
        for op in self.OPERATIONS:
            for member in self.MEMBERS:
                for value in self.VALUES:
                    try:
                        self.raw.call(op, **{member: value})
                    except ClientError as e:
                        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
                        self.assertLess(status, 500, f"{op} {member}={value!r}: {e}")
        self.assertEqual(self.logs.describe_deliveries()["deliveries"], [])


class TaggingTest(DeliveryTestCase):
    """TagResource, UntagResource and ListTagsForResource reach delivery sources, delivery
    destinations and deliveries by ARN; the tags are the ones their Get operations show."""

    def test_tag_untag_list_by_arn(self):
        source = self.source(tags={"team": "web"})
        destination = self.destination()
        delivery = self.delivery()
        for resource_arn, get in [
                (source["arn"], lambda: self.logs.get_delivery_source(name="cf")["deliverySource"]),
                (destination["arn"], lambda: self.logs.get_delivery_destination(
                    name="cwl")["deliveryDestination"]),
                (delivery["arn"], lambda: self.logs.get_delivery(
                    id=delivery["id"])["delivery"])]:
            with self.subTest(resource_arn):
                self.logs.tag_resource(resourceArn=resource_arn, tags={"env": "prod", "k": "v"})
                tags = self.logs.list_tags_for_resource(resourceArn=resource_arn)["tags"]
                self.assertEqual({k: tags[k] for k in ("env", "k")}, {"env": "prod", "k": "v"})
                self.assertEqual(get()["tags"], tags)
                self.logs.untag_resource(resourceArn=resource_arn, tagKeys=["k", "absent"])
                self.assertNotIn("k", self.logs.list_tags_for_resource(
                    resourceArn=resource_arn)["tags"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=source["arn"])["tags"],
                         {"team": "web", "env": "prod"})

    def test_unknown_resources_and_the_tag_limit(self):
        for kind, noun in [("delivery-source", "delivery source"),
                           ("delivery-destination", "delivery destination"),
                           ("delivery", "delivery")]:
            self.assertClientError("ResourceNotFoundException",
                                   f"The specified {noun} does not exist.",
                                   self.logs.list_tags_for_resource,
                                   resourceArn=arn(kind, "nothing"))
            self.assertClientError("ResourceNotFoundException",
                                   f"The specified {noun} does not exist.",
                                   self.logs.tag_resource, resourceArn=arn(kind, "nothing"),
                                   tags={"a": "b"})
        source = self.source(tags={f"k{i}": "v" for i in range(50)})
        with self.assertRaises(ClientError) as caught:
            self.logs.tag_resource(resourceArn=source["arn"], tags={"one-more": "v"})
        self.assertEqual(caught.exception.response["Error"]["Code"], "TooManyTagsException")
        self.assertEqual(len(self.logs.list_tags_for_resource(resourceArn=source["arn"])["tags"]),
                         50)


class DurabilityTest(DeliveryTestCase):
    def test_records_survive_a_restart(self):
        s = self.source(tags={"a": "b"})
        d = self.destination()
        self.logs.put_delivery_destination_policy(deliveryDestinationName="cwl",
                                                  deliveryDestinationPolicy=POLICY)
        delivery = self.delivery(recordFields=["date"])
        self.restart()
        self.assertEqual(self.logs.get_delivery_source(name="cf")["deliverySource"], s)
        self.assertEqual(self.logs.get_delivery_destination(name="cwl")["deliveryDestination"], d)
        self.assertEqual(self.logs.get_delivery_destination_policy(
            deliveryDestinationName="cwl")["policy"], {"deliveryDestinationPolicy": POLICY})
        self.assertEqual(self.logs.get_delivery(id=delivery["id"])["delivery"], delivery)
        # The conflict rules hold after the restart too.
        self.assertClientError("ConflictException",
                               "The delivery source cannot be deleted: one or more deliveries "
                               "use it.",
                               self.logs.delete_delivery_source, name="cf")


if __name__ == "__main__":
    unittest.main()
