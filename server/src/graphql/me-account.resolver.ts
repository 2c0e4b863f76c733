import 'reflect-metadata';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AccountRequest } from '../account/account.service.js';
import { AppError, isAppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import { UserType } from './user.types.js';

/**
 * The account pages' changes through a user's own access token (the same AccountService): email change
 * (verified by a mailed link before it takes effect), phone by SMS code, password with the current one.
 * Input errors are BAD_USER_INPUT with `extensions.reason` (stable: `invalid_email`, `invalid_phone`,
 * `code_invalid`, `current_password_invalid`, `password_too_short|too_long|too_common`) and
 * `extensions.fields` naming the argument.
 */
@Resolver()
export class MeAccountResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('self')
  @Mutation(() => Boolean, {
    description:
      'Mails a confirmation link to the new address; the email changes once it is followed, and the old address is told. ' +
      'Answers true whether or not the address is taken (who has an account is not revealed).',
  })
  async changeMyEmail(@Arg('newEmail') newEmail: string, @Ctx() ctx: GraphqlContext): Promise<boolean> {
    const request = await this.request(ctx);
    await onArgument({ invalid_email: 'newEmail' }, () =>
      this.deps.account.requestEmailChange(request, newEmail),
    );
    return true;
  }

  @Authorized<Permission>('self')
  @Mutation(() => Boolean, { description: 'Texts a code to the number (E.164); `confirmPhone` stores it.' })
  async startPhoneVerification(@Arg('phone') phone: string, @Ctx() ctx: GraphqlContext): Promise<boolean> {
    const request = await this.request(ctx);
    await onArgument({ invalid_phone: 'phone' }, () =>
      this.deps.account.startPhoneVerification(request, phone),
    );
    return true;
  }

  @Authorized<Permission>('self')
  @Mutation(() => UserType, {
    description: 'Stores the phone number as verified when the texted code is right.',
  })
  async confirmPhone(
    @Arg('phone') phone: string,
    @Arg('code') code: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<User> {
    const request = await this.request(ctx);
    await onArgument({ code_invalid: 'code' }, () => this.deps.account.confirmPhone(request, phone, code));
    loadersOf(ctx).userById.clear(request.user.id);
    return this.user(ctx);
  }

  @Authorized<Permission>('self')
  @Mutation(() => Boolean, {
    description:
      'Changes the password given the current one (a wrong one counts toward the lockout). Ends every session ' +
      'and refresh token of the user; access tokens expire on their own.',
  })
  async changeMyPassword(
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<boolean> {
    const request = await this.request(ctx);
    const passwords = { current: currentPassword, next: newPassword };
    await onArgument(
      {
        current_password_invalid: 'currentPassword',
        password_too_short: 'newPassword',
        password_too_long: 'newPassword',
        password_too_common: 'newPassword',
      },
      () => this.deps.account.changePassword(request, passwords, null),
    );
    return true;
  }

  private async user(ctx: GraphqlContext): Promise<User> {
    const user = await loadersOf(ctx).userById.load(principalOf(ctx).id);
    if (!user) throw UsersErrors.userNotFound();
    return user;
  }

  private async request(ctx: GraphqlContext): Promise<AccountRequest> {
    const { tenant } = principalOf(ctx);
    const user = await this.user(ctx);
    const locale = typeof user.profile.locale === 'string' ? user.profile.locale : undefined;
    return {
      tenant,
      user,
      locale: locale ?? resolveTenantSettings(tenant.settings).locales.default,
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent,
    };
  }
}

/** Names the argument an input error is about (`extensions.fields`), keeping its code. */
async function onArgument(argumentOfCode: Record<string, string>, action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    const argument = isAppError(error) ? argumentOfCode[error.code] : undefined;
    if (!isAppError(error) || argument === undefined) throw error;
    const details = { ...error.details, fields: { [argument]: error.message } };
    throw new AppError(error.code, error.status, error.message, { cause: error, details });
  }
}
