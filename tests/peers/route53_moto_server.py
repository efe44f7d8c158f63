"""Route 53 Domains peer: moto in server mode on loopback (docs/testing.md).

    route53_moto_server.py [RECORDING]

Prints `LISTENING <url>` once the server answers, then serves until killed. moto does not check
signatures; every operation it creates is SUCCESSFUL at once. With RECORDING, moto's recorder
appends every request it receives (headers and body) to that file, one JSON object per line, so
that a test can count the calls and have botocore check their signatures.
"""
import logging
import os
import socket
import sys
import time
import urllib.request

if len(sys.argv) > 1:
    # Read by moto when it is imported.
    os.environ["MOTO_ENABLE_RECORDING"] = "True"
    os.environ["MOTO_RECORDER_FILEPATH"] = sys.argv[1]

from moto.server import ThreadedMotoServer  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            break
        except Exception:
            time.sleep(0.05)
    print(f"LISTENING {url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
