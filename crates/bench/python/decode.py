"""Times Python's standard decoders on the inputs `regops-bench inputs DIR` wrote.

Usage: python3 decode.py INPUT_DIR OUTPUT_JSON

For every input of the manifest: XML-RPC with xmlrpc.client.loads, JSON with json.loads, other
XML with xml.etree.ElementTree.fromstring. Each is checked to have read the whole answer (the
number of operations), then timed with timeit: the median of 7 repeats, each long enough for
timeit's autorange. Writes {"python": "3.x.y", "results": [{"input", "decoder", "median_s",
"samples"}]}.
"""

import json
import platform
import statistics
import sys
import timeit
import xml.etree.ElementTree as ET
import xmlrpc.client


def xmlrpc_loads(body):
    (value,), _ = xmlrpc.client.loads(body)
    return len(value)


def json_loads(body):
    value = json.loads(body)
    for key in ("Operations", "data"):
        if key in value:
            return len(value[key])
    raise ValueError("no list of operations")


def etree_fromstring(body):
    ET.fromstring(body)
    return None


DECODERS = {
    "xmlrpc": [("Python xmlrpc.client.loads", xmlrpc_loads)],
    "soap": [("Python ElementTree.fromstring", etree_fromstring)],
    "autodns-xml": [("Python ElementTree.fromstring", etree_fromstring)],
    "route53": [("Python json.loads", json_loads)],
    "autodns-json": [("Python json.loads", json_loads)],
}


def main():
    directory, output = sys.argv[1], sys.argv[2]
    with open(f"{directory}/manifest.json") as f:
        manifest = json.load(f)
    results = []
    for entry in manifest:
        with open(f"{directory}/{entry['file']}", encoding="utf-8") as f:
            body = f.read()
        for name, decode in DECODERS[entry["format"]]:
            found = decode(body)
            if found is not None and entry["format"] != "autodns-xml" and found != entry["operations"]:
                raise SystemExit(f"{name} read {found} operations of {entry['name']}, not {entry['operations']}")
            timer = timeit.Timer(lambda: decode(body))
            number, _ = timer.autorange()
            times = [t / number for t in timer.repeat(repeat=7, number=number)]
            results.append({
                "input": entry["name"],
                "decoder": name,
                "median_s": statistics.median(times),
                "samples": 7 * number,
            })
            print(f"{entry['name']:<36} {name:<32} {statistics.median(times) * 1e3:10.3f} ms", file=sys.stderr)
    with open(output, "w") as f:
        json.dump({"python": platform.python_version(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
