import { registerDecorator, type ValidationError } from 'class-validator';

/** A JSON object input no larger than `maxBytes` once serialized (profiles are stored as jsonb). */
export function JsonObjectSize(maxBytes: number): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'jsonObjectSize',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [maxBytes],
      options: { message: `must be a JSON object of at most ${maxBytes} bytes` },
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          value === null ||
          (typeof value === 'object' &&
            !Array.isArray(value) &&
            Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes),
      },
    });
  };
}

/** class-validator errors as `{ "path.to.field": "first message" }`, the `fields` of BAD_USER_INPUT. */
export function fieldMessages(errors: readonly ValidationError[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const first = Object.values(error.constraints ?? {})[0];
    if (first !== undefined) out[path] = first;
    Object.assign(out, fieldMessages(error.children ?? [], path));
  }
  return out;
}
