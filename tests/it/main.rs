//! Integration tests: each adapter against an independent peer (DESIGN section 7).

mod xmlrpc_peer;
