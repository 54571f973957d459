//! Examples in the document: `example` and `examples` on schemas (3.1: an array of
//! values), media types and parameters (a map of Example objects). Each is recorded with
//! the type its site has, so that a report can decode and re-encode it through that
//! type; with the `examples` feature each is also checked against its schema by an
//! independent JSON Schema validator, and an example that contradicts its own schema is
//! a warning.

use serde_json::Value;

use super::Lowerer;
#[cfg(feature = "examples")]
use super::validate;
use crate::ir::*;
use crate::load::{Loc, Member};

/// An example found, before it is checked.
pub(super) struct Site {
    /// Where the example value is.
    pub value: Loc,
    /// The schema it should match, when there is one (read by the validator).
    #[cfg_attr(not(feature = "examples"), allow(dead_code))]
    pub schema: Option<Loc>,
    pub ty: TypeRef,
}

impl Lowerer<'_> {
    /// The examples of a schema (`example`, and 3.1's `examples` array).
    pub(super) fn schema_examples(&mut self, loc: &Loc, ty: &TypeRef) {
        let Some(Value::Object(map)) = self.sources.get(loc) else {
            return;
        };
        if !(map.contains_key("example") || map.contains_key("examples"))
            || !self.examples_seen.insert(loc.clone())
        {
            return;
        }
        let mut found = Vec::new();
        if map.contains_key("example") {
            found.push(loc.child("example"));
        }
        if let Some(Value::Array(values)) = map.member("examples") {
            found.extend((0..values.len()).map(|i| loc.child("examples").index(i)));
        }
        for value in found {
            self.example_sites.push(Site {
                value,
                schema: Some(loc.clone()),
                ty: ty.clone(),
            });
        }
    }

    /// The examples of a media type or parameter object at `holder` (`example`, and an
    /// `examples` map of Example objects), whose values have the type `ty`.
    pub(super) fn holder_examples(&mut self, holder: &Loc, schema: Option<&Loc>, ty: &TypeRef) {
        let Some(Value::Object(map)) = self.sources.get(holder) else {
            return;
        };
        let mut found = Vec::new();
        if map.contains_key("example") {
            found.push(holder.child("example"));
        }
        if let Some(Value::Object(examples)) = map.member("examples") {
            for name in examples.keys() {
                let example = self.follow_or_report(&holder.child("examples").child(name));
                match self.sources.get(&example) {
                    Some(Value::Object(object)) if object.contains_key("value") => {
                        found.push(example.child("value"));
                    }
                    // `externalValue` names a file or URL: never read.
                    _ => {}
                }
            }
        }
        for value in found {
            self.example_sites.push(Site {
                value,
                schema: schema.cloned(),
                ty: ty.clone(),
            });
        }
    }

    /// The recorded examples, checked against their schemas where the validator is built in.
    pub(super) fn examples(&mut self) -> Vec<Example> {
        let sites = std::mem::take(&mut self.example_sites);
        let verdicts = self.validate(&sites);
        sites
            .into_iter()
            .zip(verdicts)
            .filter_map(|(site, valid)| {
                let value = self.sources.get(&site.value)?.clone();
                Some(Example {
                    origin: self.origin(&site.value),
                    value,
                    ty: site.ty,
                    valid,
                })
            })
            .collect()
    }

    #[cfg(feature = "examples")]
    fn validate(&mut self, sites: &[Site]) -> Vec<Option<bool>> {
        if sites.iter().all(|site| site.schema.is_none()) {
            // No validator for nothing to check.
            return vec![None; sites.len()];
        }
        let sources = self.sources;
        let checked: Vec<(usize, (&Loc, &Value))> = sites
            .iter()
            .enumerate()
            .filter_map(|(index, site)| {
                Some((index, (site.schema.as_ref()?, sources.get(&site.value)?)))
            })
            .collect();
        // The values their schemas plainly accept need no validator, nor the trees
        // it reads (Box: two thirds of them).
        let mut plainly = validate::Plain::new(sources, validate::is_openapi_3_0(sources));
        let plain: Vec<bool> = checked
            .iter()
            .map(|&(_, (schema, value))| plainly.accepts(schema, value))
            .collect();
        let pairs: Vec<(&Loc, &Value)> = checked
            .iter()
            .zip(&plain)
            .filter(|&(_, &plain)| !plain)
            .map(|(&(_, pair), _)| pair)
            .collect();
        let trees = validate::Trees::new(sources, &pairs);
        let checker = validate::Checker::new(sources, &trees);
        let values: Vec<&Value> = pairs.iter().map(|&(_, value)| value).collect();
        let mut checked_outcomes = checker.check_all(&values).into_iter();
        let outcomes = plain.iter().map(|&plain| match plain {
            true => checker.plain_verdict(),
            false => checked_outcomes.next().unwrap_or(Ok(())),
        });
        let mut verdicts = vec![None; sites.len()];
        for ((index, _), outcome) in checked.iter().zip(outcomes) {
            let at = &sites[*index].value;
            verdicts[*index] = match outcome {
                Ok(()) => Some(true),
                Err(validate::Failure::Invalid(why)) => {
                    self.warning(at, format!("this example does not match its schema: {why}"));
                    Some(false)
                }
                Err(validate::Failure::Unreadable(why)) => {
                    self.warning(at, format!("this example could not be checked: the validator cannot read its schema ({why})"));
                    None
                }
            };
        }
        verdicts
    }

    #[cfg(not(feature = "examples"))]
    fn validate(&mut self, sites: &[Site]) -> Vec<Option<bool>> {
        vec![None; sites.len()]
    }
}
