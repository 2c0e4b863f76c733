import type { EntityManager } from 'typeorm';
import { User } from './user.entity.js';

interface UserSearchFilter {
  status?: 'active' | 'blocked';
  organizationId?: string;
  /** Exclusive bounds on created_at. */
  createdAfter?: Date;
  createdBefore?: Date;
}

interface UserSearchOptions {
  query?: string;
  filter?: UserSearchFilter;
  first: number;
  /** The last user of the previous page, decoded from its cursor by the caller. */
  after?: { createdAt: Date; id: string };
}

/** Below this many characters a query matches prefixes only: a trigram needs three. */
const SUBSTRING_FROM = 3;

/**
 * Users the first walk in created order reads per row of the page: enough to fill a page when one user
 * in WALK_PER_ROW matches.
 */
const WALK_PER_ROW = 1000;

/**
 * A query searched across the whole tenant first walks this many users: when none of them matches, the
 * query likely matches fewer than one user in this many, and its matches are collected at once (a
 * query that matches nobody, a typo, took 7–15 ms instead of 19–25 on the benchmark's slow VM).
 */
const PROBE_WALK = 2_000;

/**
 * The longest walk; past it, the matches are collected through the column indexes. A substring without
 * three letters or digits in a row ('o ja', 'q_z') has only word-boundary trigrams, which most rows
 * contain, so that collecting its matches reads much of the table: it may walk longer.
 */
const WALK_MAX = 100_000;
const WALK_MAX_WITHOUT_TRIGRAMS = 400_000;

/** Below this many members, an organization's users are collected through its memberships. */
const SMALL_ORGANIZATION = 2000;

/**
 * What collecting one match through the column indexes costs, in users walked: about 8.5 µs a match
 * against 0.6 µs a walked user on the benchmark (`npm run bench:search`; 3,615 matches of 'uyen'
 * collected in 31 ms, 100,000 users walked in 61 ms).
 */
const COLLECT_COST_IN_WALKED_USERS = 14;

type SearchColumn = 'email_normalized' | 'search_name' | 'phone';

/** One search as SQL fragments on `users u`, with the values of their named parameters. */
interface Search {
  parameters: Record<string, unknown>;
  /** What the walk reads: the tenant, the status, the creation time, after the cursor. */
  ranges: string[];
  /** One LIKE per searched column, any of which may match; none without a query. */
  matches: string[];
  organizationId: string | undefined;
  walkMax: number;
  /** A status or a time range narrows what the walk reads (the cursor alone does not). */
  narrowed: boolean;
  /**
   * Whether the share of walked users that matched is the query's share among all users of the tenant:
   * not when a status or an organization must match too, which collecting tests only after reading
   * every user the query matches.
   */
  hitsAreMatches: boolean;
}

/**
 * The users of a tenant in a stable order — (created_at, id) ascending — matching `query` and `filter`,
 * one page of `first` after the cursor position `after`.
 *
 * `query` (trimmed, lowercased) matches the e-mail, the name and the phone number: by prefix when it is
 * one or two characters long, by substring from three (which includes prefixes). The phone is only
 * searched for a query that looks like a number; its digits are compared, and a leading `+` anchors them
 * to the start. LIKE's `%`, `_` and `\` in the query are literal.
 *
 * Which plan is fast depends on how many users match, and the planner's estimates for LIKE patterns are
 * too rough to tell (25 times too low for a two-letter name prefix on the benchmark), so the plans are
 * tried in turn, each bounded:
 *
 * 1. Walk users_created_idx from the cursor, in order — an index-only scan: the index includes the
 *    searched columns — testing each user, until the page is full or WALK_PER_ROW users per row of the
 *    page were read. Fast when many match: a one-letter prefix matches about one user in twenty. A
 *    query over the whole tenant walks PROBE_WALK users first, and collects (3.) if none matched.
 * 2. If the walk stopped short of a full page: done when it read the whole range; when the range is
 *    shorter than WALK_MAX, walk all of it (at once when a status or a time range narrows it); when
 *    some matched at a rate that fills a page within WALK_MAX, walk on — unless collecting the matches
 *    that rate predicts costs less.
 * 3. Otherwise few users match: collect them all through each column's prefix btree or trigram GIN
 *    index, and sort them. A small organization's members are collected at once, instead of walking.
 */
