import 'reflect-metadata';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { MessageTemplate } from '../messaging/messaging.entity.js';
import type { MessageChannel, MessageKind } from '../messaging/messaging.service.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import {
  MessageChannelEnum,
  MessageKindEnum,
  MessageLocaleEnum,
  MessageTemplatesFilter,
  MessageTemplateType,
  SetMessageTemplateInput,
} from './messaging.types.js';
import type { Permission } from './principal.js';

/** The tenant's own message wording, per kind, channel and locale (the built-in one applies otherwise). */
@Resolver(() => MessageTemplateType)
export class MessageTemplatesResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('messaging:read')
  @Query(() => [MessageTemplateType], { description: "The tenant's own message templates." })
  async messageTemplates(
    @Arg('filter', () => MessageTemplatesFilter, { nullable: true }) filter: MessageTemplatesFilter | null,
    @Ctx() ctx: GraphqlContext,
  ): Promise<MessageTemplate[]> {
    const { tenant } = principalOf(ctx);
    return this.deps.messageTemplates.list(this.deps.dataSource.manager, tenant.id, filter ?? {});
  }

  @Authorized<Permission>('messaging:write')
  @Mutation(() => MessageTemplateType, {
    description: 'Creates or replaces a template; one naming a variable its kind lacks is refused.',
  })
  async setMessageTemplate(
    @Arg('input', () => SetMessageTemplateInput) input: SetMessageTemplateInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<MessageTemplate> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const template = await this.deps.messageTemplates.set(manager, tenant.id, input);
      const target = { type: 'message_template', id: template.id };
      const data = { kind: template.kind, channel: template.channel, locale: template.locale };
      await this.deps.audit.record(manager, auditEntry(ctx, 'message_template.set', target, data));
      return template;
    });
  }

  @Authorized<Permission>('messaging:write')
  @Mutation(() => MessageTemplateType, { description: 'Deletes a template: the built-in one applies again.' })
  async deleteMessageTemplate(
    @Arg('kind', () => MessageKindEnum) kind: MessageKind,
    @Arg('channel', () => MessageChannelEnum) channel: MessageChannel,
    @Arg('locale', () => MessageLocaleEnum) locale: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<MessageTemplate> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const template = await this.deps.messageTemplates.delete(manager, tenant.id, { kind, channel, locale });
      const target = { type: 'message_template', id: template.id };
      await this.deps.audit.record(
        manager,
        auditEntry(ctx, 'message_template.deleted', target, { kind, channel, locale }),
      );
      return template;
    });
  }
}
