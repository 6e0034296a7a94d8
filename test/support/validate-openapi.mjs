// Runs @seriousme/openapi-schema-validator (an ES module, which the CommonJS jest runtime cannot load) for the OpenAPI test:
// the document as JSON on standard input; {valid, version, errors, refsResolve} on standard output.
import { Validator } from '@seriousme/openapi-schema-validator';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const validator = new Validator();
const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
let refsResolve = true;
let refError = null;
try {
  // Every $ref of the document must point at something it holds.
  validator.resolveRefs();
} catch (error) {
  refsResolve = false;
  refError = String(error instanceof Error ? error.message : error);
}
process.stdout.write(
  JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null, refsResolve, refError }),
);
