"""A Gandi-shaped XML-RPC server on Python's standard xmlrpc.server.

Independent of regops: every answer is encoded by Python's own marshaller. Prints
`LISTENING <url>` on stdout once it accepts connections, then serves until killed.

Data: one operation per step (BILL WAIT RUN DONE ERROR SUPPORT CANCEL) plus an unknown step,
nil dates, every errortype form, an operation (id 300) that advances WAIT -> RUN -> DONE each
time it is read, and certificates. Faults use Gandi's codes. Every call is logged and can be
read back with `_test.calls()`.
"""

import sys
from datetime import datetime
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
from xmlrpc.client import Fault

API_KEY = sys.argv[1] if len(sys.argv) > 1 else "peerkey0123456789abcdefg"

OPS = [
    {"id": 100, "step": "BILL", "type": "domain_create", "eta": 0,
     "date_created": datetime(2015, 9, 15, 18, 29, 16), "date_start": None,
     "date_updated": datetime(2015, 9, 15, 18, 29, 16), "errortype": None, "last_error": None,
     "params": {"domain": "bill.example"}, "infos": {"label": "bill.example"},
     "session_id": 1, "source": "AB1234-GANDI"},
    {"id": 101, "step": "WAIT", "type": "domain_renew", "eta": 3600,
     "date_created": datetime(2015, 9, 16, 10, 0, 0), "date_start": None,
     "date_updated": datetime(2015, 9, 16, 10, 0, 0), "errortype": None, "last_error": None,
     "params": {"domain": "wait.example"}, "infos": {}},
    {"id": 102, "step": "RUN", "type": "domain_transfer_in", "eta": -20,
     "date_created": datetime(2015, 1, 10, 8, 0, 0), "date_start": datetime(2015, 1, 10, 8, 5, 0),
     "date_updated": datetime(2015, 1, 10, 8, 6, 0), "errortype": None, "last_error": None,
     "params": {}, "infos": {"label": "run.example"}},
    {"id": 103, "step": "DONE", "type": "domain_renew", "eta": 0,
     "date_created": datetime(2015, 9, 17, 9, 0, 0), "date_start": datetime(2015, 9, 17, 9, 1, 0),
     "date_updated": datetime(2015, 9, 17, 9, 2, 0), "errortype": None, "last_error": None,
     "params": {"domain": "done.example"}},
    {"id": 104, "step": "ERROR", "type": "domain_renew", "eta": 0,
     "date_created": datetime(2015, 9, 15, 18, 29, 16), "date_start": None,
     "date_updated": datetime(2015, 9, 15, 18, 31, 2), "errortype": "fatal",
     "last_error": "Invalid contact", "params": {"domain": "example.com"}},
    {"id": 105, "step": "SUPPORT", "type": "certificate_create", "eta": 0,
     "date_created": datetime(2015, 9, 18, 12, 0, 0), "date_start": None,
     "date_updated": datetime(2015, 9, 18, 12, 0, 0),
     "errortype": {"name": "certificate:invalid_email", "refundable": True, "type": "client_recoverable"},
     "last_error": "DCV email bounced", "last_support_error": "Customer must pick another DCV address",
     "params": {}, "infos": {"label": "www.cert.example"}},
    {"id": 106, "step": "CANCEL", "type": "domain_create", "eta": 0,
     "date_created": datetime(2015, 9, 19, 12, 0, 0), "date_start": None, "date_updated": None,
     "errortype": None, "last_error": None, "params": {"domain": "cancel.example"}},
    {"id": 107, "step": "PAUSED", "type": "domain_create",
     "date_created": datetime(2015, 9, 20, 12, 0, 0), "params": {"domain": "paused.example"},
     "future_member": [1, 2, 3]},
    {"id": 108, "step": "ERROR", "type": "domain_create", "eta": 0,
     "date_created": datetime(2015, 9, 21, 12, 0, 0), "errortype": "duplicate",
     "last_error": "Domain already exists\nat the registry", "params": {"domain": "dup.example"}},
    {"id": 300, "step": "WAIT", "type": "domain_renew", "eta": 2,
     "date_created": datetime(2015, 9, 22, 12, 0, 0), "params": {"domain": "moving.example"}},
]
NEXT_STEP = {"WAIT": "RUN", "RUN": "DONE"}

