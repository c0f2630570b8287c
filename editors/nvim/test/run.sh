#!/usr/bin/env bash
# End-to-end test of the Neovim plugin: headless Neovim opens a faulty *.asl.json and a
# main.tf with a faulty heredoc definition with `require('asl_lint').setup{}`, with a
# faulty template.yaml open before setup runs, and must receive the server's diagnostics
# for all three.
# Usage: editors/nvim/test/run.sh   (from anywhere; builds asl-lint unless ASL_LINT is set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

if ! command -v nvim >/dev/null 2>&1; then
  echo "== installing neovim"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y neovim >/dev/null || { apt-get update >/dev/null && apt-get install -y neovim >/dev/null; }
  else
    sudo apt-get install -y neovim >/dev/null || { sudo apt-get update >/dev/null && sudo apt-get install -y neovim >/dev/null; }
  fi
fi
nvim --version | head -1

if [ -z "${ASL_LINT:-}" ]; then
  (cd "$repo" && cargo build --quiet --bin asl-lint)
  ASL_LINT="$repo/target/debug/asl-lint"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/faulty.asl.json" <<'JSON'
{
  "StartAt": "Start",
  "States": {
    "Start": {"Type": "Pass", "Next": "Finsh"},
    "Finish": {"Type": "Succeed"}
  }
}
JSON

cat > "$work/main.tf" <<'TF'
resource "aws_sfn_state_machine" "orders" {
  name       = "orders"
  role_arn   = aws_iam_role.sfn.arn
  definition = <<EOF
{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Pass", "Next": "Shipp"},
    "Ship": {"Type": "Pass", "End": true}
  }
}
EOF
}
TF

# A SAM/CloudFormation template, already open when setup runs (see init.lua).
cat > "$work/template.yaml" <<'YAML'
Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Check
        States:
          Check: {Type: Pass, Next: Shipp}
          Ship: {Type: Pass, End: true}
YAML

cat > "$work/fixable.asl.json" <<'JSON'
{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": "10", "End": true}}}
JSON

cd "$work"
ASL_LINT="$ASL_LINT" ASL_FILE="$work/faulty.asl.json" ASL_TF="$work/main.tf" ASL_FIXABLE="$work/fixable.asl.json" \
  ASL_TEMPLATE="$work/template.yaml" \
  ASL_PLUGIN="$repo/editors/nvim" \
  timeout 60 nvim --headless --clean -u "$here/init.lua"
