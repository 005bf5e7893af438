// Input parsing at the function's trust boundary: zod, with the first failing field named in the message.
import { z } from 'npm:zod@4';
import { HttpError } from './http.ts';

export function parseInput<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field =
    issue?.code === 'unrecognized_keys'
      ? [...issue.path, issue.keys.join(', ')].join('.')
      : issue && issue.path.length > 0
        ? issue.path.join('.')
        : 'body';
  throw new HttpError(400, 'invalid_input', `${field}: ${issue?.message ?? 'invalid'}`);
}

export const UserId = z.uuid();
