<?php
// Netim SOAP API 2.0 peer (docs/testing.md): PHP's own SoapServer in non-WSDL mode, uri urn:DRS,
// served by `php -S 127.0.0.1:PORT netim_soap_server.php`. Each request runs in a fresh PHP
// process, so the state (sessions, operations, certificates, the calls received) lives in the
// JSON file named by the environment variable NETIM_PEER_STATE.
//
// Accounts: reseller "RESELLER1" with password "peer-password". Operations 1001..1006 exist at
// start: 1001 Done, 1002 Failed (with a MESSAGE), 1003 Cancelled, 1004..1006 Pending. A Pending
// operation moves to Done when it has been read by queryOpe three times (1006 never moves: it
// stays Pending until cancelOpe). Test hooks, as extra SOAP methods:
//   _testExpireSessions()  every open session becomes expired: the next call faults with E02
//   _testCalls()           the calls received, as an array of method names

const RESELLER = 'RESELLER1';
const PASSWORD = 'peer-password';

class StructOperationResponse
{
    public $ID_OPE;
    public $STATUS;
    public $MESSAGE;
    public $TYPE;
    public $DATE;
}

class StructQueryOpePending
{
    public $id_ope;
    public $code_ope;
    public $date_ope;
    public $data_ope;
}

class StructSessionInfo
{
    public $IDSESSION;
    public $IDRESELLER;
    public $LANG;
    public $SYNC;
    public $TIME_LOGIN;
    public $TIME_LAST_ACTIVITY;
}

class StructSSLInfo
{
    public $IDSSL;
    public $PROD;
    public $DURATION;
    public $STATUS;
    public $DATE_CREATE;
    public $DATE_EXPIRATION;
    public $AUTO_RENEW;
    public $TO_BE_RENEWED;
    public $CN;
    public $SAN;
    public $VALIDATION;
}

function state_path()
{
    $p = getenv('NETIM_PEER_STATE');
    if (!$p) {
        throw new SoapFault('Server', 'NETIM_PEER_STATE is not set');
    }
    return $p;
}

function load_state()
{
    $p = state_path();
    if (!file_exists($p)) {
        $ops = [];
        $seed = [
            [1001, 'Done', null, 'domainCreate'],
            [1002, 'Failed', "Province :\nInvalid value", 'domainCreate'],
            [1003, 'Cancelled', null, 'domainTransferIn'],
            [1004, 'Pending', null, 'domainRenew'],
            [1005, 'Pending', null, 'domainCreate'],
            [1006, 'Pending', null, 'domainTransferIn'],
        ];
        foreach ($seed as $i => $s) {
            $ops[(string)$s[0]] = [
                'id' => $s[0], 'status' => $s[1], 'message' => $s[2], 'type' => $s[3],
                'date' => sprintf('2024-03-31 0%d:30:00', $i), 'reads' => 0,
                'data' => 'example' . $i . '.com',
            ];
        }
        return ['sessions' => [], 'ops' => $ops, 'next_op' => 2001, 'ssl' => [], 'next_ssl' => 501, 'calls' => [], 'received' => []];
    }
    return json_decode(file_get_contents($p), true);
}

function save_state($state)
{
    file_put_contents(state_path(), json_encode($state), LOCK_EX);
}

function op_response($op)
{
    $r = new StructOperationResponse();
    $r->ID_OPE = (int)$op['id'];
    $r->STATUS = $op['status'];
    $r->MESSAGE = $op['message'];
    $r->TYPE = $op['type'];
    $r->DATE = $op['date'];
    return $r;
}

class NetimPeer
{
    private $state;

    public function __construct()
    {
        $this->state = load_state();
    }

    public function __destruct()
    {
        save_state($this->state);
    }

    private function record($name, $args = null)
    {
        $this->state['calls'][] = $name;
        if ($args !== null) {
            // What arrived, as PHP decoded it (the session id left out), for the tests to read.
            $this->state['received'][] = ['call' => $name, 'args' => array_slice($args, 1)];
        }
    }

    private function validation($validation)
    {
        $ok = $validation === 'file';
        if (strpos($validation, 'email:') === 0) {
            $ok = true;
            foreach (explode(',', substr($validation, 6)) as $addr) {
                $ok = $ok && strpos($addr, '@') !== false;
            }
        }
        if (!$ok) {
            throw new SoapFault('E13', 'E13 : validation : Invalid value');
        }
    }

    private function ssl($idSsl)
    {
        $key = (string)(int)$idSsl;
        if (!isset($this->state['ssl'][$key])) {
            throw new SoapFault('E04', 'E04 : IDSSL : Unknown certificate');
        }
        return $key;
    }

