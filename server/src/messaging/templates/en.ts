import type { DefaultCatalog } from './defaults.types.js';

export const en: DefaultCatalog = {
  email_verification: {
    subject: 'Confirm your email address for {{tenantName}}',
    text: 'Please confirm your email address by opening this link:\n\n{{link}}\n\nThe link expires in {{expiresInMinutes}} minutes. If you did not sign up, ignore this message.',
    sms: '{{tenantName}}: confirm your email address at {{link}}',
  },
  email_change_verification: {
    subject: 'Confirm your new email address for {{tenantName}}',
    text: 'Please confirm {{newEmail}} as your new email address by opening this link:\n\n{{link}}\n\nThe link expires in {{expiresInMinutes}} minutes. If you did not ask for this, ignore this message.',
    sms: '{{tenantName}}: confirm your new email address at {{link}}',
  },
  email_changed_notice: {
    subject: 'Your {{tenantName}} email address was changed',
    text: 'The email address of your account was changed from {{oldEmail}} to {{newEmail}}.\n\nIf you did not do this, contact support at once.',
    sms: '{{tenantName}}: your email address was changed to {{newEmail}}.',
  },
  password_reset: {
    subject: 'Reset your {{tenantName}} password',
    text: 'Someone asked to reset the password of your account. To choose a new password, open this link:\n\n{{link}}\n\nThe link expires in {{expiresInMinutes}} minutes. If you did not ask for this, ignore this message.',
    sms: '{{tenantName}}: reset your password at {{link}}',
  },
  password_changed_notice: {
    subject: 'Your {{tenantName}} password was changed',
    text: 'The password of your account was changed.\n\nIf you did not do this, reset your password and contact support at once.',
    sms: '{{tenantName}}: your password was changed. Not you? Contact support.',
  },
  registration_existing_account: {
    subject: 'You already have a {{tenantName}} account',
    text: 'Someone tried to sign up with this email address, but you already have an account. To sign in or reset your password, open this link:\n\n{{link}}\n\nIf this was not you, ignore this message.',
    sms: '{{tenantName}}: you already have an account. Sign in at {{link}}',
  },
  magic_link: {
    subject: 'Your {{tenantName}} sign-in link',
    text: 'Open this link to sign in:\n\n{{link}}\n\nThe link expires in {{expiresInMinutes}} minutes and works once. If you did not ask for it, ignore this message.',
    sms: '{{tenantName}}: sign in at {{link}}',
  },
  email_otp: {
    subject: 'Your {{tenantName}} code: {{code}}',
    text: 'Your sign-in code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes. Never share it with anyone.',
    sms: '{{code}} is your {{tenantName}} code. It expires in {{expiresInMinutes}} minutes.',
  },
  sms_otp: {
    subject: 'Your {{tenantName}} code: {{code}}',
    text: 'Your sign-in code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes. Never share it with anyone.',
    sms: '{{code}} is your {{tenantName}} code. It expires in {{expiresInMinutes}} minutes.',
  },
  phone_verification: {
    subject: 'Your {{tenantName}} verification code: {{code}}',
    text: 'Your phone verification code is {{code}}.\n\nIt expires in {{expiresInMinutes}} minutes.',
    sms: '{{code}} is your {{tenantName}} verification code. It expires in {{expiresInMinutes}} minutes.',
  },
  passkey_added_notice: {
    subject: 'A passkey was added to your {{tenantName}} account',
    text: "A passkey was added to your account. You can now sign in with it.\n\nIf you did not do this, reset your password and remove the passkey in your account's security settings at once.",
    sms: '{{tenantName}}: a passkey was added to your account. Not you? Reset your password.',
  },
  authenticator_added_notice: {
    subject: 'An authenticator app was set up for your {{tenantName}} account',
    text: 'An authenticator app was set up as a second factor for your account, and new recovery codes were made.\n\nIf you did not do this, reset your password and contact support at once.',
    sms: '{{tenantName}}: an authenticator app was set up for your account. Not you? Reset your password.',
  },
};
