use super::FileReport;
use crate::syntax::LineIndex;

pub fn render(files: &[FileReport]) -> String {
    let mut out = String::new();
    for file in files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            let at = index.line_col(&file.text, d.range.start);
            out.push_str(&format!(
                "{}:{}:{}: {} [{}] {}\n",
                file.path,
                at.line,
                at.column,
                d.code,
                d.severity.as_str(),
                d.message
            ));
        }
    }
    out.push_str(&super::summary(files));
    out.push('\n');
    out
}
