"""Coverage by construction: every operation of botocore's `logs` model (the model installed on
this machine) is asked of the running server, and the answer must agree with
docs/api-coverage.md. An operation the server does not route answers UnknownOperationException;
any other answer (a result or a validation error) means it is routed.

The test fails when
- an operation documented as answered (exact / stored / limited) stops being routed,
- an operation documented as "not yet" is routed (move its row out of "not yet"),
- the document and the model disagree on the list of operations, or
- the "not yet" list grows beyond MAX_NOT_YET: it is a ratchet, it may only shrink (lower the
  number when you implement operations)."""

import gzip
import json
import os
import re
import unittest

import botocore

from cwlogd_harness import ServerTestCase

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                   "api-coverage.md")
STATES = {"exact", "stored", "limited", "not yet"}
# The ratchet: the most operations docs/api-coverage.md may list as "not yet".
MAX_NOT_YET = 0


def model_operations():
    """Operation names of botocore's installed logs model (service-2.json or .json.gz)."""
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "logs")
    version = sorted(os.listdir(base))[-1]
    folder = os.path.join(base, version)
    plain = os.path.join(folder, "service-2.json")
    if os.path.exists(plain):
        with open(plain, encoding="utf-8") as f:
            model = json.load(f)
    else:
        with gzip.open(plain + ".gz", "rt", encoding="utf-8") as f:
            model = json.load(f)
    return sorted(model["operations"])


def documented_states():
    """{operation: state} from the rows of docs/api-coverage.md's operations table."""
    states = {}
    row = re.compile(r"^\|\s*`?([A-Z][A-Za-z0-9]+)`?\s*\|\s*([a-z ]+?)\s*\|")
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            m = row.match(line)
            if m and m.group(2) in STATES:
                states[m.group(1)] = m.group(2)
    return states


class ApiCoverageTest(ServerTestCase):
    reset_between_tests = False

    def answer(self, operation):
        status, _, body = self.server.http(
            "POST", "/", body=b"{}",
            headers={"X-Amz-Target": f"Logs_20140328.{operation}",
                     "Content-Type": "application/x-amz-json-1.1"})
        data = json.loads(body) if body.strip() else {}
        return status, str(data.get("__type", "")).rsplit("#", 1)[-1]

    def test_documented_operations_are_the_model_s(self):
        model = set(model_operations())
        doc = set(documented_states())
        self.assertEqual(sorted(model - doc), [], "operations of the model without a row in "
                                                  "docs/api-coverage.md")
        # Rows the installed model lacks are fine: an older botocore has fewer operations
        # (Debian 12's botocore 1.29 has 48). The floors catch a model or table that failed to load.
        self.assertGreaterEqual(len(model), 40, "suspiciously few operations in the model")
        self.assertGreaterEqual(len(doc), 113, "suspiciously few rows in docs/api-coverage.md")

    def test_routing_matches_the_document(self):
        states = documented_states()
        wrongly_unrouted, wrongly_routed = [], []
        # Every documented operation is asked, whether or not the installed model knows it.
        for operation in sorted(set(model_operations()) | set(states)):
            status, error = self.answer(operation)
            routed = error != "UnknownOperationException"
            self.assertNotEqual(status, 500, f"{operation} answered 500")
            state = states.get(operation)
            if state is None:
                continue  # reported by the other test
            if state == "not yet" and routed:
                wrongly_routed.append(operation)
            if state != "not yet" and not routed:
                wrongly_unrouted.append(operation)
        self.assertEqual(wrongly_unrouted, [], "documented as answered, but not routed")
        self.assertEqual(wrongly_routed, [], "routed, but still documented as 'not yet'")

    def test_the_not_yet_list_only_shrinks(self):
        not_yet = [op for op, state in documented_states().items() if state == "not yet"]
        self.assertLessEqual(len(not_yet), MAX_NOT_YET,
                             "docs/api-coverage.md lists more operations as 'not yet' than "
                             "before; the list may only shrink")

    def test_an_unknown_operation_is_refused(self):
        status, error = self.answer("NoSuchOperation")
        self.assertEqual((status, error), (400, "UnknownOperationException"))


if __name__ == "__main__":
    unittest.main()
