//! Golden tests: every case of `testdata/hcl/functions/cases.txt`, evaluated here, against what
//! `terraform console` answered (`golden.json`, written by `gen.sh`). The cases are parsed with
//! hcl-rs and evaluated by a small literal-and-call evaluator (the real evaluator comes later),
//! plus unit tests for unknowns and marks, which the console cannot produce.

use std::collections::BTreeMap;

use hcl::expr::{Expression, ObjectKey, Operation, UnaryOperator};

use super::{FnError, call};
use crate::ingest::hcl::value::{Number, Type, Unknown, Value};

fn eval(e: &Expression) -> Result<Value, FnError> {
    Ok(match e {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => {
            Value::Number(n.as_i64().map_or_else(|| Number::from_f64(n.as_f64().unwrap_or(f64::NAN)), Number::Int))
        }
        Expression::String(s) => Value::string(s.clone()),
        Expression::Array(items) => Value::Tuple(items.iter().map(eval).collect::<Result<_, _>>()?),
        Expression::Object(o) => {
            let mut out = BTreeMap::new();
            for (k, v) in o {
                let key = match k {
                    ObjectKey::Identifier(i) => i.to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    other => panic!("unsupported object key {other:?}"),
                };
                out.insert(key, eval(v)?);
            }
            Value::Object(out)
        }
        Expression::Parenthesis(inner) => eval(inner)?,
        Expression::FuncCall(f) => {
            let args = f.args.iter().map(eval).collect::<Result<Vec<_>, _>>()?;
            call(f.name.name.as_str(), args)?
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) if u.operator == UnaryOperator::Neg => match eval(&u.expr)? {
                Value::Number(Number::Int(i)) => Value::int(-i),
                Value::Number(n) => Value::Number(Number::from_f64(-n.as_f64())),
                other => panic!("cannot negate {other:?}"),
            },
            other => panic!("unsupported operation {other:?}"),
        },
        other => panic!("unsupported expression {other:?}"),
    })
}

fn parse(expr: &str) -> Expression {
    let body: hcl::Body = hcl::parse(&format!("x = {expr}\n")).unwrap_or_else(|e| panic!("{expr}: {e}"));
    body.attributes().next().map(|a| a.expr.clone()).unwrap_or_else(|| panic!("{expr}: no attribute"))
}

fn family(expr: &str) -> &'static str {
    let name = expr.split('(').next().unwrap_or_default();
    let in_family = |f: fn(&str) -> Option<super::Impl>| f(name).is_some();
    if in_family(super::cidr::lookup) {
        "cidr"
    } else if in_family(super::collections::lookup) {
        "collections"
    } else if in_family(super::strings::lookup) {
        "strings"
    } else if in_family(super::numeric::lookup) {
        "numeric"
    } else if in_family(super::encoding::lookup) {
        "encoding"
    } else if in_family(super::types::lookup) {
        "types"
    } else {
        "marks"
    }
}

