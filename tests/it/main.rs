//! Integration tests: each adapter against an independent peer (docs/testing.md).

mod answers;
mod autodns_model;
mod autodns_replay;
mod chaos;
mod exchange;
mod fuzz_corpus;
mod netim_php;
mod postgres_journal;
mod route53_client;
mod route53_model;
mod route53_moto;
mod sim_gandi;
mod sim_others;
mod timeouts;
mod xmlrpc_peer;