CERTS = [
    {"id": 700, "cn": "www.cert.example", "altnames": ["cert.example"], "package": "cert_std_1_0_0",
     "status": "valid", "date_created": datetime(2015, 9, 18, 12, 0, 0),
     "date_start": datetime(2015, 9, 18, 13, 0, 0), "date_end": datetime(2016, 9, 18, 13, 0, 0),
     "csr": "-----BEGIN CERTIFICATE REQUEST-----", "uuid": "c0ffee", "dcv_method": "dns"},
    {"id": 701, "cn": "old.example", "package": "cert_pro_1_10_0", "status": "expired",
     "date_end": datetime(2014, 1, 1, 0, 0, 0)},
]

PACKAGES = [
    {"id": 1, "name": "cert_std_1_0_0", "category": {"id": 1, "name": "standard"},
     "min_domains": 1, "max_domains": 1, "wildcard": 0, "warranty": 0, "comodo_id": "287"},
    {"id": 2, "name": "cert_pro_w_250_0", "category": {"id": 2, "name": "pro"},
     "min_domains": 1, "max_domains": 1, "wildcard": 1, "warranty": 250000},
]

HOSTED = []

CALLS = []


def check_key(key):
    if isinstance(key, dict):
        key = key.get("apikey")
    if key != API_KEY:
        raise Fault(510150, "Error on object : OBJECT_ACCOUNT (CAUSE_BADPARAMETER) [Invalid API key]")


def public(op):
    return {k: v for k, v in op.items()}


def find(op_id):
    for op in OPS:
        if op["id"] == op_id:
            return op
    raise Fault(510042, "Error on object : OBJECT_OPERATION (CAUSE_NOTFOUND) [the operation %s does not exist]" % op_id)


def advance(op):
    if op["id"] == 300:
        answer = public(op)
        op["step"] = NEXT_STEP.get(op["step"], op["step"])
        return answer
    return public(op)


def matches(op, opts):
    ids = opts.get("id")
    if ids is not None:
        ids = ids if isinstance(ids, list) else [ids]
        if op["id"] not in ids:
            return False
    if "step" in opts and op.get("step") != opts["step"]:
        return False
    if "type" in opts and op.get("type") != opts["type"]:
        return False
    domain = (op.get("params") or {}).get("domain")
    if "domain" in opts and domain != opts["domain"]:
        return False
    if "~domain" in opts:
        prefix = opts["~domain"].rstrip("%").replace("\\_", "_").replace("\\%", "%")
        if not (domain or "").startswith(prefix):
            return False
    created = op.get("date_created")
    if ">date_created" in opts:
        bound = datetime.strptime(opts[">date_created"], "%Y%m%dT%H:%M:%S")
        if created is None or not created > bound:
            return False
    if "<date_created" in opts:
        bound = datetime.strptime(opts["<date_created"], "%Y%m%dT%H:%M:%S")
        if created is None or not created < bound:
            return False
    return True


def page(items, opts):
    per = opts.get("items_per_page", 100)
    if per > 100:
        raise Fault(510136, "Error on object : OBJECT_OPTIONS (CAUSE_BADPARAMETER) [items_per_page above 100]")
    start = opts.get("page", 0) * per
    return items[start:start + per]


