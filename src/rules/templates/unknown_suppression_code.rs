use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a code in an `asl-lint: ignore[...]` directive that names no rule (by
    /// code, such as `ASL201`, or by name, such as `unknown-next-state`).
    ///
    /// ## Why is this bad?
    /// The directive suppresses nothing for that code: usually a typo (`ASL2O1`) that
    /// leaves the finding it was meant to silence in place.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed", "Comment": "asl-lint: ignore[ASL2O1]"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL805",
        name: "unknown-suppression-code",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
