//! `asl-lint graph FILE --format dot|mermaid|svg`: the state graph for docs and
//! reviews, drawn by [`crate::graph::draw`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::EXIT_USAGE;
use crate::graph::draw::{Format, draw_document};
use crate::syntax;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// SVG, laid out by asl-lint (no Graphviz needed).
    Svg,
}

#[derive(Clone, Debug, clap::Args)]
pub struct GraphArgs {
    /// A definition, or a template or Terraform file holding definitions (`-`: standard
    /// input).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// In a template with several state machines, the one to draw (its logical id,
    /// `stateMachines.NAME` for the Serverless Framework, `aws_sfn_state_machine.LABEL`
    /// or LABEL for Terraform).
    #[arg(long)]
    pub definition: Option<String>,
}

pub fn run(args: &GraphArgs) -> ExitCode {
    match render(args) {
        Ok(out) if super::write_stdout(&out) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(EXIT_USAGE),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn render(args: &GraphArgs) -> Result<Vec<u8>, String> {
    // A definition file that one template of its project deploys is drawn as deployed,
    // with that state machine's substitutions, as `check` lints it (and `simulate`
    // runs it).
    if args.definition.is_none()
        && let [(template, machine)] = crate::embed::owners::deployers_of(&args.file).as_slice()
    {
        let deployed = GraphArgs {
            file: template.clone(),
            definition: Some(machine.clone()),
            ..args.clone()
        };
        if let Ok(drawn) = render(&deployed) {
            eprintln!(
                "note: drawing \"{machine}\" of {}, which deploys {} (its substitutions applied)",
                crate::files::shown_from_cwd(template),
                args.file.display()
            );
            return Ok(drawn);
        }
    }
    let shown = args.file.display().to_string();
    // `-` is standard input, as for `check`.
    let bytes = if shown == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map(|_| b)
            .map_err(|e| format!("standard input: cannot read: {e}"))?
    } else {
        crate::files::read(&args.file).map_err(|e| format!("{shown}: cannot read: {e}"))?
    };
    let decoded = syntax::decode(&bytes);
    // A binary file, or bytes that are not UTF-8: refused as `check` and `simulate`
    // report them, not drawn with U+FFFD in the names.
    if let Some(e) = &decoded.error {
        return Err(format!("{shown}: {}", e.message));
    }
    if decoded.binary {
        return Err(format!("{shown}: a binary file, not a definition"));
    }
    let format = match args.format {
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Mermaid => Format::Mermaid,
        GraphFormat::Svg => Format::Svg,
    };
    let mut text = decoded.text;
    let mut wanted = args.definition.as_deref();
    let mut kind = syntax::detect_kind(Some(&shown), &text);
    // A template or Terraform file: draw the state machine's definition as it is
    // deployed (a SAM `DefinitionUri` or `templatefile` read, substitutions applied).
    let dir = args.file.parent().unwrap_or(std::path::Path::new(""));
    let deployed = if crate::embed::terraform::is_terraform_path(&shown) {
        crate::embed::deployed_terraform(&text, dir, wanted).map(Some)
    } else {
        // As the simulator reads it: the parameters' defaults and the pseudo parameters
        // filled in, so that a transition a parameter gives (`Next: !Ref Target`) is drawn.
        let pseudo = Some(("us-east-1", "123456789012"));
        crate::embed::deployed_definition_in(&text, kind, dir, wanted, pseudo, &[])
    };
    let mut unclosed = None;
    if let Some(deployed) = deployed.map_err(|e| format!("{shown}: {e}"))? {
        // A heredoc that is never closed runs to the end of the file: Terraform refuses
        // it, and what is drawn is a guess.
        if crate::embed::terraform::is_terraform_path(&shown) {
            unclosed = crate::embed::terraform::unclosed_heredoc(&text, deployed.range).map(
                |(range, message)| {
                    let index = syntax::LineIndex::new(&text);
                    let lc = index.line_col(&text, range.start);
                    format!("{shown}:{}:{}: {message}", lc.line, lc.column)
                },
            );
        }
        if deployed.defaults {
            eprintln!(
                "note: {shown}: drawn with the template parameters' default values (a transition a parameter gives may go elsewhere once deployed)"
            );
        }
        kind = syntax::detect_kind(
            deployed.file.as_ref().and_then(|f| f.to_str()),
            &deployed.text,
        );
        text = deployed.text.into();
        wanted = None;
    } else {
        // A definition on its own: asl-lint.toml's placeholder values filled in.
        let env = crate::config::environment_for(&args.file).map_err(|e| e.to_string())?;
        if let Some(filled) = crate::embed::filled_with_values(&text, kind, &env, Some(&args.file))?
        {
            text = filled.into();
        }
    }
    let document = syntax::parse(&text, kind);
    let drawn =
        draw_document(&text, &document, wanted, format).map_err(|e| format!("{shown}: {e}"))?;
    warn_of_gaps(&shown, &text, &document, format);
    if let Some(unclosed) = unclosed {
        eprintln!(
            "warning: {unclosed}; the drawing takes the definition to run to the end of the file"
        );
    }
    Ok(drawn.into_bytes())
}

/// A drawing of a definition with syntax errors or transitions to no state leaves
/// parts out: says so on standard error (the drawing is still written).
fn warn_of_gaps(shown: &str, text: &str, document: &syntax::Document<'_>, format: Format) {
    // Syntax errors, and (in the SVG, which has no place for them; DOT and Mermaid draw
    // them to a red placeholder) Next / StartAt / Choice / Catch targets that name no
    // state or cross a Parallel or Map boundary.
    const GAPS: [&str; 6] = ["ASL001", "ASL201", "ASL202", "ASL203", "ASL204", "ASL207"];
    let gaps = if format == Format::Svg {
        &GAPS[..]
    } else {
        &GAPS[..1]
    };
    let options = crate::LintOptions {
        select: gaps.iter().map(|c| c.to_string()).collect(),
        skip_fixes: true,
        ..Default::default()
    };
    let found = crate::lint::lint_document(text, document, &options);
    if !found.is_empty() {
        let mut codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        let (n, what) = match found.len() {
            1 => (1, "problem leaves"),
            n => (n, "problems leave"),
        };
        eprintln!(
            "warning: {shown}: {n} {what} parts of the graph out ({}); `asl-lint check {shown}` shows them",
            codes.join(", ")
        );
    }
}
