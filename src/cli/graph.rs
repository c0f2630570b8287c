//! `asl-lint graph FILE --format dot|mermaid|svg`: the state graph for docs and
//! reviews, drawn by [`crate::graph::draw`].

use std::io::Write;
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

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// A definition, or a template or Terraform file holding definitions.
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
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn render(args: &GraphArgs) -> Result<Vec<u8>, String> {
    let shown = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let decoded = syntax::decode(&bytes);
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
        crate::embed::deployed_definition(&text, kind, dir, wanted)
    };
    if let Some(deployed) = deployed.map_err(|e| format!("{shown}: {e}"))? {
        kind = syntax::detect_kind(
            deployed.file.as_ref().and_then(|f| f.to_str()),
            &deployed.text,
        );
        text = deployed.text.into();
        wanted = None;
    }
    let document = syntax::parse(&text, kind);
    let drawn =
        draw_document(&text, &document, wanted, format).map_err(|e| format!("{shown}: {e}"))?;
    Ok(drawn.into_bytes())
}
