"""boto3 as a second, independent Route 53 Domains client (docs/testing.md).

    route53_boto3.py ENDPOINT register DOMAIN         registers DOMAIN; prints the operation id
    route53_boto3.py ENDPOINT churn PREFIX COUNT      registers and deletes PREFIX0.com ... (moto
                                                      holds at most 20 domains) and prints the ids
                                                      of the 2 * COUNT operations, one JSON array
    route53_boto3.py ENDPOINT get ID                  prints GetOperationDetail's answer as JSON
    route53_boto3.py ENDPOINT list                    prints every operation (boto3's paginator)
    route53_boto3.py ENDPOINT domain DOMAIN           prints GetDomainDetail's answer as JSON
    route53_boto3.py ENDPOINT check-signatures RECORDING AKID SECRET [TOKEN]
                                                      recomputes with botocore's SigV4 the signature
                                                      of every request in moto's RECORDING that
                                                      regops sent, and prints
                                                      {"checked": N, "mismatches": [...]}

Timestamps are printed as epoch seconds with a fraction.
"""
import base64
import datetime
import json
import os
import sys

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CONTACT = {
    "FirstName": "Ada",
    "LastName": "Lovelace",
    "ContactType": "PERSON",
    "AddressLine1": "1 Analytical Street",
    "City": "London",
    "CountryCode": "GB",
    "ZipCode": "N1 1AA",
    "PhoneNumber": "+44.2012345678",
    "Email": "ada@example.com",
}


def plain(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def register(client, domain):
    answer = client.register_domain(
        DomainName=domain,
        DurationInYears=2,  # moto rejects 1: its check runs a moment after "now + 365 days"
        AdminContact=CONTACT,
        RegistrantContact=CONTACT,
        TechContact=CONTACT,
    )
    return answer["OperationId"]


class SignedHeadersOnly(SigV4Auth):
    """botocore's SigV4, over exactly the headers the request says it signed (an HTTP stack may
    add headers such as Accept after signing, which the signature rightly leaves out)."""

    def __init__(self, names, *args):
        super().__init__(*args)
        self.names = names

    def headers_to_sign(self, request):
        wanted = super().headers_to_sign(request)
        for name in list(wanted.keys()):
            if name.lower() not in self.names:
                del wanted[name]
        return wanted


def check_signatures(recording, akid, secret, token=None):
    creds = Credentials(akid, secret, token)
    checked, mismatches = 0, []
    with open(recording) as f:
        for line in f:
            entry = json.loads(line)
            headers = entry["headers"]
            auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            agent = next((v for k, v in headers.items() if k.lower() == "user-agent"), "")
            if not agent.startswith("regops"):
                continue  # boto3's own requests, and moto's readiness probe
            fields = dict(
                part.strip().split("=", 1) for part in auth.split(" ", 1)[1].split(",")
            ) if " " in auth else {}
            body = entry.get("body") or ""
            body = base64.b64decode(body) if entry.get("body_encoded") else body.encode()
            request = AWSRequest(method=entry["method"], url=entry["url"], data=body, headers=headers)
            request.context["timestamp"] = next(
                v for k, v in headers.items() if k.lower() == "x-amz-date"
            )
            scope = fields.get("Credential", "").split("/")
            signer = SignedHeadersOnly(
                set(fields.get("SignedHeaders", "").split(";")),
                creds,
                scope[3] if len(scope) > 3 else "?",
                scope[2] if len(scope) > 2 else "?",
            )
            canonical = signer.canonical_request(request)
            expected = signer.signature(signer.string_to_sign(request, canonical), request)
            checked += 1
            if expected != fields.get("Signature") or not auth.startswith("AWS4-HMAC-SHA256 "):
                mismatches.append({"authorization": auth, "canonical_request": canonical})
    return {"checked": checked, "mismatches": mismatches}


def main(argv):
    endpoint, command, *args = argv
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDBOTO3PEER")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "boto3-peer-secret")
    client = boto3.client("route53domains", region_name="us-east-1", endpoint_url=endpoint)
    if command == "register":
        print(json.dumps(register(client, args[0])))
    elif command == "churn":
        prefix, count = args[0], int(args[1])
        ids = []
        for i in range(count):
            domain = f"{prefix}{i}.com"
            ids.append(register(client, domain))
            ids.append(client.delete_domain(DomainName=domain)["OperationId"])
        print(json.dumps(ids))
    elif command == "get":
        print(json.dumps(plain(client.get_operation_detail(OperationId=args[0]))))
    elif command == "list":
        ops = []
        for page in client.get_paginator("list_operations").paginate():
            ops.extend(plain(page["Operations"]))
        print(json.dumps(ops))
    elif command == "domain":
        print(json.dumps(plain(client.get_domain_detail(DomainName=args[0]))))
    elif command == "check-signatures":
        print(json.dumps(check_signatures(*args)))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
