/**
 * The one chokepoint every transport goes through: the call name is checked against the
 * contract, the input parsed with its zod schema, errors turned into `{code, message}`.
 */
import { ZodError } from 'zod';
import { API_CALLS, ApiError, type ApiCall, type ApiErrorShape, type WorkbenchApi } from '../../shared/api';
import { isApiCall, parseCallInput } from '../../shared/schemas';
import { EngineError } from '../engine/client';

export async function dispatchCall(service: WorkbenchApi, call: unknown, input: unknown): Promise<unknown> {
  if (!isApiCall(call)) throw new ApiError('invalid-input', `unknown call ${JSON.stringify(call)}`);
  let parsed: unknown;
  try {
    parsed = parseCallInput(call, input ?? {});
  } catch (err) {
    if (err instanceof ZodError) {
      const first = err.issues[0];
      const where = first?.path.length ? first.path.join('.') : 'input';
      throw new ApiError('invalid-input', `${call}: ${where}: ${first?.message ?? 'invalid'}`);
    }
    throw err;
  }
  const fn = service[call as ApiCall] as (arg: unknown) => Promise<unknown>;
  return fn.call(service, parsed);
}

/** What crosses the boundary when a call fails: a stable code and a message, never a stack. */
export function toErrorShape(err: unknown): ApiErrorShape {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof EngineError) return { code: 'failed', message: err.message };
  if (err instanceof Error) return { code: 'failed', message: err.message };
  return { code: 'failed', message: String(err) };
}

export { API_CALLS };