#[test]
fn every_case_matches_terraform() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/hcl/functions");
    let cases = std::fs::read_to_string(format!("{dir}/cases.txt")).unwrap();
    let golden: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/golden.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut passed: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for expr in cases.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let want = golden.get(expr).unwrap_or_else(|| panic!("{expr}: not in golden.json; run gen.sh"));
        let got = eval(&parse(expr));
        let ok = match (&got, want.get("json"), want.get("error"), want.get("sensitive")) {
            (Ok(v), Some(serde_json::Value::String(json)), _, _) => {
                let text = call("jsonencode", vec![v.clone()]);
                if text.as_ref() == Ok(&Value::string(json.clone())) {
                    true
                } else {
                    failures.push(format!("{expr}: want {json}, got {text:?} from {v:?}"));
                    false
                }
            }
            (Err(_), _, Some(_), _) => true,
            (Ok(Value::Sensitive(_)), _, _, Some(_)) => true,
            _ => {
                failures.push(format!("{expr}: want {want}, got {got:?}"));
                false
            }
        };
        let entry = passed.entry(family(expr)).or_default();
        entry.1 += 1;
        entry.0 += usize::from(ok);
    }
    for (fam, (ok, all)) in &passed {
        println!("{fam}: {ok}/{all} golden cases pass");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_listed_function_has_golden_cases() {
    let cases = include_str!("../../../../testdata/hcl/functions/cases.txt");
    let listed = "cidrsubnet cidrsubnets cidrhost cidrnetmask element length concat merge lookup \
        coalesce coalescelist compact distinct flatten slice range reverse sort chunklist zipmap \
        keys values contains index one alltrue anytrue setproduct setunion setintersection \
        setsubtract transpose format formatlist join split replace trim trimprefix trimsuffix \
        trimspace lower upper title substr startswith endswith min max sum abs ceil floor \
        parseint tolist toset tomap tostring tonumber tobool jsonencode jsondecode regex regexall \
        sensitive nonsensitive";
    for name in listed.split_whitespace() {
        let n = cases.lines().filter(|l| l.starts_with(&format!("{name}("))).count();
        assert!(n >= 3, "{name} has {n} golden cases, want at least 3");
    }
}

fn unknown_ref(r: &str) -> Value {
    Value::Unknown(Box::new(Unknown { not_null: true, refers_to: Some(r.into()), ..Unknown::of(Type::String) }))
}

#[test]
fn unknown_arguments_give_unknown_results_with_what_still_holds() {
    // cidrsubnet of a known prefix and an unknown netnum: a string inside the prefix.
    let got = call("cidrsubnet", vec![Value::string("10.0.0.0/16"), Value::int(8), Value::unknown(Type::Number)]);
    let Ok(Value::Unknown(u)) = got else { panic!("{got:?}") };
    assert_eq!(u.ty, Type::String);
    assert_eq!(u.cidr_within, "10.0.0.0/16".parse().ok());
    // cidrsubnet of an unknown prefix: an unknown string, no range.
    let got = call("cidrsubnet", vec![Value::unknown(Type::String), Value::int(8), Value::int(1)]);
    let Ok(Value::Unknown(u)) = got else { panic!("{got:?}") };
    assert_eq!((u.ty, u.cidr_within), (Type::String, None));
    // length of a known-length list of unknowns is known.
    let ids = Value::Tuple(vec![unknown_ref("aws_subnet.public[0].id"), unknown_ref("aws_subnet.public[1].id")]);
    assert_eq!(call("length", vec![ids.clone()]), Ok(Value::int(2)));
    // element picks the right unknown, wrapping.
    assert_eq!(call("element", vec![ids.clone(), Value::int(3)]), Ok(unknown_ref("aws_subnet.public[1].id")));
    // element with an unknown index is unknown.
    assert!(matches!(call("element", vec![ids.clone(), Value::unknown(Type::Number)]), Ok(Value::Unknown(_))));
    // join over unknown elements is an unknown string, never a fake.
    let got = call("join", vec![Value::string(","), ids]);
    assert!(matches!(&got, Ok(Value::Unknown(u)) if u.ty == Type::String), "{got:?}");
    // length of an unknown list is an unknown number.
    let got = call("length", vec![Value::unknown(Type::List(Box::new(Type::String)))]);
    assert!(matches!(&got, Ok(Value::Unknown(u)) if u.ty == Type::Number), "{got:?}");
}

#[test]
fn marks_flow_through_calls() {
    let secret = call("sensitive", vec![Value::string("10.0.0.0/16")]).unwrap();
    let got = call("cidrsubnet", vec![secret.clone(), Value::int(8), Value::int(1)]);
    assert_eq!(got, Ok(Value::Sensitive(Box::new(Value::string("10.0.1.0/24")))));
    assert_eq!(call("nonsensitive", vec![got.unwrap()]), Ok(Value::string("10.0.1.0/24")));
    let list = Value::Tuple(vec![secret]);
    assert!(matches!(call("length", vec![list]), Ok(Value::Sensitive(_))));
}

#[test]
fn extreme_arguments_are_errors_not_panics() {
    let s = Value::string;
    let big = Value::int(i64::MAX);
    let small = Value::int(i64::MIN);
    let calls = [
        ("cidrsubnet", vec![s("10.0.0.0/16"), big.clone(), Value::int(0)]),
        ("cidrsubnet", vec![s("10.0.0.0/16"), Value::int(8), big.clone()]),
        ("cidrsubnet", vec![s("10.0.0.0/16"), Value::int(8), small.clone()]),
        ("cidrsubnet", vec![s("fd00::/8"), Value::int(120), big.clone()]),
        ("cidrsubnets", vec![s("10.0.0.0/16"), big.clone()]),
        ("cidrhost", vec![s("10.0.0.0/16"), small.clone()]),
        ("cidrhost", vec![s("::/0"), small.clone()]),
        ("substr", vec![s("abc"), small.clone(), big.clone()]),
        ("substr", vec![s("abc"), big.clone(), big.clone()]),
        ("format", vec![s("%99999999999999999999999d"), Value::int(1)]),
        ("range", vec![Value::int(0), big.clone()]),
        ("element", vec![Value::Tuple(vec![s("a")]), big.clone()]),
        ("chunklist", vec![Value::Tuple(vec![s("a")]), big.clone()]),
        ("slice", vec![Value::Tuple(vec![s("a")]), Value::int(0), big.clone()]),
        ("parseint", vec![s("zzzzzzzzzzzzzzzzzzzz"), Value::int(36)]),
        ("abs", vec![small.clone()]),
        ("sum", vec![Value::Tuple(vec![big.clone(), big])]),
    ];
    for (name, args) in calls {
        let _ = call(name, args);
    }
}

#[test]
fn other_functions_are_unsupported_not_a_crash() {
    assert_eq!(call("file", vec![Value::string("x")]), Err(FnError::Unsupported("file".into())));
    assert_eq!(call("try", vec![]), Err(FnError::Unsupported("try".into())));
    assert!(matches!(call("cidrsubnet", vec![]), Err(FnError::Invalid { .. })));
}
