//! 8xx: definitions inside templates, deploy-time placeholders and suppressions.
//!
//! These findings come from reading the file around a definition (a CloudFormation or
//! SAM template, a suppression comment), not from the definition's model, so they are
//! produced by `crate::embed` and `crate::suppress`; the rules here carry their code,
//! severity and documentation, and `select`/`ignore` apply to them as to any rule.
pub mod intrinsic_in_definition_file;
pub mod invalid_definition_string;
pub mod missing_definition_file;
pub mod undefined_template_reference;
pub mod unfilled_placeholder;
pub mod unknown_intrinsic_function;
pub mod unknown_suppression_code;
pub mod unreadable_definition;
pub mod unresolved_placeholder;
pub mod unused_suppression;
pub mod yaml_alias_in_template;

use crate::rules::{LintContext, Sink};

/// The check of a rule whose findings are produced outside the rule pass (see the
/// module docs): nothing to do on the model.
pub(super) fn reported_by_reader(_ctx: &LintContext<'_, '_>, _sink: &mut Sink<'_>) {}
