/**
 * Small pieces every HTTP trigger shares: bounded body reading (413 before parsing), zod issues turned into
 * field-level errors (400), and one error body shape: `{ error: { code, message, fields? } }`.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { displayText } from '../core/safeText';

export interface FieldError {
  /** Dotted path of the offending field (`scope.subscriptionIds.0`), `(body)` for the body itself. */
  readonly field: string;
  readonly message: string;
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  return { status, jsonBody: { error: { code, message, ...extra } } };
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

export function badRequest(message: string, fields: FieldError[] = []): HttpResponseInit {
  return errorResponse(400, 'InvalidRequest', message, fields.length > 0 ? { fields } : {});
}

export type RawBody =
  | { readonly ok: true; readonly text: string; readonly bytes: Buffer }
  | { readonly ok: false; readonly response: HttpResponseInit };

/**
 * Reads the body as text, refusing more than `maxBytes` (by `Content-Length` first, then by what arrived).
 */
export async function readBoundedBody(request: HttpRequest, maxBytes: number): Promise<RawBody> {
  const tooLarge = (): RawBody => ({
    ok: false,
    response: errorResponse(413, 'PayloadTooLarge', `The request body is larger than ${maxBytes} bytes.`),
  });
  const declared = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) return tooLarge();
  return { ok: true, text: bytes.toString('utf8'), bytes };
}

/** Parses JSON text; a syntax error becomes a 400 naming the body. */
export function parseJsonText(
  text: string,
):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly response: HttpResponseInit } {
  if (text.trim() === '') {
    return {
      ok: false,
      response: badRequest('The request body must be a JSON object.', [
        { field: '(body)', message: 'is empty' },
      ]),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      response: badRequest('The request body is not valid JSON.', [
        // The parser's message quotes a piece of the input: bounded and escaped like every echo of input.
        { field: '(body)', message: error instanceof Error ? displayText(error.message) : 'invalid JSON' },
      ]),
    };
  }
}
