// Used by tests/integration/test_account_resources_clients.py: one call sequence per family of
// account-level resources with the JS SDK v3. Env: CWLOGD_ENDPOINT. Prints one JSON line.
import {
  CreateLogGroupCommand,
  DeleteDestinationCommand,
  DescribeAccountPoliciesCommand,
  DescribeDestinationsCommand,
  DescribeFieldIndexesCommand,
  DescribeResourcePoliciesCommand,
  GetDataProtectionPolicyCommand,
  PutAccountPolicyCommand,
  PutDataProtectionPolicyCommand,
  PutDestinationCommand,
  PutIndexPolicyCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const logs = logsClient();

const policy = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const dataProtection = JSON.stringify({
  Name: "p",
  Version: "2021-06-01",
  Statement: [
    {
      DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
      Operation: { Audit: { FindingsDestination: {} } },
    },
    {
      DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
      Operation: { Deidentify: { MaskConfig: {} } },
    },
  ],
});

const out = {};
await logs.send(new PutResourcePolicyCommand({ policyName: "js", policyDocument: policy }));
out.resourcePolicies = (await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies.map(
  (p) => p.policyName,
);
const dest = await logs.send(
  new PutDestinationCommand({ destinationName: "js-dest", targetArn: "arn:aws:kinesis:us-east-1:000000000000:stream/s", roleArn: "arn:aws:iam::000000000000:role/r" }),
);
out.destinationArn = dest.destination.arn;
out.destinations = (await logs.send(new DescribeDestinationsCommand({}))).destinations.map(
  (d) => d.destinationName,
);
await logs.send(new PutAccountPolicyCommand({ policyName: "js-sub", policyType: "SUBSCRIPTION_FILTER_POLICY", policyDocument: "{}" }));
out.accountPolicies = (
  await logs.send(new DescribeAccountPoliciesCommand({ policyType: "SUBSCRIPTION_FILTER_POLICY" }))
).accountPolicies.map((p) => p.policyName);
await logs.send(new CreateLogGroupCommand({ logGroupName: "js-group" }));
await logs.send(new PutDataProtectionPolicyCommand({ logGroupIdentifier: "js-group", policyDocument: dataProtection }));
out.dataProtection = (await logs.send(new GetDataProtectionPolicyCommand({ logGroupIdentifier: "js-group" }))).policyDocument === dataProtection;
await logs.send(new PutIndexPolicyCommand({ logGroupIdentifier: "js-group", policyDocument: JSON.stringify({ Fields: ["requestId"] }) }));
out.fieldIndexes = (await logs.send(new DescribeFieldIndexesCommand({ logGroupIdentifiers: ["js-group"] }))).fieldIndexes.map(
  (f) => f.fieldIndexName,
);
try {
  await logs.send(new DeleteDestinationCommand({ destinationName: "none" }));
} catch (e) {
  out.notFound = e.name;
}
console.log(JSON.stringify(out));
