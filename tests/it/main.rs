//! Integration tests: each adapter against an independent peer (DESIGN section 7).

mod sim_gandi;
mod xmlrpc_peer;