    private function session($id)
    {
        if (!isset($this->state['sessions'][$id])) {
            throw new SoapFault('E02', 'E02 : Session : Unknown or closed session');
        }
        if ($this->state['sessions'][$id]['expired']) {
            throw new SoapFault('E02', 'E02 : Session : Session expired');
        }
        $this->state['sessions'][$id]['last'] = time();
        return $this->state['sessions'][$id];
    }

    private function op($id)
    {
        $key = (string)(int)$id;
        if (!isset($this->state['ops'][$key])) {
            throw new SoapFault('E04', 'E04 : idOpe : Unknown operation ' . $key);
        }
        return $key;
    }

    private function start($idSession, $type, $data)
    {
        $s = $this->session($idSession);
        $id = $this->state['next_op']++;
        $op = [
            'id' => $id, 'status' => $s['sync'] ? 'Done' : 'Pending', 'message' => null,
            'type' => $type, 'date' => date('Y-m-d H:i:s'), 'reads' => 0, 'data' => $data,
        ];
        $this->state['ops'][(string)$id] = $op;
        return op_response($op);
    }

    public function sessionOpen($idReseller, $password, $language)
    {
        $this->record('sessionOpen');
        if ($idReseller !== RESELLER || $password !== PASSWORD) {
            throw new SoapFault('E01', 'E01 : Authentication : Bad reseller id or password');
        }
        $id = md5(random_bytes(16));
        $this->state['sessions'][$id] = [
            'lang' => $language, 'sync' => 1, 'expired' => false, 'login' => time(), 'last' => time(),
        ];
        return $id;
    }

    public function sessionClose($idSession)
    {
        $this->record('sessionClose');
        $this->session($idSession);
        unset($this->state['sessions'][$idSession]);
        return null;
    }

    public function sessionSetPreference($idSession, $type, $value)
    {
        $this->record('sessionSetPreference');
        $this->session($idSession);
        if ($type === 'sync') {
            $this->state['sessions'][$idSession]['sync'] = (int)$value;
        } elseif ($type === 'lang') {
            $this->state['sessions'][$idSession]['lang'] = $value;
        } else {
            throw new SoapFault('E13', 'E13 : type : Invalid value');
        }
        return null;
    }

    public function sessionInfo($idSession)
    {
        $this->record('sessionInfo');
        $s = $this->session($idSession);
        $r = new StructSessionInfo();
        $r->IDSESSION = $idSession;
        $r->IDRESELLER = RESELLER;
        $r->LANG = $s['lang'];
        $r->SYNC = (int)$s['sync'];
        $r->TIME_LOGIN = date('Y-m-d H:i:s', $s['login']);
        $r->TIME_LAST_ACTIVITY = date('Y-m-d H:i:s', $s['last']);
        return $r;
    }

    public function queryOpe($idSession, $idOpe)
    {
        $this->record('queryOpe');
        $this->session($idSession);
        $key = $this->op($idOpe);
        $op = &$this->state['ops'][$key];
        $op['reads']++;
        if ($op['status'] === 'Pending' && $op['reads'] >= 3 && (int)$op['id'] !== 1006) {
            $op['status'] = 'Done';
        }
        return op_response($op);
    }

    public function cancelOpe($idSession, $idOpe)
    {
        $this->record('cancelOpe');
        $this->session($idSession);
        $key = $this->op($idOpe);
        if ($this->state['ops'][$key]['status'] !== 'Pending') {
            throw new SoapFault('E05', 'E05 : idOpe : The operation cannot be cancelled');
        }
        $this->state['ops'][$key]['status'] = 'Cancelled';
        return op_response($this->state['ops'][$key]);
    }

    public function queryOpePending($idSession)
    {
        $this->record('queryOpePending');
        $this->session($idSession);
        $out = [];
        foreach ($this->state['ops'] as $op) {
            if ($op['status'] === 'Pending') {
                $p = new StructQueryOpePending();
                $p->id_ope = (int)$op['id'];
                $p->code_ope = $op['type'];
                $p->date_ope = $op['date'];
                $p->data_ope = $op['data'];
                $out[] = $p;
            }
        }
        return $out;
    }

    public function queryOpeList($idSession, $tld)
    {
        $this->record('queryOpeList');
        $this->session($idSession);
        return ['domainCreate' => true, 'domainTransferIn' => $tld !== 'ch', 'domainDelete' => false];
    }

    public function sslCreate($idSession, $prod, $duration, $csr, $validation)
    {
        $this->record('sslCreate', func_get_args());
        $csr = (array)$csr;
        if (empty($csr['CSR'])) {
            throw new SoapFault('E13', 'E13 : CSR : Invalid value');
        }
        $this->validation($validation);
        $r = $this->start($idSession, 'sslCreate', $csr['CommonName'] ?? '');
        $id = $this->state['next_ssl']++;
        $this->state['ssl'][(string)$id] = [
            'prod' => $prod, 'duration' => (int)$duration, 'cn' => $csr['CommonName'] ?? null,
            'san' => $csr['AlternativeNames'] ?? null, 'validation' => $validation,
            'status' => 'Pending', 'created' => date('Y-m-d'), 'auto_renew' => 0, 'to_be_renewed' => 0,
        ];
        return $r;
    }