export async function searchUsers(
  manager: EntityManager,
  tenantId: string,
  options: UserSearchOptions,
): Promise<{ users: User[]; hasNextPage: boolean }> {
  const { first, filter = {} } = options;
  if (!Number.isInteger(first) || first < 0) throw new RangeError(`first must be an integer ≥ 0: ${first}`);
  const limit = first + 1;
  const parameters: Record<string, unknown> = {
    tenantId,
    limit,
    smallOrganization: SMALL_ORGANIZATION,
  };
  if (filter.organizationId !== undefined) parameters.organizationId = filter.organizationId;
  const search: Search = {
    parameters,
    ranges: rangeConditions(options, parameters),
    matches: matchConditions(options.query, parameters),
    organizationId: filter.organizationId,
    walkMax: hasTrigrams(options.query) ? WALK_MAX : WALK_MAX_WITHOUT_TRIGRAMS,
    narrowed:
      filter.status !== undefined || filter.createdAfter !== undefined || filter.createdBefore !== undefined,
    hitsAreMatches: filter.status === undefined && filter.organizationId === undefined,
  };
  const users = await findPage(manager, search, limit);
  return { users: users.slice(0, first), hasNextPage: users.length > first };
}

async function findPage(manager: EntityManager, search: Search, limit: number): Promise<User[]> {
  const { parameters, walkMax } = search;
  if (search.organizationId !== undefined && (await organizationIsSmall(manager, search))) {
    return loadPage(manager, membersSql(search), parameters);
  }
  const walk = (budget: number) => loadPage(manager, walkSql(search), { ...parameters, budget });
  let budget = Math.min(limit * WALK_PER_ROW, walkMax);
  let rangeEstimate: number | undefined;
  // A status or a time range short enough is walked whole at once when not every user in it matches: a
  // sparse query would otherwise walk its start twice, and count it twice. (A walk stops at a full page,
  // so a common query costs the same.)
  const everyoneMatches = search.matches.length === 0 && search.organizationId === undefined;
  if (search.narrowed && !everyoneMatches && budget < WALK_MAX) {
    rangeEstimate = await estimatedRangeSize(manager, search);
    if (rangeEstimate < WALK_MAX) budget = WALK_MAX;
  }
  if (search.hitsAreMatches && !search.narrowed && !everyoneMatches && budget > PROBE_WALK) {
    const probed = await walk(PROBE_WALK);
    if (probed.length === limit || (await rangeSize(manager, search, PROBE_WALK)) < PROBE_WALK) return probed;
    if (probed.length === 0) return loadPage(manager, collectSql(search), parameters);
  }
  const walked = await walk(budget);
  if (walked.length === limit || (await rangeSize(manager, search, budget)) < budget) return walked;
  // The range goes on past the walk. A short one (a mid-sized tenant) is walked whole.
  if (budget < WALK_MAX) {
    rangeEstimate ??= await estimatedRangeSize(manager, search);
    if (rangeEstimate < WALK_MAX) {
      const all = await walk(WALK_MAX);
      if (all.length === limit || (await rangeSize(manager, search, WALK_MAX)) < WALK_MAX) return all;
    }
  }
  // Some matched, too sparsely for the budget. Walk on (a walk stops at a full page) if the rate seen
  // fills a page within the longest walk, and if that costs less than collecting every match: the
  // matches, at that rate, in the whole range. (With a status or an organization the rate says nothing
  // of how many users the query matches, which collecting reads: walk on.)
  const walkOn = walked.length > 0 ? (budget * limit) / walked.length : Number.POSITIVE_INFINITY;
  if (walkOn <= walkMax && walkOn < collectCost(search, walked.length / budget, rangeEstimate)) {
    const longer = await walk(walkMax);
    if (longer.length === limit) return longer;
  }
  return loadPage(manager, collectSql(search), parameters);
}

/**
 * What collecting the matches costs, in users walked, when `rate` of the users walked matched: the
 * range's estimated users at that rate. Unknown (infinite) when the rate is not the query's own.
 *
 * Collecting reads every match in the tenant and keeps those in the range. Without a cursor or a time
 * range the two are the same; after a cursor (or within a time range longer than WALK_MAX) this counts
 * only the range's share, which favours collecting. On the benchmark that is still the faster plan
 * there: second pages went from p99 63 to 37 ms (docs/PERFORMANCE.md, fifth pass).
 */
function collectCost(search: Search, rate: number, rangeEstimate: number | undefined): number {
  if (!search.hitsAreMatches || rangeEstimate === undefined) return Number.POSITIVE_INFINITY;
  return rate * rangeEstimate * COLLECT_COST_IN_WALKED_USERS;
}

