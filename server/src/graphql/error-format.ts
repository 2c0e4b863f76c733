import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { type AppError, isAppError } from '../shared/errors.js';
import type { GraphqlContext } from './context.js';
import { fieldMessages } from './validation.js';

/**
 * One error model (STYLE.md §4; SECURITY.md 38): every GraphQL error carries a stable UPPER_SNAKE
 * `extensions.code`, input errors name their fields in `extensions.fields`, and nothing leaks a stack
 * or an internal message. AppErrors map by HTTP status, so HTTP and GraphQL agree.
 */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Codes of the GraphQL domain that keep their own name. */
const OWN_CODES = new Set(['page_size_exceeded', 'query_too_deep', 'query_too_costly', 'too_many_aliases']);

/** Input errors of other domains, and the input field each is about. */
const FIELD_OF_CODE: Record<string, string> = {
  invalid_email: 'email',
  email_taken: 'email',
  invalid_phone: 'phone',
  phone_taken: 'phone',
  username_taken: 'username',
  invalid_slug: 'slug',
  tenant_slug_reserved: 'slug',
  slug_taken: 'slug',
};

const INTERNAL = { message: 'Something went wrong on our side.', code: 'INTERNAL_SERVER_ERROR' };

export function graphqlCodeOf(error: AppError): string {
  if (OWN_CODES.has(error.code)) return error.code.toUpperCase();
  return CODE_BY_STATUS[error.status] ?? (error.status >= 500 ? INTERNAL.code : 'BAD_REQUEST');
}

/** The error a resolver, a plugin or the context threw, under graphql-js's and Apollo's wrappers. */
export function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/** Whether an error is one we did not expect (a bug or an outage): logged with its stack, shown as internal. */
export function isUnexpected(error: unknown): boolean {
  const original = originalOf(error);
  if (isAppError(original)) return original.status >= 500;
  if (original instanceof ArgumentValidationError) return false;
  // Apollo's request errors carry a code on the outer error; graphql-js's execution errors none.
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  return code === undefined || code === INTERNAL.code;
}

/** Apollo's `formatError`. */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  const original = originalOf(error);
  if (isAppError(original)) {
    if (original.status >= 500 && original.status !== 503) return internalError(where);
    return { message: original.message, ...where, extensions: appErrorExtensions(original) };
  }
  if (original instanceof ArgumentValidationError) {
    const errors = (original.extensions.validationErrors ?? []) as Parameters<typeof fieldMessages>[0];
    const fields = fieldMessages(errors);
    return { message: 'The input is not valid.', ...where, extensions: { code: 'BAD_USER_INPUT', fields } };
  }
  // Apollo's own request errors (parse, validation, CSRF, batching) carry their code and a safe message.
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== INTERNAL.code) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code } };
  }
  return internalError(where);
}

function appErrorExtensions(error: AppError): Record<string, unknown> {
  const { fields, ...details } = error.details ?? {};
  const field = FIELD_OF_CODE[error.code];
  const fieldMap =
    (fields as Record<string, string> | undefined) ?? (field ? { [field]: error.message } : undefined);
  return {
    code: graphqlCodeOf(error),
    reason: error.code,
    ...(fieldMap ? { fields: fieldMap } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

function internalError(where: Pick<GraphQLFormattedError, 'locations' | 'path'>): GraphQLFormattedError {
  return { message: INTERNAL.message, ...where, extensions: { code: INTERNAL.code } };
}

/**
 * An error of context creation (the principal) as Apollo should send it: with its HTTP status, and
 * `WWW-Authenticate` when the credentials were refused (RFC 6750 §3).
 */
export function contextError(error: unknown): GraphQLError {
  const status = isAppError(error) ? error.status : 500;
  const headers = new HeaderMap();
  if (status === 401) headers.set('www-authenticate', 'Bearer error="invalid_token"');
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, {
    originalError: error instanceof Error ? error : undefined,
    extensions: { http: { status, headers } },
  });
}

/** Logs unexpected errors with their stack (STYLE.md §6) and adds the request id to every error. */
export function errorReportingPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = originalOf(error);
            if (isUnexpected(error)) contextValue.log.error({ err: original }, 'graphql request failed');
            else contextValue.log.debug({ code: (original as { code?: string }).code }, error.message);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const requestId = contextValue.request.id;
          if (result.errors)
            result.errors = result.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId } }));
        },
      };
    },
  };
}
