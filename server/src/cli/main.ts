import { Portico } from '../app/portico.js';
import { runServe, runWorker } from '../app/serve.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { isAppError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { type Command, err, out, parseCommandArgs } from './cli-io.js';
import { adminCommands } from './commands.js';

const USAGE_HEADER = 'usage: portico <command> [options]   (portico <command> --help for details)';

function commands(config: () => Config, logger: () => Logger): Command[] {
  const withPortico = async <T>(work: (portico: Portico) => Promise<T>): Promise<T> => {
    const portico = new Portico(config(), logger());
    try {
      await portico.connect();
      return await work(portico);
    } finally {
      await portico.close();
    }
  };
  return [
    {
      name: 'serve',
      summary:
        'run the HTTP server (migrates and applies PORTICO_KICKSTART at start; jobs inline by default)',
      usage: 'usage: portico serve\n  configured by the environment: see README.md "Configuration"',
      run: () => runServe(config(), logger()),
    },
    {
      name: 'worker',
      summary: 'run the job processors only (BullMQ on REDIS_URL), for PORTICO_WORKERS=off deployments',
      usage: 'usage: portico worker\n  configured by the environment: see README.md "Configuration"',
      run: () => runWorker(config(), logger()),
    },
    ...adminCommands(withPortico),
  ];
}

function help(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [USAGE_HEADER, '', 'commands:', ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  let config: Config | undefined;
  let logger: Logger | undefined;
  const getConfig = () => {
    config ??= loadConfig();
    return config;
  };
  const getLogger = () => {
    logger ??= createLogger(getConfig().logLevel);
    return logger;
  };
  const list = commands(getConfig, getLogger);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help(list));
    return name === undefined ? 2 : 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    err(`unknown command "${name}"\n\n${help(list)}`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      out(`${command.usage}\n\n${command.summary}`);
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    return reportFailure(error, logger);
  }
}

function reportFailure(error: unknown, logger: Logger | undefined): number {
  if (error instanceof ConfigError) {
    err(error.message);
    return 1;
  }
  if (isAppError(error)) {
    err(`error (${error.code}): ${error.message}`);
    if (error.status >= 500 && error.cause) logger?.debug({ err: error.cause }, 'cause');
    return error.code === 'usage' ? 2 : 1;
  }
  (logger ?? createLogger('error')).fatal({ err: error }, 'command failed');
  return 1;
}
