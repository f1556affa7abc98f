import { parse, parseExpressionAt } from 'acorn';

/** One read of a field of the event's value in user code: `value.customer.id` → `["customer", "id"]`. */
export interface FieldRead {
  /** The property names read, outermost first. */
  path: string[];
  /** The text as written (`value.customer.id`, `event.value["id"]`), for messages. */
  text: string;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/**
 * The fields of the event's value an expression or function body reads: member expressions on
 * `value` (when `vars` has it) and on `event.value` (when `vars` has `event`), followed as far as
 * they name properties (`value.a.b`, `value["a"]`, `value?.a`). Computed keys (`value[k]`) end a
 * path. Parsed with acorn, never evaluated, so the editor can call it as the user types. Code
 * that does not parse reads nothing here (the validator reports the syntax error).
 */
export function valueFieldReads(source: string, vars: readonly string[], kind: 'expression' | 'code'): FieldRead[] {
  let ast: AstNode;
  try {
    ast = (kind === 'code'
      ? parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true })
      : parseExpressionAt(source, 0, { ecmaVersion: 'latest', sourceType: 'script' })) as unknown as AstNode;
  } catch {
    return [];
  }
  const roots = {
    value: vars.includes('value'),
    event: vars.includes('event'),
  };
  const reads: FieldRead[] = [];
  const visit = (node: AstNode, parent: AstNode | null): void => {
    if (node.type === 'MemberExpression' && !(parent?.type === 'MemberExpression' && parent.object === node)) {
      // The outermost member expression of a chain: walk down to its root.
      const path = memberPath(node, roots);
      if (path && path.length > 0) reads.push({ path, text: source.slice(node.start, node.end) });
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (isNode(c)) visit(c, node);
      } else if (isNode(child)) visit(child, node);
    }
  };
  visit(ast, null);
  return reads;
}

/**
 * The property names of a member chain rooted at `value` or `event.value`, as far as they are
 * plain names; null for a chain on anything else.
 */
function memberPath(node: AstNode, roots: { value: boolean; event: boolean }): string[] | null {
  const names: Array<string | null> = [];
  let current: AstNode = node;
  while (current.type === 'MemberExpression' || current.type === 'ChainExpression') {
    if (current.type === 'ChainExpression') {
      current = current.expression as AstNode;
      continue;
    }
    names.unshift(propertyName(current));
    current = current.object as AstNode;
  }
  if (current.type !== 'Identifier') return null;
  let path: Array<string | null>;
  if (current.name === 'value' && roots.value) path = names;
  else if (current.name === 'event' && roots.event && names[0] === 'value') path = names.slice(1);
  else return null;
  // A computed key ends what can be checked.
  const cut = path.indexOf(null);
  return (cut < 0 ? path : path.slice(0, cut)) as string[];
}

function propertyName(member: AstNode): string | null {
  const property = member.property as AstNode;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && property.type === 'Literal' && typeof property.value === 'string') return property.value;
  return null;
}

function isNode(v: unknown): v is AstNode {
  return v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}
