"""Decodes, with Python's own xmlrpc.client, the bodies regops' encoder wrote, and checks them
against what regops meant to say.

Usage: xmlrpc_decode.py DIR. DIR holds N.xml (a methodCall or methodResponse written by regops)
and N.json (the same values in a tagged form: {"int": 1}, {"bool": true}, {"str": "..."},
{"double": 1.5}, {"dt": "20150915T18:29:16"}, {"b64": "aGk="}, {"arr": [...]},
{"struct": {...}}, {"nil": null}; for a call, {"method": name, "params": [...]}).
Prints one line per mismatch and exits 1 when there is any.
"""

import base64
import json
import os
import sys
import xmlrpc.client
from datetime import datetime


def tagged(v):
    if v is None:
        return {"nil": None}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        return {"double": v}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, datetime):
        return {"dt": v.strftime("%Y%m%dT%H:%M:%S")}
    if isinstance(v, (bytes, bytearray)):
        return {"b64": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, list):
        return {"arr": [tagged(x) for x in v]}
    if isinstance(v, dict):
        return {"struct": {k: tagged(x) for k, x in v.items()}}
    raise TypeError("unexpected %r" % type(v))


def main(path):
    names = sorted(f[:-4] for f in os.listdir(path) if f.endswith(".xml"))
    bad = 0
    for name in names:
        with open(os.path.join(path, name + ".xml"), "rb") as f:
            body = f.read()
        with open(os.path.join(path, name + ".json")) as f:
            want = json.load(f)
        try:
            params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        except Exception as e:  # noqa: BLE001 - any refusal is a finding
            print("%s: Python refused the body: %s" % (name, e))
            bad += 1
            continue
        if method is None:
            got = tagged(params[0])
        else:
            got = {"method": method, "params": [tagged(p) for p in params]}
        if got != want:
            print("%s: decoded %s, expected %s" % (name, json.dumps(got)[:400], json.dumps(want)[:400]))
            bad += 1
    print("checked %d bodies, %d mismatches" % (len(names), bad))
    sys.exit(1 if bad or not names else 0)


if __name__ == "__main__":
    main(sys.argv[1])
