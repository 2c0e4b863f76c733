import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

/**
 * Every Query and Mutation field of the built schema as a runnable operation, so tests that must
 * cover "every operation" cover the ones added later without being edited.
 */
export interface RootOperation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
}

export function rootOperations(schema: GraphQLSchema): RootOperation[] {
  const of = (kind: RootOperation['kind'], type: ReturnType<GraphQLSchema['getQueryType']>) =>
    Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field }));
  return [...of('query', schema.getQueryType()), ...of('mutation', schema.getMutationType())];
}

/** Whether any argument (or input field, at any depth) of the operation is an ID. */
export function takesIds(operation: RootOperation): boolean {
  return operation.field.args.some((arg) => holdsId(arg.type, new Set()));
}

function holdsId(type: GraphQLInputType, seen: Set<string>): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'ID';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => holdsId(f.type, seen));
}

/**
 * The operation with minimal valid arguments: required ones, plus every ID anywhere (set to `id`) so
 * that lookups by id are exercised; strings named email, newEmail, slug or domain get unique valid
 * values, and phone a valid E.164 number.
 */
export function operationDocument(
  operation: RootOperation,
  id: string,
  unique: string,
): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const arg of operation.field.args) {
    const value = valueFor(arg.type, arg.name, id, unique);
    if (value === undefined) continue;
    variables[arg.name] = value;
    declarations.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const head = declarations.length > 0 ? `(${declarations.join(', ')})` : '';
  const call = args.length > 0 ? `(${args.join(', ')})` : '';
  const query = `${operation.kind} Probe${head} { ${operation.field.name}${call} ${selectionFor(operation.field.type)} }`;
  return { query, variables };
}

function valueFor(type: GraphQLInputType, name: string, id: string, unique: string): unknown {
  const required = isNonNullType(type);
  const inner = required ? type.ofType : type;
  if (isListType(inner)) return required ? [] : undefined;
  const named = getNamedType(inner);
  if (isScalarType(named) && named.name === 'ID') return id;
  if (isInputObjectType(named)) {
    if (!required && !holdsId(named, new Set())) return undefined;
    const out: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      const value = valueFor(field.type, field.name, id, unique);
      if (value !== undefined) out[field.name] = value;
    }
    return out;
  }
  if (!required) return undefined;
  if (isEnumType(named)) return named.getValues()[0]?.value;
  switch (named.name) {
    case 'String':
      if (name === 'email' || name === 'newEmail') return `${unique}@example.com`;
      if (name === 'phone') return '+4915112345678';
      if (name === 'slug') return unique.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      if (name === 'domain') return `${unique.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example.com`;
      if (name === 'url') return 'https://probe.example/';
      if (name === 'secret') return 'probe-secret-0123456789';
      return 'probe';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'JSONObject':
      return {};
    case 'DateTimeISO':
      return new Date().toISOString();
    default:
      throw new Error(`no probe value for scalar ${named.name}`);
  }
}

/** Every scalar field of the result type (nodes of connections), so any leaked data would show. */
export function selectionFor(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const fields = scalarFields(named);
  if (isObjectType(named) && named.getFields().edges) {
    const node = getNamedType(named.getFields().edges!.type);
    const nodeType = isObjectType(node) ? getNamedType(node.getFields().node!.type) : node;
    return `{ edges { cursor node { ${scalarFields(nodeType).join(' ')} } } pageInfo { hasNextPage } }`;
  }
  return `{ ${fields.join(' ')} }`;
}

function scalarFields(type: GraphQLNamedType): string[] {
  if (!isObjectType(type) && !isInterfaceType(type)) return ['__typename'];
  const leaves = Object.values(type.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)))
    .map((f) => f.name);
  return ['__typename', ...leaves];
}
