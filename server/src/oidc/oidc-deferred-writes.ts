import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../shared/logger.js';
import { type ModelWrite, type OidcWriteBatch, rowKey, writeKey } from './oidc-write-batch.js';

/** What one request has saved and consumed so far, written when its answer is ready. */
class DeferredWrites {
  private readonly groups = new Map<OidcWriteBatch, Map<string, ModelWrite>>();

  add(writer: OidcWriteBatch, write: ModelWrite): void {
    let group = this.groups.get(writer);
    if (!group) {
      group = new Map();
      this.groups.set(writer, group);
    }
    const key = writeKey(write);
    const earlier = group.get(key);
    // A later save of a row replaces the earlier one (the later payload wins, as when written at once),
    // and a deletion replaces whatever came before it (the row ends deleted either way). Any other second
    // write of one row would have to be ordered; DEFERRING_ROUTES never make one.
    if (earlier && write.kind !== 'destroy' && (earlier.kind !== 'upsert' || write.kind !== 'upsert')) {
      throw new Error(`one request wrote ${key} twice`);
    }
    group.set(key, write);
  }

  /** This request's last write of the row `key`, if any. */
  last(key: string): ModelWrite | undefined {
    for (const group of this.groups.values()) {
      const write = group.get(key);
      if (write) return write;
    }
    return undefined;
  }

  get empty(): boolean {
    return this.groups.size === 0;
  }

  write(): Promise<unknown> {
    return Promise.all([...this.groups].map(([writer, group]) => writer.write([...group.values()])));
  }
}

const deferred = new WeakMap<object, DeferredWrites>();

/**
 * The oidc-provider routes whose writes wait for the answer: the token endpoint (a consumed code or
 * refresh token, the new access and refresh tokens) and the authorization endpoint with its resume after
 * the hosted pages (the Grant, the authorization code, the Session; or the Interaction). None of them
 * reads what it wrote except through `pendingIn`.
 */
const DEFERRING_ROUTES = new Set(['token', 'authorization', 'resume']);

/**
 * The models whose deletions wait too: the resume's Interaction, and the Session's previous id that a
 * resume deletes when it renews a signed-in session's id. Written with the Grant, code and Session, a
 * failed write leaves both as they were and the browser can simply retry the resume. Other deletions
 * (a spent refresh token's, a revoked grant's) are made at once, as oidc-provider expects.
 */
const DEFERRED_DESTROYS = new Set(['Interaction', 'Session']);

/** How the answer becomes an error when the writes fail (oidc-provider's `renderError` for pages). */
export type WritesFailed = (
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description: string },
  error: Error,
) => Promise<void>;

/**
 * oidc-provider middleware: the writes of a DEFERRING_ROUTES request wait until oidc-provider has built
 * the answer, then go to the database as one statement (oidc-write-batch.ts) before the answer is sent
 * (docs/PERFORMANCE.md): one round trip instead of up to four made one after the other, and all or
 * nothing (a refresh rotation never spends the old token without storing the new one; a code is never
 * redirected to without being stored; a resume never deletes its interaction without issuing the code).
 * If that statement fails the client gets `server_error` (JSON from the token endpoint, the error page
 * from the browser routes), nothing was written, and the answer sets no cookie: the browser keeps the
 * cookies that name the interaction and session it had, so reloading the page retries.
 */
export function deferProtocolWrites(logger: Logger, renderError: WritesFailed) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    const writes = new DeferredWrites();
    deferred.set(ctx, writes);
    try {
      await next();
    } finally {
      deferred.delete(ctx);
    }
    if (writes.empty) return;
    try {
      await writes.write();
    } catch (error) {
      logger.error(
        { err: error, route: ctx.oidc?.route },
        'oidc-provider writes failed: answering server_error',
      );
      const out = { error: 'server_error', error_description: 'oops! something went wrong' };
      ctx.status = 500;
      ctx.remove('Location');
      ctx.remove('Set-Cookie');
      if (ctx.oidc?.route === 'token') ctx.body = out;
      else await renderError(ctx, out, error instanceof Error ? error : new Error(String(error)));
    }
  };
}

/** The writes of `request` when it defers them (DEFERRING_ROUTES), else undefined. */
function deferredFor(request: object | undefined): DeferredWrites | undefined {
  const writes = request ? deferred.get(request) : undefined;
  const route = (request as KoaContextWithOIDC | undefined)?.oidc?.route;
  return writes && route && DEFERRING_ROUTES.has(route) ? writes : undefined;
}

/** Defers `write` to the end of `request` when its route defers it, and says whether it did. */
export function deferWrite(request: object | undefined, writer: OidcWriteBatch, write: ModelWrite): boolean {
  if (write.kind === 'destroy' && !DEFERRED_DESTROYS.has(write.key.model)) return false;
  const writes = deferredFor(request);
  writes?.add(writer, write);
  return writes !== undefined;
}

/**
 * What `request` last did to this row and has not written yet, so that it reads its own writes: the
 * payload it saved (a string), `null` when it deleted the row, `undefined` when it did neither.
 */
export function pendingIn(
  request: object | undefined,
  tenantId: string,
  model: string,
  id: string,
): string | null | undefined {
  const write = deferredFor(request)?.last(rowKey({ tenantId, model, id }));
  if (write?.kind === 'upsert') return write.row.payload;
  return write?.kind === 'destroy' ? null : undefined;
}