/** The users whose ids `idsSql` selects, in the stable order. */
function loadPage(
  manager: EntityManager,
  idsSql: string,
  parameters: Record<string, unknown>,
): Promise<User[]> {
  return manager
    .createQueryBuilder(User, 'user')
    .innerJoin(`(${idsSql})`, 'page', 'page.id = user.id')
    .orderBy('user.createdAt', 'ASC')
    .addOrderBy('user.id', 'ASC')
    .setParameters(parameters)
    .getMany();
}

/**
 * Plan 1: the first matching users among at most `budget` users of the range, in created order. The
 * tests run cheapest first. OFFSET 0 keeps the membership test a probe per user who passed the others;
 * without it, PostgreSQL would first hash every member of the organization.
 */
function walkSql({ ranges, matches, organizationId }: Search): string {
  const tests = [
    ...(matches.length > 0 ? [`(${matches.join(' OR ')})`] : []),
    ...(organizationId === undefined ? [] : [`EXISTS (${MEMBERSHIP} OFFSET 0)`]),
  ];
  const hit = tests.length > 0 ? tests.join(' AND ') : 'true';
  return `SELECT w.id FROM (
      SELECT u.id, u.created_at, ${hit} AS hit FROM users u WHERE ${ranges.join(' AND ')}
      ORDER BY u.created_at, u.id LIMIT :budget
    ) AS w WHERE w.hit ORDER BY w.created_at, w.id LIMIT :limit`;
}

/**
 * Plan 3: every match, through one index per column (a UNION of one arm per column), then sorted.
 * OFFSET 0 has the arms planned for all their rows, not for the first ones in created order (which
 * would be plan 1 again).
 */
function collectSql({ ranges, matches, organizationId }: Search): string {
  const filters = [...ranges, ...(organizationId === undefined ? [] : [`EXISTS (${MEMBERSHIP})`])];
  const arms = (matches.length > 0 ? matches : ['true']).map(
    (match) => `SELECT u.id, u.created_at FROM users u WHERE ${[...filters, match].join(' AND ')}`,
  );
  return `SELECT id FROM (${arms.join(' UNION ')} OFFSET 0) AS found ORDER BY created_at, id LIMIT :limit`;
}

/**
 * Plan 3 for a small organization: its members, each looked up and tested, then sorted. LATERAL with
 * OFFSET 0 keeps that order; left to itself, the planner would trust its (far too low) estimate for a
 * LIKE and collect every match of the pattern through the column indexes first.
 */
function membersSql({ ranges, matches }: Search): string {
  const tests = [...ranges, 'u.id = m.user_id', ...(matches.length > 0 ? [`(${matches.join(' OR ')})`] : [])];
  return `SELECT id FROM (
      SELECT found.id, found.created_at FROM memberships m CROSS JOIN LATERAL (
        SELECT u.id, u.created_at FROM users u WHERE ${tests.join(' AND ')} OFFSET 0
      ) AS found WHERE m.organization_id = :organizationId
    ) AS members ORDER BY created_at, id LIMIT :limit`;
}

const MEMBERSHIP =
  'SELECT 1 FROM memberships m WHERE m.organization_id = :organizationId AND m.user_id = u.id';

/**
 * How many users the walks can read, counted up to `upTo`. When a walk read them all — a small tenant,
 * a narrow time range, the last pages — its answer is complete, and plan 3 would read the column indexes
 * of every tenant for nothing.
 */
async function rangeSize(manager: EntityManager, { ranges, parameters }: Search, upTo: number) {
  const sql = `SELECT count(*)::int AS n FROM (
      SELECT 1 FROM users u WHERE ${ranges.join(' AND ')} LIMIT :upTo) AS walked`;
  return countOf(manager, sql, { ...parameters, upTo });
}

/**
 * The planner's estimate of the same, which costs no scan. Its statistics on the tenant, the status and
 * created_at are good (unlike its guesses for LIKE); the exact comparison with the cursor is left out,
 * as the planner can only guess it (the millisecond floor before it stands in for it).
 */
async function estimatedRangeSize(manager: EntityManager, { ranges, parameters }: Search): Promise<number> {
  const estimable = ranges.filter((condition) => !condition.includes(CURSOR_CREATED_AT));
  const sql = `EXPLAIN (FORMAT JSON) SELECT 1 FROM users u WHERE ${estimable.join(' AND ')}`;
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  const [row] = (await manager.query(query, values)) as { 'QUERY PLAN': unknown }[];
  const plan = row?.['QUERY PLAN'];
  const [explained] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as {
    Plan: { 'Plan Rows': number };
  }[];
  return explained?.Plan['Plan Rows'] ?? Number.POSITIVE_INFINITY;
}

