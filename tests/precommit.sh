#!/usr/bin/env bash
# Checks .pre-commit-hooks.yaml with pre-commit itself (from PyPI): the hook builds
# asl-lint from this checkout (language: rust), passes on a clean definition and fails
# on one with mistakes. Needs python3, git and cargo, and a git checkout. Run:
#   bash tests/precommit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
export PRE_COMMIT_HOME="$work/cache"
pc="$work/venv/bin/pre-commit"

# One snapshot of the checkout (committed or not) as a git repository, named with
# its revision in a pre-commit config: the three runs below then share one hook
# environment in PRE_COMMIT_HOME, so asl-lint is built (release) once. (`try-repo`
# would build it again for every run: it uses a fresh store each time.)
src="$work/src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$src"
git -C "$src" init --quiet
git -C "$src" add -A
git -C "$src" -c user.name=ci -c user.email=ci@localhost commit --quiet -m snapshot
rev="$(git -C "$src" rev-parse HEAD)"
cat >"$work/config.yaml" <<YAML
repos:
  - repo: $src
    rev: $rev
    hooks:
      - id: asl-lint
      - id: asl-lint-templates
YAML
try() { "$pc" run --config "$work/config.yaml" "$@"; }

echo "== clean definition: the hook must pass"
try asl-lint --files examples/support-ticket.asl.json

echo "== definition with mistakes: the hook must fail"
if try asl-lint --files examples/order-with-mistakes.asl.json >"$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  echo "FAIL: the hook passed on examples/order-with-mistakes.asl.json" >&2
  exit 1
fi
grep -q "ASL201" "$work/out.txt" || { cat "$work/out.txt"; echo "FAIL: ASL201 not reported" >&2; exit 1; }

echo "== template hook on a SAM template with a missing DefinitionUri file: must fail"
if try asl-lint-templates --files tests/fixtures/ci/sam/template.json >"$work/out2.txt" 2>&1; then
  cat "$work/out2.txt"
  echo "FAIL: the template hook passed" >&2
  exit 1
fi
grep -q "ASL802" "$work/out2.txt" || { cat "$work/out2.txt"; echo "FAIL: ASL802 not reported" >&2; exit 1; }
echo "pre-commit hooks OK"
