// Copies the repository's ASL JSON Schema (schemas/asl.schema.json) into the extension so
// that it is packaged with it. When the schema is absent (a checkout without it), a
// permissive placeholder keeps the contribution valid and a warning says so.
const fs = require("fs");
const path = require("path");

const source = path.join(__dirname, "..", "..", "..", "schemas", "asl.schema.json");
const targetDir = path.join(__dirname, "..", "schemas");
const target = path.join(targetDir, "asl.schema.json");
fs.mkdirSync(targetDir, { recursive: true });
if (fs.existsSync(source)) {
  fs.copyFileSync(source, target);
} else {
  console.warn(`warning: ${source} not found; packaging a permissive placeholder schema`);
  fs.writeFileSync(
    target,
    JSON.stringify(
      {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: "Amazon States Language (placeholder: schemas/asl.schema.json was missing)",
        type: "object",
      },
      null,
      2
    ) + "\n"
  );
}
