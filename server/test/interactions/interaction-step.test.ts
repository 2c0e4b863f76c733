import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  finish,
  type InteractionDeps,
  remember,
  render,
  type Step,
  stage,
} from '../../src/interactions/interaction-step.js';

/**
 * What a step keeps on the interaction reaches storage before the step's answer leaves: `remember`
 * saves at once, `stage` with the page `render` sends or with `finish` (docs/PERFORMANCE.md: one save
 * per login request instead of three).
 */
describe('interaction steps: saving what a step keeps', () => {
  let events: string[];

  /** A step over an interaction whose saves and answers are recorded in order. */
  function stepWith(result: Record<string, unknown> = {}): Step {
    const details = {
      uid: 'uid-1',
      exp: Math.floor(Date.now() / 1000) + 600,
      params: {},
      returnTo: 'https://id.example/t/acme/auth/uid-1',
      result,
      async save(ttl: number) {
        events.push(`save ${JSON.stringify(this.result)} ttl>0:${ttl > 0}`);
      },
    };
    const res = {
      status: () => res,
      set: () => res,
      send: () => events.push('send page'),
      redirect: (status: number, url: string) => events.push(`redirect ${status} ${url}`),
    };
    const tenant = { id: randomUUID(), slug: 'acme', name: 'Acme', settings: {} };
    return {
      entry: { tenant },
      details,
      req: { get: () => undefined },
      res,
      base: '/t/acme/interaction/uid-1',
      locale: 'en',
      startedAt: Date.now(),
    } as unknown as Step;
  }
  const deps = { csrf: { issue: () => 'csrf' } } as unknown as InteractionDeps;

  beforeEach(() => {
    events = [];
  });

  it('remember saves at once', async () => {
    const step = stepWith({ identifier: 'a@example.com' });
    await remember(step, { codeMethod: 'email' });
    expect(events).to.deep.equal(['save {"identifier":"a@example.com","codeMethod":"email"} ttl>0:true']);
    expect(step.unsaved).to.equal(false);
  });

  it('staged values are saved once, before the page is sent', async () => {
    const step = stepWith();
    stage(step, { pendingLogin: { accountId: 'u' } });
    stage(step, { risk: 'low' });
    expect(events, 'nothing written while staging').to.deep.equal([]);
    await render(step, deps, () => '<p>next factor</p>');
    expect(events).to.deep.equal([
      'save {"pendingLogin":{"accountId":"u"},"risk":"low"} ttl>0:true',
      'send page',
    ]);
    await render(step, deps, () => '<p>again</p>');
    expect(events.slice(2), 'a page with nothing staged saves nothing').to.deep.equal(['send page']);
  });

  it('finish replaces what was staged with the result and saves once before the redirect', async () => {
    const step = stepWith();
    stage(step, { pendingLogin: { accountId: 'u' } });
    await finish(step, { login: { accountId: 'u' } });
    expect(events).to.deep.equal([
      'save {"login":{"accountId":"u"}} ttl>0:true',
      'redirect 303 https://id.example/t/acme/auth/uid-1',
    ]);
    expect(step.unsaved).to.equal(false);
  });
});