class Gandi:
    def _dispatch(self, method, params):
        CALLS.append([method] + [p for p in params[1:]])
        if method == "_test.calls":
            return CALLS[:-1]
        if method == "_test.ratelimit":
            raise Fault(500099, "Error on object : OBJECT_ANY (CAUSE_RATELIMIT) [slow down]")
        check_key(params[0] if params else None)
        handler = {
            "operation.info": self.operation_info,
            "operation.list": self.operation_list,
            "operation.count": self.operation_count,
            "operation.cancel": self.operation_cancel,
            "operation.relaunch": self.operation_relaunch,
            "cert.info": self.cert_info,
            "cert.list": self.cert_list,
            "cert.count": self.cert_count,
            "cert.create": self.cert_create,
            "cert.renew": self.cert_renew,
            "cert.update": self.cert_update,
            "cert.delete": self.cert_delete,
            "cert.get_dcv_params": self.cert_get_dcv_params,
            "cert.change_dcv": self.cert_change_dcv,
            "cert.resend_dcv": self.cert_resend_dcv,
            "cert.recheck_caa": self.cert_recheck_caa,
            "cert.package.list": self.cert_package_list,
            "cert.hosted.list": self.cert_hosted_list,
            "cert.hosted.info": self.cert_hosted_info,
            "cert.hosted.create": self.cert_hosted_create,
            "cert.hosted.delete": self.cert_hosted_delete,
        }.get(method)
        if handler is None:
            raise Fault(510100, "Error on object : OBJECT_METHOD (CAUSE_UNKNOWN) [%s]" % method)
        return handler(*params[1:])

    def operation_info(self, op_id):
        return advance(find(op_id))

    def operation_list(self, opts=None):
        opts = opts or {}
        return [advance(op) for op in page([op for op in OPS if matches(op, opts)], opts)]

    def operation_count(self, opts=None):
        opts = opts or {}
        return len([op for op in OPS if matches(op, opts)])

    def operation_cancel(self, op_id):
        op = find(op_id)
        if op["step"] in ("DONE", "ERROR", "CANCEL"):
            raise Fault(581036, "Error on object : OBJECT_OPERATION (CAUSE_BADPARAMETER) [operation is finished]")
        op["step"] = "CANCEL"
        return True

    def operation_relaunch(self, op_id, params=None):
        op = find(op_id)
        op["step"] = "WAIT"
        op["relaunched_with"] = params or {}
        return True

    def cert_info(self, cert_id):
        for c in CERTS:
            if c["id"] == cert_id:
                return c
        raise Fault(510042, "Error on object : OBJECT_CERTIFICATE (CAUSE_NOTFOUND) [no such certificate]")

    def cert_list(self, opts=None):
        opts = opts or {}
        out = [c for c in CERTS if "status" not in opts or c["status"] == opts["status"]]
        return page(out, opts)

    def cert_count(self, opts=None):
        return len(self.cert_list(opts or {}))

    def cert_create(self, params):
        if "package" not in params:
            raise Fault(510136, "Error on object : OBJECT_CERTIFICATE (CAUSE_BADPARAMETER) [package missing]")
        return self._cert_op("certificate_create", params.get("cn"), None)

    def _cert(self, cert_id):
        if not isinstance(cert_id, int):
            raise Fault(510136, "Error on object : OBJECT_CERTIFICATE (CAUSE_BADPARAMETER) [cert must be an int]")
        return self.cert_info(cert_id)

    def _cert_op(self, kind, label, cert_id):
        new_id = max(op["id"] for op in OPS) + 1
        params = {"cert_id": cert_id} if cert_id is not None else {}
        op = {"id": new_id, "step": "BILL", "type": kind, "eta": 60,
              "date_created": datetime(2015, 10, 1, 12, 0, 0),
              "params": params, "infos": {"label": label or ""}}
        OPS.append(op)
        return op

    def cert_renew(self, cert_id, params):
        c = self._cert(cert_id)
        c["date_end"] = c.get("date_end", datetime(2016, 9, 18, 13, 0, 0)).replace(
            year=c.get("date_end", datetime(2016, 9, 18, 13, 0, 0)).year + params.get("duration", 1))
        return self._cert_op("certificate_renew", c["cn"], cert_id)

    def cert_update(self, cert_id, params):
        c = self._cert(cert_id)
        for key in ("csr", "altnames", "dcv_method"):
            if key in params:
                c[key] = params[key]
        return self._cert_op("certificate_update", c["cn"], cert_id)

    def cert_delete(self, cert_id, params=None):
        c = self._cert(cert_id)
        c["status"] = "revoked"
        return self._cert_op("certificate_delete", c["cn"], cert_id)

    def cert_get_dcv_params(self, params):
        c = self._cert(params.get("cert_id"))
        method = params.get("dcv_method", c.get("dcv_method", "email"))
        out = {"dcv_method": method, "fqdns": [c["cn"]] + list(c.get("altnames", [])), "md5": "d41d8cd9"}
        if method == "dns":
            out["dns_records"] = ["_d41d8cd9.%s. 10800 IN CNAME d41d8cd9.peer-ca.example." % c["cn"]]
        elif method in ("file", "https"):
            scheme = "http" if method == "file" else "https"
            out["urls"] = ["%s://%s/.well-known/pki-validation/D41D8CD9.txt" % (scheme, c["cn"])]
            out["unique_value"] = "d41d8cd9\npeer-ca.example"
        else:
            out["message"] = ["a validation e-mail goes to admin@%s" % c["cn"]]
        return out

    def _cert_operation(self, op_id):
        op = find(op_id)
        if not op.get("type", "").startswith("certificate_"):
            raise Fault(510136, "Error on object : OBJECT_OPERATION (CAUSE_BADPARAMETER) [not a certificate operation]")
        if op["step"] in ("DONE", "ERROR", "CANCEL"):
            raise Fault(581036, "Error on object : OBJECT_OPERATION (CAUSE_BADPARAMETER) [operation is finished]")
        return op

    def cert_change_dcv(self, op_id, dcv_method=None):
        op = self._cert_operation(op_id)
        if dcv_method not in ("email", "dns", "file", "https"):
            raise Fault(510136, "Error on object : OBJECT_CERTIFICATE (CAUSE_BADPARAMETER) [dcv_method]")
        op.setdefault("params", {})["dcv_method"] = dcv_method
        return True

    def cert_resend_dcv(self, op_id):
        op = self._cert_operation(op_id)
        infos = op.setdefault("infos", {})
        infos["dcv_resent"] = infos.get("dcv_resent", 0) + 1
        return True

    def cert_recheck_caa(self, uuid):
        for c in CERTS:
            if c.get("uuid") == uuid:
                c["caa_rechecked"] = True
                return True
        raise Fault(510042, "Error on object : OBJECT_CERTIFICATE (CAUSE_NOTFOUND) [no such uuid]")

    def cert_package_list(self, opts=None):
        opts = opts or {}
        return page(PACKAGES, opts)

    def cert_hosted_list(self, opts=None):
        opts = opts or {}
        return page([{k: h[k] for k in ("id", "subject", "state", "date_created", "date_expire")}
                     for h in HOSTED], opts)

    def cert_hosted_info(self, ssl_id):
        for h in HOSTED:
            if h["id"] == ssl_id:
                return h
        raise Fault(510042, "Error on object : OBJECT_SSL (CAUSE_NOTFOUND) [no such instance]")

    def cert_hosted_create(self, params):
        if "crt" not in params or "key" not in params:
            raise Fault(510136, "Error on object : OBJECT_SSL (CAUSE_BADPARAMETER) [crt and key are mandatory]")
        h = {"id": 9000 + len(HOSTED), "subject": "CN=hosted.example", "state": "created",
             "date_created": datetime(2015, 10, 1, 12, 0, 0), "date_expire": datetime(2016, 10, 1, 12, 0, 0),
             "fqdns": [{"name": "hosted.example"}], "related_vhosts": []}
        HOSTED.append(h)
        return h

    def cert_hosted_delete(self, ssl_id):
        h = self.cert_hosted_info(ssl_id)
        h["state"] = "deleted"
        return True


class Quiet(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/xmlrpc/")

    def log_message(self, *args):
        pass


def main():
    server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Quiet, allow_none=True,
                                use_builtin_types=True, logRequests=False)
    server.register_instance(Gandi())
    host, port = server.server_address
    print("LISTENING http://%s:%d/xmlrpc/" % (host, port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
