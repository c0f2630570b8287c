use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an `asl-lint: ignore[...]` directive (a YAML comment, or the `Comment`
    /// field of a JSON state) that suppresses nothing: the code it names reports nothing
    /// where it applies. Codes of rules that are not enabled are not reported.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule at that place, and
    /// misleads readers about the definition.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed", "Comment": "asl-lint: ignore[ASL201]"}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL804",
        name: "unused-suppression",
        severity: Info,
        aws_code: None,
        fix: None,
        check: super::reported_by_reader,
    }
}
