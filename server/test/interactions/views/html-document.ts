/**
 * A small HTML tokenizer and tree builder for testing the hosted pages without a browser or a DOM
 * library. It understands what the pages emit (doctype, comments, void elements, quoted and unquoted
 * attributes, raw-text `<style>`/`<script>`, character references) and records anything suspicious —
 * a duplicated attribute, an end tag that closes nothing — as a problem rather than guessing.
 */

export interface HtmlElement {
  kind: 'element';
  tag: string;
  attributes: Map<string, string>;
  children: HtmlNode[];
  parent: HtmlElement | undefined;
}

export interface HtmlText {
  kind: 'text';
  text: string;
}

export type HtmlNode = HtmlElement | HtmlText;

export interface HtmlDocument {
  root: HtmlElement;
  problems: string[];
}

const voidElements = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const rawTextElements = new Set(['style', 'script', 'title', 'textarea']);

const namedReferences: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeCharacterReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (reference, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return namedReferences[body.toLowerCase()] ?? reference;
  });
}

export function parseHtml(source: string): HtmlDocument {
  const root: HtmlElement = {
    kind: 'element',
    tag: '#document',
    attributes: new Map(),
    children: [],
    parent: undefined,
  };
  const problems: string[] = [];
  let current = root;
  let position = 0;

  const appendText = (text: string) => {
    if (text) current.children.push({ kind: 'text', text });
  };

  while (position < source.length) {
    const next = source.indexOf('<', position);
    if (next === -1) {
      appendText(decodeCharacterReferences(source.slice(position)));
      break;
    }
    appendText(decodeCharacterReferences(source.slice(position, next)));
    if (source.startsWith('<!--', next)) {
      const end = source.indexOf('-->', next + 4);
      position = end === -1 ? source.length : end + 3;
    } else if (source.startsWith('<!', next)) {
      position = source.indexOf('>', next) + 1 || source.length;
    } else if (source.startsWith('</', next)) {
      const end = source.indexOf('>', next);
      const tag = source
        .slice(next + 2, end === -1 ? source.length : end)
        .trim()
        .toLowerCase();
      current = closeElement(current, tag, problems);
      position = end === -1 ? source.length : end + 1;
    } else if (/^<[a-zA-Z]/.test(source.slice(next, next + 2))) {
      const startTag = readStartTag(source, next, problems);
      const element: HtmlElement = {
        kind: 'element',
        tag: startTag.tag,
        attributes: startTag.attributes,
        children: [],
        parent: current,
      };
      current.children.push(element);
      position = startTag.end;
      if (rawTextElements.has(element.tag)) {
        const close = source.toLowerCase().indexOf(`</${element.tag}`, position);
        const content = source.slice(position, close === -1 ? source.length : close);
        if (content) {
          element.children.push({
            kind: 'text',
            text:
              element.tag === 'title' || element.tag === 'textarea'
                ? decodeCharacterReferences(content)
                : content,
          });
        }
        const closeEnd = close === -1 ? source.length : source.indexOf('>', close) + 1;
        position = closeEnd || source.length;
      } else if (!voidElements.has(element.tag) && !startTag.selfClosing) {
        current = element;
      }
    } else {
      appendText('<');
      position = next + 1;
    }
  }
  if (current !== root) problems.push(`unclosed <${current.tag}>`);
  return { root, problems };
}

function closeElement(current: HtmlElement, tag: string, problems: string[]): HtmlElement {
  let element: HtmlElement | undefined = current;
  while (element && element.tag !== tag) element = element.parent;
  if (!element?.parent) {
    problems.push(`end tag </${tag}> closes nothing`);
    return current;
  }
  if (element !== current) problems.push(`</${tag}> closes unclosed <${current.tag}>`);
  return element.parent;
}

interface StartTag {
  tag: string;
  attributes: Map<string, string>;
  selfClosing: boolean;
  end: number;
}

function readStartTag(source: string, start: number, problems: string[]): StartTag {
  const nameMatch = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(source.slice(start));
  const tag = (nameMatch?.[1] ?? '').toLowerCase();
  let position = start + (nameMatch?.[0].length ?? 1);
  const attributes = new Map<string, string>();
  let selfClosing = false;
  while (position < source.length) {
    const rest = source.slice(position);
    const whitespace = /^[\s]+/.exec(rest);
    if (whitespace) {
      position += whitespace[0].length;
      continue;
    }
    if (rest.startsWith('/>')) return { tag, attributes, selfClosing: true, end: position + 2 };
    if (rest.startsWith('>')) return { tag, attributes, selfClosing, end: position + 1 };
    if (rest.startsWith('/')) {
      selfClosing = true;
      position += 1;
      continue;
    }
    const attribute = /^([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/.exec(rest);
    if (!attribute) {
      problems.push(`unparseable attribute text in <${tag}>: ${rest.slice(0, 20)}`);
      position += 1;
      continue;
    }
    const name = (attribute[1] ?? '').toLowerCase();
    const value = decodeCharacterReferences(attribute[2] ?? attribute[3] ?? attribute[4] ?? '');
    if (attributes.has(name)) problems.push(`duplicate attribute ${name} on <${tag}>`);
    else attributes.set(name, value);
    selfClosing = false;
    position += attribute[0].length;
  }
  problems.push(`unterminated <${tag}>`);
  return { tag, attributes, selfClosing, end: source.length };
}

export function* elements(node: HtmlElement): Generator<HtmlElement> {
  for (const child of node.children) {
    if (child.kind === 'element') {
      yield child;
      yield* elements(child);
    }
  }
}

export const findAll = (root: HtmlElement, predicate: (element: HtmlElement) => boolean): HtmlElement[] =>
  [...elements(root)].filter(predicate);

export const byTag = (root: HtmlElement, tag: string): HtmlElement[] => findAll(root, (e) => e.tag === tag);

export function textContent(node: HtmlNode): string {
  return node.kind === 'text' ? node.text : node.children.map(textContent).join('');
}

/** Text with runs of HTML whitespace collapsed, as a reader would see it (a no-break space stays). */
export const visibleText = (node: HtmlNode): string =>
  textContent(node)
    .replace(/[ \t\n\r\f]+/g, ' ')
    .replace(/^ | $/g, '');

export function closest(element: HtmlElement, tag: string): HtmlElement | undefined {
  let current = element.parent;
  while (current && current.tag !== tag) current = current.parent;
  return current;
}

export const attribute = (element: HtmlElement, name: string): string | undefined =>
  element.attributes.get(name);
