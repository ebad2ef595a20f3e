// Validates an OpenAPI 3.1 document and real responses against its schemas.
//
//   node validate.mjs CASES.json
//
// CASES.json: {"openapi": <the document>, "responses": [{"name", "path", "method", "status",
// "type", "body"}, ...]} where path is the document's path template ("/{collection}.json") and
// body the parsed JSON of the response. Prints one JSON object: {"document": {"valid",
// "errors"}, "responses": [{"name", "valid", "errors"}, ...]}; exits 0 when it could check
// (whatever the verdicts), 2 on a usage error.
//
// The document is checked by @seriousme/openapi-schema-validator (the OpenAPI Initiative's
// JSON schema for 3.1); responses by Ajv in JSON Schema 2020-12 mode (OpenAPI 3.1's dialect),
// with the document loaded whole so that its "#/components/..." references resolve.
import { readFileSync } from "node:fs";

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

if (process.argv.length !== 3) {
  console.error("usage: node validate.mjs CASES.json");
  process.exit(2);
}
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const doc = cases.openapi;

const validator = new Validator();
const res = await validator.validate(structuredClone(doc));
const out = {
  document: {
    valid: res.valid && validator.version === "3.1",
    version: validator.version ?? null,
    errors: res.valid ? [] : res.errors,
  },
  responses: [],
};

// The document as one schema resource: its non-schema keys (openapi, paths, ...) are unknown
// keywords to JSON Schema, hence strict: false.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi.json");

function schemaFor(r) {
  const op = doc.paths?.[r.path]?.[r.method ?? "get"];
  if (!op) return { error: `no operation ${r.method ?? "get"} ${r.path} in the document` };
  const resp = op.responses?.[String(r.status)];
  if (!resp) return { error: `no response ${r.status} for ${r.path}` };
  const media = resp.content?.[r.type ?? "application/json"];
  if (!media?.schema) return { error: `no ${r.type} schema for ${r.status} of ${r.path}` };
  // references into the document ("#/components/...") resolve against it
  return { schema: rebase(media.schema) };
}

function rebase(s) {
  if (Array.isArray(s)) return s.map(rebase);
  if (s === null || typeof s !== "object") return s;
  const o = {};
  for (const [k, v] of Object.entries(s))
    o[k] = k === "$ref" && typeof v === "string" && v.startsWith("#") ? `openapi.json${v}` : rebase(v);
  return o;
}

for (const r of cases.responses) {
  const found = schemaFor(r);
  if (found.error) {
    out.responses.push({ name: r.name, valid: false, errors: [found.error] });
    continue;
  }
  let validate;
  try {
    validate = ajv.compile(found.schema);
  } catch (e) {
    out.responses.push({ name: r.name, valid: false, errors: [`cannot compile: ${e.message}`] });
    continue;
  }
  const ok = validate(r.body);
  out.responses.push({
    name: r.name,
    valid: ok,
    errors: ok ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message} (${e.schemaPath})`),
  });
}
console.log(JSON.stringify(out));
