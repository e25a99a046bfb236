import { z } from 'zod';

/** An ARM error response: `{"error":{"code","message"}}` with an HTTP status and optional extra headers. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: ReadonlyArray<{ code: string; message: string }>,
  ) {
    super(message);
    this.name = 'ArmError';
  }

  toBody(): { error: { code: string; message: string; details?: Array<{ code: string; message: string }> } } {
    const error: { code: string; message: string; details?: Array<{ code: string; message: string }> } = {
      code: this.code,
      message: this.message,
    };
    if (this.details) error.details = [...this.details];
    return { error };
  }
}

export function resourceNotFound(type: string, name: string, resourceGroup?: string): ArmError {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : '';
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}'${where} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function parentResourceNotFound(parentType: string, parentName: string): ArmError {
  return new ArmError(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' of type '${parentType}' not found.`,
  );
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(
    404,
    'SubscriptionNotFound',
    `The subscription '${subscriptionId}' could not be found.`,
  );
}

export function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message);
}

export function preconditionFailed(message: string): ArmError {
  return new ArmError(412, 'PreconditionFailed', message);
}

/**
 * `value` parsed with `schema`; when it does not fit, a 400 `code` whose message is `context: ` and what zod found
 * wrong (request bodies, seeds and control-API bodies all report this way).
 */
export function parseOrBadRequest<T>(schema: z.ZodType<T>, value: unknown, code: string, context: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(code, `${context}: ${z.prettifyError(result.error)}`);
  return result.data;
}
