import type { MessageKind } from '../messaging.service.js';

/**
 * The built-in wording of one message kind in one locale. `text` is the email's plain-text body; the
 * HTML body is the same text in the tenant's branded layout (a paragraph that is only `{{link}}`
 * becomes a button). `sms` is the text message.
 */
export interface DefaultTemplate {
  subject: string;
  text: string;
  sms: string;
}

export type DefaultCatalog = Readonly<Record<MessageKind, DefaultTemplate>>;
