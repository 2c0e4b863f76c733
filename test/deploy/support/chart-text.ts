import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { NamedVariable } from './config-variables.js';

/**
 * Reads what the Helm chart's templates say without rendering them (no helm binary here): templates
 * are Go templates, not YAML, so environment names are taken from the text, by indentation.
 */
export interface Template {
  file: string;
  lines: string[];
}

export function readTemplates(chartDir: string): Template[] {
  const dir = path.join(chartDir, 'templates');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.tpl'))
    .sort()
    .map((name) => ({ file: name, lines: readFileSync(path.join(dir, name), 'utf8').split('\n') }));
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isTemplateOnly = (line: string) => /^\s*\{\{.*\}\}\s*$/.test(line);
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Lines belonging to the block opened at `start` (deeper indentation; template-only lines skipped). */
function blockBody(lines: string[], start: number): { line: string; index: number }[] {
  const parent = indentOf(lines[start] ?? '');
  const body: { line: string; index: number }[] = [];
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || isTemplateOnly(line)) continue;
    if (indentOf(line) <= parent && !line.trimStart().startsWith('- ')) break;
    if (indentOf(line) < parent) break;
    body.push({ line, index: i });
  }
  return body;
}

/**
 * Names of `- name: X` entries of env lists: under an `env:` key, and in helpers whose name ends in
 * `Env` (`{{- define "portico.secretEnv" -}}`), whose bodies are env lists included under `env:`.
 */
export function envEntryNames(templates: Template[]): NamedVariable[] {
  const found: NamedVariable[] = [];
  for (const { file, lines } of templates) {
    lines.forEach((line, index) => {
      if (/^\s*env:\s*$/.test(line)) {
        const itemIndent = blockBody(lines, index)[0]?.line;
        const depth = itemIndent === undefined ? -1 : indentOf(itemIndent);
        for (const entry of blockBody(lines, index)) {
          const m = /^(\s*)- name:\s*["']?([^"'\s]+)/.exec(entry.line);
          if (m && m[1]?.length === depth)
            found.push({ name: m[2] ?? '', where: `${file}:${entry.index + 1}` });
        }
      }
      if (/\{\{-?\s*define\s+"[^"]*Env"/.test(line)) {
        let depth = 1;
        for (let i = index + 1; i < lines.length && depth > 0; i += 1) {
          depth += blockBalance(lines[i] ?? '');
          const m = /^- name:\s*["']?([^"'\s]+)/.exec(lines[i] ?? '');
          if (m) found.push({ name: m[1] ?? '', where: `${file}:${i + 1}` });
        }
      }
    });
  }
  return found;
}

/** Keys of `secretKeyRef` / `configMapKeyRef` references (`key: X`), which name variables here. */
export function referencedKeys(templates: Template[]): NamedVariable[] {
  const found: NamedVariable[] = [];
  for (const { file, lines } of templates) {
    lines.forEach((line, index) => {
      if (!/(secretKeyRef|configMapKeyRef):/.test(line)) return;
      // Flow style `secretKeyRef: { name: …, key: X }`, or block style with `key: X` on a deeper line.
      const candidates = [{ line, index }, ...blockBody(lines, index)];
      for (const candidate of candidates) {
        const m = /\bkey:\s*["']?([A-Za-z0-9_.-]+)/.exec(candidate.line.replace(/^.*?KeyRef:/, ''));
        if (m?.[1]) {
          found.push({ name: m[1], where: `${file}:${candidate.index + 1}` });
          break;
        }
      }
    });
  }
  return found;
}

/**
 * Data keys of ConfigMaps and Secrets (`data:` / `stringData:`) that look like environment names; keys
 * such as `kickstart.yaml` are files, not variables.
 */
export function dataKeyNames(templates: Template[]): NamedVariable[] {
  const found: NamedVariable[] = [];
  for (const { file, lines } of templates) {
    if (!lines.some((l) => /^kind:\s*(ConfigMap|Secret)\s*$/.test(l))) continue;
    lines.forEach((line, index) => {
      if (!/^(data|stringData):\s*$/.test(line)) return;
      for (const entry of blockBody(lines, index)) {
        const m = /^\s+([A-Za-z0-9_.-]+):/.exec(entry.line);
        if (m?.[1] && ENV_NAME.test(m[1])) found.push({ name: m[1], where: `${file}:${entry.index + 1}` });
      }
    });
  }
  return found;
}

/** `.Values.a.b.c` paths the templates read. */
export function valuesPaths(templates: Template[]): { path: string[]; where: string }[] {
  const found: { path: string[]; where: string }[] = [];
  for (const { file, lines } of templates) {
    lines.forEach((line, index) => {
      for (const m of line.matchAll(/\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
        found.push({ path: (m[1] ?? '').slice(1).split('.'), where: `${file}:${index + 1}` });
      }
    });
  }
  return found;
}

/** Template actions that open a block, less `end`s: 0 for a balanced file. */
export function blockBalance(text: string): number {
  let depth = 0;
  for (const m of text.matchAll(/\{\{-?\s*(if|range|with|define|block|end)\b/g)) {
    depth += m[1] === 'end' ? -1 : 1;
  }
  return depth;
}

/** `extraEnv` names of a values file (values.yaml or ci/*.yaml). */
export function extraEnvNames(valuesFile: string): NamedVariable[] {
  const values = YAML.parse(readFileSync(valuesFile, 'utf8')) as { extraEnv?: { name: string }[] } | null;
  return (values?.extraEnv ?? []).map((e) => ({
    name: e.name,
    where: `${path.basename(valuesFile)} extraEnv`,
  }));
}

/** Keys of values.yaml lacking a `# --` comment, unless every key beneath them has one (helm-docs). */
export function undocumentedValues(valuesText: string): string[] {
  interface Key {
    name: string;
    indent: number;
    documented: boolean;
    children: Key[];
  }
  const root: Key = { name: '', indent: -1, documented: false, children: [] };
  const stack: Key[] = [root];
  let comments: string[] = [];
  for (const line of valuesText.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) {
      comments.push(trimmed);
      continue;
    }
    const m = /^(\s*)([A-Za-z0-9_.-]+):/.exec(line);
    if (!m) {
      if (trimmed === '') comments = [];
      continue;
    }
    const key: Key = {
      name: m[2] ?? '',
      indent: m[1]?.length ?? 0,
      documented: comments.some((c) => c.startsWith('# --')),
      children: [],
    };
    comments = [];
    while ((stack.at(-1)?.indent ?? -1) >= key.indent) stack.pop();
    stack.at(-1)?.children.push(key);
    stack.push(key);
  }
  const missing: string[] = [];
  const visit = (key: Key, prefix: string): boolean => {
    const name = prefix ? `${prefix}.${key.name}` : key.name;
    if (key.documented) return true;
    const childrenDocumented = key.children.map((c) => visit(c, name)).every(Boolean);
    if (key.children.length > 0 && childrenDocumented) return true;
    if (key.children.length === 0) missing.push(name);
    return false;
  };
  for (const key of root.children) visit(key, '');
  return missing;
}
