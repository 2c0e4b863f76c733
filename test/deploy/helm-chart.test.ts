import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import YAML from 'yaml';
import { repoRoot } from '../support/processes.js';
import {
  blockBalance,
  dataKeyNames,
  envEntryNames,
  extraEnvNames,
  readTemplates,
  referencedKeys,
  undocumentedValues,
  valuesPaths,
} from './support/chart-text.js';
import {
  type NamedVariable,
  productionRequiredVariables,
  provides,
  unknownVariables,
} from './support/config-variables.js';

const chartDir = path.join(repoRoot, 'charts/portico');
const readYaml = (file: string) => YAML.parse(readFileSync(path.join(chartDir, file), 'utf8'));
const ciValueFiles = readdirSync(path.join(chartDir, 'ci')).map((f) => `ci/${f}`);

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's merge of an override file onto values.yaml: maps merge key by key, everything else replaces. */
function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isMap(value) && isMap(base[key]) ? mergeValues(base[key], value) : value;
  }
  return out;
}

/** Every variable the chart sets: env entries, secret/config map references, data keys, extraEnv. */
function chartVariables(dir: string, valueFiles: string[]): NamedVariable[] {
  const templates = readTemplates(dir);
  return [
    ...envEntryNames(templates),
    ...referencedKeys(templates),
    ...dataKeyNames(templates),
    ...valueFiles.flatMap((f) => extraEnvNames(path.join(dir, f))),
  ];
}

describe('Helm chart charts/portico (read without helm)', () => {
  const templates = readTemplates(chartDir);
  const defaults = readYaml('values.yaml') as Values;
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(readYaml('values.schema.json'));
  const schemaErrors = (values: Values) =>
    validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

  it('has a v2 Chart.yaml, and its values files parse as YAML', () => {
    const chart = readYaml('Chart.yaml');
    expect(chart).to.include({ apiVersion: 'v2', name: 'portico', type: 'application' });
    expect(chart.version).to.match(/^\d+\.\d+\.\d+/);
    for (const file of ciValueFiles) expect(readYaml(file), file).to.be.an('object');
    expect(ciValueFiles.length).to.be.at.least(3);
  });

  it('names each template <kind>_<component>.yaml after the kind it renders', () => {
    const shortKinds: Record<string, string> = {
      hpa: 'horizontalpodautoscaler',
      pdb: 'poddisruptionbudget',
      pvc: 'persistentvolumeclaim',
    };
    for (const { file, lines } of templates.filter((t) => t.file.endsWith('.yaml'))) {
      const m = /^([a-z]+)_([a-z-]+)\.yaml$/.exec(file);
      expect(m, file).to.not.equal(null);
      const prefix = m?.[1] ?? '';
      const kinds = lines.map((l) => /^kind:\s*(\w+)/.exec(l)?.[1]?.toLowerCase()).filter(Boolean);
      expect(kinds, file).to.deep.equal([shortKinds[prefix] ?? prefix]);
    }
  });

  it('closes every template block it opens', () => {
    for (const { file, lines } of templates) expect(blockBalance(lines.join('\n')), file).to.equal(0);
  });

  it('reads only values that values.yaml declares', () => {
    const missing = valuesPaths(templates).filter(({ path: keys }) => {
      let node: unknown = defaults;
      for (const key of keys) {
        if (!isMap(node) || !(key in node)) return true;
        node = node[key];
      }
      return false;
    });
    expect(missing.map((m) => `.Values.${m.path.join('.')} (${m.where})`)).to.deep.equal([]);
  });

  it('validates values.yaml and every ci/*.yaml (merged onto it) against values.schema.json', () => {
    expect(schemaErrors(defaults), 'values.yaml').to.deep.equal([]);
    for (const file of ciValueFiles) {
      expect(schemaErrors(mergeValues(defaults, readYaml(file))), file).to.deep.equal([]);
    }
  });

  it('rejects values that break the schema, naming the offending path', () => {
    const cases: [Values, string][] = [
      [{ serve: { replicaCount: 'two' } }, '/serve/replicaCount must be integer'],
      [{ serve: { replicas: 3 } }, '/serve must NOT have additional properties'],
      [{ config: { logLevel: 'loud' } }, '/config/logLevel must be equal to one of the allowed values'],
      [{ secrets: { databaseUrl: 'mysql://x' } }, '/secrets/databaseUrl must match pattern'],
      [{ extraEnv: [{ name: 'log_level', value: 'x' }] }, '/extraEnv/0/name must match pattern'],
    ];
    for (const [override, message] of cases) {
      expect(schemaErrors(mergeValues(defaults, override)).join('\n')).to.contain(message);
    }
  });

  it('documents every value with a `# --` comment', () => {
    expect(undocumentedValues(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'))).to.deep.equal([]);
  });

  it('sets only environment variables that the config module knows', () => {
    const named = chartVariables(chartDir, ['values.yaml', ...ciValueFiles]);
    expect(named.map((n) => n.name)).to.include.members(['DATABASE_URL', 'PUBLIC_URL', 'PORTICO_WORKERS']);
    expect(unknownVariables(named)).to.deep.equal([]);
  });

  it('provides every variable production requires', () => {
    const required = productionRequiredVariables();
    expect(required).to.include('DATABASE_URL');
    const names = new Set(chartVariables(chartDir, []).map((n) => n.name));
    expect(required.filter((v) => !provides(names, v))).to.deep.equal([]);
  });

  it('catches an unknown variable in an env list, a ConfigMap and extraEnv of a copy of the chart', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'portico-chart-'));
    try {
      cpSync(chartDir, copy, { recursive: true });
      const edit = (file: string, from: string, to: string) => {
        const full = path.join(copy, file);
        const text = readFileSync(full, 'utf8');
        expect(text, file).to.contain(from);
        writeFileSync(full, text.replace(from, to));
      };
      edit(
        'templates/deployment_worker.yaml',
        '          env:\n',
        '          env:\n            - name: PORTICO_WORKER_THREADS\n              value: "4"\n',
      );
      edit('templates/configmap_portico.yaml', '  LOG_LEVEL:', '  LOG_LEVL: "info"\n  LOG_LEVEL:');
      edit('templates/_helpers.tpl', '- name: SMTP_URL', '- name: SMTP_URI');
      edit('templates/_helpers.tpl', 'key: REDIS_URL,', 'key: REDIS_URI,');
      edit(
        'ci/production-values.yaml',
        '{ name: LOG_LEVEL, value: warn }',
        '{ name: PORTICO_DEBUG, value: "1" }',
      );
      const named = chartVariables(copy, ['ci/production-values.yaml']);
      const unknown = unknownVariables(named).map((u) => u.replace(/:\d+\)$/, ')'));
      expect(unknown).to.have.members([
        'PORTICO_WORKER_THREADS (deployment_worker.yaml)',
        'LOG_LEVL (configmap_portico.yaml)',
        'SMTP_URI (_helpers.tpl)',
        'REDIS_URI (_helpers.tpl)',
        'PORTICO_DEBUG (production-values.yaml extraEnv)',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
