// Helpers that tie a response zod schema to its TypeScript response type, so the OpenAPI document cannot drift from the contract.
import { z } from 'zod';

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/**
 * Every required key of T, each schema's output assignable to T's field; a key T lacks is refused. An optional field of T may be
 * left out (a part adding one does not break the build), but a required one may not: the document would promise less than it gets.
 */
type ShapeOf<T> = { [K in RequiredKeys<T> as K]-?: z.ZodType<T[K]> } & { [K in Exclude<keyof T, RequiredKeys<T>> as K]?: z.ZodType<T[K]> };
type NoExtraKeys<S, T> = { [K in Exclude<keyof S, keyof T>]: never };

/**
 * `responseObject<Pump>()({ ...one schema per field })`: the compiler checks that every required field of the response type has its schema
 * and that each schema's output fits the field, so the generated JSON Schema describes what the server really answers.
 */
export const responseObject =
  <T>() =>
  <S extends ShapeOf<T> & NoExtraKeys<S, T>>(shape: S) =>
    z.object(shape);

/**
 * A part of a response documented by its description only (a deep structure of the domain, e.g. a telemetry status): typed as
 * T for the compiler, `{ description }` in the document.
 */
export const described = <T>(description: string) => z.custom<T>(() => true).describe(description);

/** A string literal union as a zod enum (the compiler checks the values against the union). */
export const oneOf = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values as [T, ...T[]]);