async function organizationIsSmall(manager: EntityManager, { parameters }: Search): Promise<boolean> {
  const sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM memberships m
      WHERE m.organization_id = :organizationId LIMIT :smallOrganization) AS members`;
  return (await countOf(manager, sql, parameters)) < SMALL_ORGANIZATION;
}

async function countOf(manager: EntityManager, sql: string, parameters: Record<string, unknown>) {
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  const [row] = (await manager.query(query, values)) as { n: number }[];
  return row?.n ?? 0;
}

/**
 * The users the walk reads, in created order: the tenant's, of the status (blocked users have an index
 * of their own), created in the time range, after the cursor.
 */
function rangeConditions(options: UserSearchOptions, parameters: Record<string, unknown>): string[] {
  const { filter = {}, after } = options;
  const conditions = ['u.tenant_id = :tenantId'];
  if (filter.status !== undefined) {
    parameters.status = filter.status;
    conditions.push('u.status = :status');
  }
  if (filter.createdAfter !== undefined) {
    parameters.createdAfter = filter.createdAfter;
    conditions.push('u.created_at > :createdAfter');
  }
  if (filter.createdBefore !== undefined) {
    parameters.createdBefore = filter.createdBefore;
    conditions.push('u.created_at < :createdBefore');
  }
  if (after !== undefined) {
    parameters.afterCreatedAt = after.createdAt;
    parameters.afterId = after.id;
    // Implied by the exact comparison below, but a plain value: the planner can estimate it.
    parameters.afterCreatedAtFloor = new Date(after.createdAt.getTime() - 1);
    conditions.push('u.created_at >= :afterCreatedAtFloor');
    conditions.push(`(u.created_at, u.id) > (${CURSOR_CREATED_AT}, :afterId)`);
  }
  return conditions;
}

/**
 * created_at of the cursor's user, exactly. The cursor carries a JavaScript Date, which has milliseconds
 * while PostgreSQL keeps microseconds: comparing with the Date would return again the users created in
 * the same millisecond after it. The Date is the fallback when that user is gone (deleted meanwhile).
 */
const CURSOR_CREATED_AT = `COALESCE((SELECT c.created_at FROM users c
  WHERE c.tenant_id = :tenantId AND c.id = :afterId), :afterCreatedAt)`;

/** One LIKE per searched column (any may match); none without a query, which every user matches. */
function matchConditions(query: string | undefined, parameters: Record<string, unknown>): string[] {
  const needle = query?.trim().toLowerCase() ?? '';
  if (needle === '') return [];
  const substring = [...needle].length >= SUBSTRING_FROM;
  const text = substring ? `%${escapeLike(needle)}%` : `${escapeLike(needle)}%`;
  const patterns: [SearchColumn, string][] = [['search_name', text]];
  // Addresses hold no whitespace (UsersService validates them), so a query with some cannot match one.
  if (!/\s/.test(needle)) patterns.unshift(['email_normalized', text]);
  const phone = phonePattern(needle, substring);
  if (phone !== undefined) patterns.push(['phone', phone]);
  return patterns.map(([column, pattern], i) => {
    parameters[`pattern${i}`] = pattern;
    return `u.${column} LIKE :pattern${i}`;
  });
}

/** Whether a substring query has a run of three letters or digits, which gives a selective trigram. */
const hasTrigrams = (query: string | undefined): boolean => {
  const needle = query?.trim() ?? '';
  return [...needle].length < SUBSTRING_FROM || /[\p{L}\p{N}]{3}/u.test(needle);
};

/**
 * Phones are stored in E.164 (`+4917012345`). A query of digits and the usual separators (`+49 170`,
 * `(170) 123-45`) is compared by its digits: anywhere in the number from three digits on, else (and
 * always when it starts with `+`) at the start.
 */
function phonePattern(needle: string, substring: boolean): string | undefined {
  if (!/^\+?[\d\s().-]+$/.test(needle)) return undefined;
  const digits = needle.replace(/\D/g, '');
  if (digits === '') return undefined;
  const anchored = needle.startsWith('+') || !substring || digits.length < SUBSTRING_FROM;
  return anchored ? `+${digits}%` : `%${digits}%`;
}

/** Makes LIKE's wildcards and its escape character (backslash, the default) match themselves. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
