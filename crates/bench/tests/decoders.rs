//! Every entry of the comparison decodes the inputs it is timed on, and finds what is in them:
//! a benchmark of a decoder that fails early, or reads less, would be a false figure.

use regops_bench::decoders::{self, Role};
use regops_bench::fixtures::{self, Format};
use regops_core::OperationStatus;

#[test]
fn every_decoder_reads_every_input_of_its_format_in_full() {
    let inputs = fixtures::all();
    for format in Format::ALL {
        assert!(
            inputs.iter().any(|i| i.format == format),
            "no input for {format:?}"
        );
    }
    for input in &inputs {
        let ds = decoders::for_format(input.format);
        assert!(
            ds.iter().any(|d| d.role == Role::LowerBound),
            "{}: no lower bound",
            input.name
        );
        for d in ds {
            let found = (d.run)(input.format, &input.body)
                .unwrap_or_else(|e| panic!("{} on {}: {e}", d.name, input.name));
            match d.role {
                Role::LowerBound if input.format.extension() == "xml" => {
                    assert!(found > input.operations, "{} on {}", d.name, input.name)
                }
                Role::LowerBound => {}
                _ if input.format == Format::AutoDnsXml => assert_eq!(found, 1),
                _ => assert_eq!(found, input.operations, "{} on {}", d.name, input.name),
            }
        }
    }
}

#[test]
fn the_gandi_answer_is_the_size_the_issue_measures_and_decodes_to_complete_operations() {
    let input = fixtures::named("xmlrpc-operation.list-1000").expect("input");
    let mb = input.body.len() as f64 / 1e6;
    assert!((1.9..2.3).contains(&mb), "{mb} MB");
    let ops = decoders::regops_for(&input).expect("decodes");
    assert_eq!(ops.len(), 1000);
    // Dates parsed, entities unescaped, nothing skipped.
    assert!(
        ops.iter()
            .all(|o| o.submitted_at.is_some() && o.updated_at.is_some())
    );
    let failed: Vec<_> = ops
        .iter()
        .filter(|o| o.status == OperationStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1000 / 7 + 1);
    let error = failed[0].error.as_ref().expect("error");
    assert_eq!(
        error.message.as_deref(),
        Some("Registry said: owner & admin contacts <AB1234-GANDI> differ")
    );
    assert_eq!(ops[1].target.as_deref(), Some("example-1.com"));
}

#[test]
fn every_input_decodes_to_operations_with_ids_and_statuses() {
    for input in fixtures::all() {
        let ops = decoders::regops_for(&input).expect("decodes");
        assert_eq!(ops.len(), input.operations, "{}", input.name);
        assert!(
            ops.iter().all(|o| !o.id.as_str().is_empty()),
            "{}",
            input.name
        );
        assert!(
            ops.iter()
                .all(|o| !matches!(o.status, OperationStatus::Unknown(_))),
            "{}",
            input.name
        );
    }
}
