import 'reflect-metadata';
import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { GraphqlErrors } from './graphql.errors.js';

/** Relay connections (https://relay.dev/graphql/connections.htm), forward paging only. */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a connection starts and ends.' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Always false: connections page forward only.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionOf<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** The `XConnection` and `XEdge` object types of a node type. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String, { description: 'Opaque: pass it as `after` to get the items that follow.' })
    cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionType;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `At most ${MAX_PAGE_SIZE}; null means ${DEFAULT_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Min(0, { message: 'must be at least 0' })
  @Max(MAX_PAGE_SIZE, { message: `must be at most ${MAX_PAGE_SIZE}` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

/** The page size asked for (`first`), defaulted. */
export const pageSizeOf = (page: PageArgs): number => page.first ?? DEFAULT_PAGE_SIZE;

/** A position in a keyset order: the row's creation time in microseconds since the epoch, then its id. */
export interface KeysetPosition {
  micros: bigint;
  id: string;
}

const CURSOR_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;
const MICROS = /^\d{1,17}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An opaque cursor: base64url of a small JSON naming the connection it belongs to. */
export function encodeCursor(kind: string, position: KeysetPosition): string {
  const json = JSON.stringify({ k: kind, t: position.micros.toString(), i: position.id });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads a cursor of connection `kind` back into typed values, refusing anything this API did not
 * issue: the cursor never reaches SQL as text, only the validated number and uuid it holds.
 */
export function decodeCursor(kind: string, cursor: string): KeysetPosition {
  if (!CURSOR_SHAPE.test(cursor)) throw GraphqlErrors.invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw GraphqlErrors.invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw GraphqlErrors.invalidCursor();
  const { k, t, i, ...rest } = parsed as Record<string, unknown>;
  const valid =
    Object.keys(rest).length === 0 &&
    k === kind &&
    typeof t === 'string' &&
    MICROS.test(t) &&
    typeof i === 'string' &&
    UUID.test(i);
  if (!valid) throw GraphqlErrors.invalidCursor();
  return { micros: BigInt(t as string), id: i as string };
}

export const decodeAfter = (kind: string, after: string | null | undefined): KeysetPosition | undefined =>
  after === undefined || after === null ? undefined : decodeCursor(kind, after);

export const microsOf = (date: Date): bigint => BigInt(date.getTime()) * 1000n;

/** A node at its place in a keyset order. */
export interface Positioned<T> {
  node: T;
  position: KeysetPosition;
}

/** A connection from one page of rows, fetched with one extra row to know whether more follow. */
export function connectionOf<T>(
  kind: string,
  rows: Positioned<T>[],
  first: number,
  hasNextPage = rows.length > first,
): ConnectionOf<T> {
  const edges = rows
    .slice(0, first)
    .map(({ node, position }) => ({ cursor: encodeCursor(kind, position), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** SQL: a row's creation time in microseconds since the epoch, as text (exact, unlike a JS Date). */
export const sqlMicros = (column: string): string =>
  `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/** SQL: the timestamp of a microseconds parameter (`$n`) of a decoded cursor. */
export const sqlTimestamp = (parameter: string): string =>
  `(timestamptz 'epoch' + ${parameter}::bigint * interval '1 microsecond')`;
