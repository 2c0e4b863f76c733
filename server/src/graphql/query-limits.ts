import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { AppError } from '../shared/errors.js';
import type { GraphqlContext } from './context.js';
import { GraphqlErrors } from './graphql.errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './relay.js';

/** SECURITY.md ★33: what one operation may ask for, checked before anything executes. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Each field costs 1; a connection's selections cost `first` times, a plain list's `listSize` times. */
  maxCost: number;
  maxPageSize: number;
  listSize: number;
}

export const QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxCost: 10_000,
  maxPageSize: MAX_PAGE_SIZE,
  listSize: 10,
};

type Variables = Record<string, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
  limits: QueryLimits;
  aliases: number;
  /** Selections visited: bounds the walk itself against fragment fan-out. */
  visits: number;
}

/** Rejects the operation, before execution, when it breaks a limit (page size, depth, aliases, cost). */
export function queryLimitsPlugin(limits: QueryLimits = QUERY_LIMITS): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          checkQueryLimits(schema, document, operation, request.variables ?? {}, limits);
        },
      };
    },
  };
}

export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limits: QueryLimits = QUERY_LIMITS,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const walk: Walk = { schema, fragments, variables, limits, aliases: 0, visits: 0 };
  const cost = costOf(walk, operation.selectionSet, root, 1);
  if (cost > limits.maxCost) throw limitError(GraphqlErrors.queryTooCostly(limits.maxCost));
  return cost;
}

function costOf(walk: Walk, selections: SelectionSetNode, parent: GraphQLNamedType, depth: number): number {
  let cost = 0;
  for (const selection of selections.selections) {
    walk.visits += 1;
    if (walk.visits > walk.limits.maxCost)
      throw limitError(GraphqlErrors.queryTooCostly(walk.limits.maxCost));
    if (selection.kind === Kind.FIELD) {
      // Introspection is off in production and costs nothing here; __typename is free.
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) walk.aliases += 1;
      if (walk.aliases > walk.limits.maxAliases)
        throw limitError(GraphqlErrors.tooManyAliases(walk.limits.maxAliases));
      if (depth > walk.limits.maxDepth) throw limitError(GraphqlErrors.queryTooDeep(walk.limits.maxDepth));
      const field = fieldOf(parent, selection.name.value);
      if (!field) continue;
      const multiplier = multiplierOf(walk, parent, field, selection.arguments ?? []);
      const children = selection.selectionSet
        ? costOf(walk, selection.selectionSet, getNamedType(field.type), depth + 1)
        : 0;
      cost += 1 + multiplier * children;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      cost += costOf(walk, selection.selectionSet, type ?? parent, depth);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (!fragment) continue;
      const type = walk.schema.getType(fragment.typeCondition.name.value) ?? parent;
      cost += costOf(walk, fragment.selectionSet, type, depth);
    }
  }
  return cost;
}

function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/**
 * How many times a field's selections may be resolved: its page size, or a list's assumed length. The
 * `edges` of a connection are the page its `first` already counted.
 */
function multiplierOf(
  walk: Walk,
  parent: GraphQLNamedType,
  field: GraphQLField<unknown, unknown>,
  args: readonly { name: { value: string }; value: ValueNode }[],
): number {
  const firstArg = field.args.find((a) => a.name === 'first');
  if (firstArg) {
    const given = args.find((a) => a.name.value === 'first');
    const value = given ? literalValue(given.value, walk.variables) : firstArg.defaultValue;
    const first = typeof value === 'number' ? value : DEFAULT_PAGE_SIZE;
    if (first > walk.limits.maxPageSize) {
      throw limitError(GraphqlErrors.pageSizeExceeded(first, walk.limits.maxPageSize));
    }
    return Math.max(first, 1);
  }
  const inConnection = isObjectType(parent) && parent.getFields().pageInfo !== undefined;
  return isListType(getNullableType(field.type)) && !inConnection ? walk.limits.listSize : 1;
}

function literalValue(node: ValueNode, variables: Variables): unknown {
  if (node.kind === Kind.INT) return Number.parseInt(node.value, 10);
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}

/** Thrown from `didResolveOperation`: Apollo answers with it, status 400, and executes nothing. */
function limitError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { http: { status: 400 } } });
}