    public function sslRenew($idSession, $idSsl, $duration)
    {
        $this->record('sslRenew', func_get_args());
        $key = $this->ssl($idSsl);
        if ((int)$duration !== 1) {
            throw new SoapFault('E13', 'E13 : duration : Invalid value');
        }
        $this->state['ssl'][$key]['duration'] += 1;
        return $this->start($idSession, 'sslRenew', $key);
    }

    public function sslReIssue($idSession, $idSsl, $csr, $validation)
    {
        $this->record('sslReIssue', func_get_args());
        $key = $this->ssl($idSsl);
        $csr = (array)$csr;
        if (empty($csr['CSR'])) {
            throw new SoapFault('E13', 'E13 : CSR : Invalid value');
        }
        $this->validation($validation);
        $this->state['ssl'][$key]['san'] = $csr['AlternativeNames'] ?? null;
        $this->state['ssl'][$key]['validation'] = $validation;
        return $this->start($idSession, 'sslReIssue', $key);
    }

    public function sslRevoke($idSession, $idSsl)
    {
        $this->record('sslRevoke', func_get_args());
        $key = $this->ssl($idSsl);
        $this->state['ssl'][$key]['status'] = 'Revoked';
        return $this->start($idSession, 'sslRevoke', $key);
    }

    public function sslSetPreference($idSession, $idSsl, $codePref, $value)
    {
        $this->record('sslSetPreference', func_get_args());
        $this->session($idSession);
        $key = $this->ssl($idSsl);
        if ($codePref !== 'auto_renew' && $codePref !== 'to_be_renewed') {
            throw new SoapFault('E13', 'E13 : codePref : Invalid value');
        }
        $this->state['ssl'][$key][$codePref] = (int)$value;
        return $this->start($idSession, 'sslSetPreference', $key);
    }

    public function sslInfo($idSession, $idSsl)
    {
        $this->record('sslInfo');
        $this->session($idSession);
        $key = (string)(int)$idSsl;
        if (!isset($this->state['ssl'][$key])) {
            throw new SoapFault('E04', 'E04 : IDSSL : Unknown certificate');
        }
        $c = $this->state['ssl'][$key];
        $r = new StructSSLInfo();
        $r->IDSSL = (int)$key;
        $r->PROD = $c['prod'];
        $r->DURATION = $c['duration'];
        $r->STATUS = $c['status'];
        $r->DATE_CREATE = $c['created'];
        $r->DATE_EXPIRATION = null;
        $r->AUTO_RENEW = $c['auto_renew'];
        $r->TO_BE_RENEWED = $c['to_be_renewed'] ?? 0;
        $r->CN = $c['cn'];
        $r->SAN = $c['san'] ?? null;
        $r->VALIDATION = $c['validation'] ?? null;
        return $r;
    }

    public function domainPriceList($idSession)
    {
        $this->record('domainPriceList');
        $this->session($idSession);
        return [
            ['EXTENSION' => 'com', 'PRICE_CREATE' => 9.5, 'PRICE_RENEW' => 10.5, 'CURRENCY' => 'EUR'],
            ['EXTENSION' => 'fr', 'PRICE_CREATE' => 7.0, 'PRICE_RENEW' => 7.0, 'CURRENCY' => 'EUR'],
        ];
    }

    public function queryHostList($idSession)
    {
        $this->record('queryHostList');
        $this->session($idSession);
        return [['HOST' => 'ns1.example.com', 'IPV4' => ['192.0.2.1'], 'IPV6' => []]];
    }

    public function queryResellerAccount($idSession)
    {
        $this->record('queryResellerAccount');
        $this->session($idSession);
        return ['IDRESELLER' => RESELLER, 'BALANCE' => 1250.75, 'CURRENCY' => 'EUR', 'AUTO_RENEW' => true];
    }

    public function _testExpireSessions()
    {
        foreach ($this->state['sessions'] as $id => $s) {
            $this->state['sessions'][$id]['expired'] = true;
        }
        return count($this->state['sessions']);
    }

    public function _testCalls()
    {
        return $this->state['calls'];
    }
}

if (php_sapi_name() !== 'cli-server') {
    fwrite(STDERR, "serve me with: php -S 127.0.0.1:PORT " . __FILE__ . "\n");
    exit(2);
}
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Content-Type: text/plain');
    echo "netim peer\n";
    return;
}
$server = new SoapServer(null, ['uri' => 'urn:DRS', 'soap_version' => SOAP_1_1]);
$server->setObject(new NetimPeer());
$server->handle();
