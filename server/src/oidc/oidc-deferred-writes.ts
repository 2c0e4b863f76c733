import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../shared/logger.js';
import type { ModelWrite, OidcWriteBatch } from './oidc-write-batch.js';

/** What one token request has saved and consumed so far, written when its answer is ready. */
class DeferredWrites {
  private readonly groups = new Map<OidcWriteBatch, Map<string, ModelWrite>>();

  add(writer: OidcWriteBatch, write: ModelWrite): void {
    let group = this.groups.get(writer);
    if (!group) {
      group = new Map();
      this.groups.set(writer, group);
    }
    const key = keyOf(write);
    const earlier = group.get(key);
    // A later save of a row replaces the earlier one (the later payload wins, as when written at once).
    // Any other second write of one row would have to be ordered; the token endpoint never makes one.
    if (earlier && (earlier.kind !== 'upsert' || write.kind !== 'upsert')) {
      throw new Error(`a token request wrote ${key} twice`);
    }
    group.set(key, write);
  }

  saved(key: string): ModelWrite | undefined {
    for (const group of this.groups.values()) {
      const write = group.get(key);
      if (write?.kind === 'upsert') return write;
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
const keyOf = (write: ModelWrite) => {
  const { tenantId, model, id } = write.kind === 'upsert' ? write.row : write.key;
  return `${tenantId} ${model} ${id}`;
};

/**
 * oidc-provider middleware: the token endpoint's writes — a consumed code or refresh token, the new
 * access and refresh tokens — wait until oidc-provider has built the answer, then go to the database as
 * one statement (oidc-write-batch.ts) before the answer is sent (docs/PERFORMANCE.md): one round trip
 * instead of up to three made one after the other, and a rotation is all or nothing (the old refresh
 * token is never spent without the new one stored). If that statement fails the client gets
 * `server_error` and no token.
 */
export function deferTokenEndpointWrites(logger: Logger) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method !== 'POST') return next();
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
        'token endpoint writes failed: answering server_error',
      );
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'oops! something went wrong' };
    }
  };
}

/** The writes of `request` when it defers them (a token request), else undefined. */
function deferredFor(request: object | undefined): DeferredWrites | undefined {
  const writes = request ? deferred.get(request) : undefined;
  return writes && (request as KoaContextWithOIDC).oidc?.route === 'token' ? writes : undefined;
}

/** Defers `write` to the end of `request` when it is a token request, and says whether it did. */
export function deferWrite(request: object | undefined, writer: OidcWriteBatch, write: ModelWrite): boolean {
  const writes = deferredFor(request);
  writes?.add(writer, write);
  return writes !== undefined;
}

/** The payload `request` saved for this row and has not written yet: a request reads its own saves. */
export function savedIn(
  request: object | undefined,
  tenantId: string,
  model: string,
  id: string,
): string | undefined {
  const write = deferredFor(request)?.saved(`${tenantId} ${model} ${id}`);
  return write?.kind === 'upsert' ? write.row.payload : undefined;
}
