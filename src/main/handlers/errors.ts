// Turns what the core throws into the contract's {code, message}. The core's CoreError already carries a code
// from the same list and a sentence meant for people ("Only an admin can change this entry."); a ZodError from
// the core's own entry validation names the field and rule, never the value. Anything else is left to
// dispatch(), which answers with the generic "internal" message and reports the error.
import { ZodError } from 'zod';
import { CoreError } from '../../core';
import { KeyroomError } from '../../shared/errors';

export function toKeyroomError(error: unknown): unknown {
  if (error instanceof KeyroomError) return error;
  if (error instanceof CoreError) return new KeyroomError(error.code, error.message);
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return new KeyroomError('invalid_request', `${where}${issue?.message ?? 'not valid'}`.slice(0, 500));
  }
  return error;
}

// Wraps one handler so its failures come out as KeyroomError.
export function mapped<A extends unknown[], R>(
  fn: (...args: A) => Promise<R> | R,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw toKeyroomError(error);
    }
  };
}
