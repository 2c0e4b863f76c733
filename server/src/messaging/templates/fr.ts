import type { DefaultCatalog } from './defaults.types.js';

export const fr: DefaultCatalog = {
  email_verification: {
    subject: 'Confirmez votre adresse e-mail pour {{tenantName}}',
    text: 'Veuillez confirmer votre adresse e-mail en ouvrant ce lien :\n\n{{link}}\n\nLe lien expire dans {{expiresInMinutes}} minutes. Si vous ne vous êtes pas inscrit, ignorez ce message.',
    sms: '{{tenantName}} : confirmez votre adresse e-mail sur {{link}}',
  },
  email_change_verification: {
    subject: 'Confirmez votre nouvelle adresse e-mail pour {{tenantName}}',
    text: 'Veuillez confirmer {{newEmail}} comme nouvelle adresse e-mail en ouvrant ce lien :\n\n{{link}}\n\nLe lien expire dans {{expiresInMinutes}} minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.',
    sms: '{{tenantName}} : confirmez votre nouvelle adresse e-mail sur {{link}}',
  },
  email_changed_notice: {
    subject: 'Votre adresse e-mail {{tenantName}} a été modifiée',
    text: 'L’adresse e-mail de votre compte est passée de {{oldEmail}} à {{newEmail}}.\n\nSi ce n’était pas vous, contactez le support immédiatement.',
    sms: '{{tenantName}} : votre adresse e-mail est désormais {{newEmail}}.',
  },
  password_reset: {
    subject: 'Réinitialisez votre mot de passe {{tenantName}}',
    text: 'Quelqu’un a demandé la réinitialisation du mot de passe de votre compte. Pour choisir un nouveau mot de passe, ouvrez ce lien :\n\n{{link}}\n\nLe lien expire dans {{expiresInMinutes}} minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.',
    sms: '{{tenantName}} : réinitialisez votre mot de passe sur {{link}}',
  },
  password_changed_notice: {
    subject: 'Votre mot de passe {{tenantName}} a été modifié',
    text: 'Le mot de passe de votre compte a été modifié.\n\nSi ce n’était pas vous, réinitialisez votre mot de passe et contactez le support immédiatement.',
    sms: '{{tenantName}} : votre mot de passe a été modifié. Pas vous ? Contactez le support.',
  },
  registration_existing_account: {
    subject: 'Vous avez déjà un compte {{tenantName}}',
    text: 'Quelqu’un a tenté de s’inscrire avec cette adresse e-mail, mais vous avez déjà un compte. Pour vous connecter ou réinitialiser votre mot de passe, ouvrez ce lien :\n\n{{link}}\n\nSi ce n’était pas vous, ignorez ce message.',
    sms: '{{tenantName}} : vous avez déjà un compte. Connectez-vous sur {{link}}',
  },
  magic_link: {
    subject: 'Votre lien de connexion {{tenantName}}',
    text: 'Ouvrez ce lien pour vous connecter :\n\n{{link}}\n\nLe lien expire dans {{expiresInMinutes}} minutes et ne fonctionne qu’une fois. Si vous ne l’avez pas demandé, ignorez ce message.',
    sms: '{{tenantName}} : connectez-vous sur {{link}}',
  },
  email_otp: {
    subject: 'Votre code {{tenantName}} : {{code}}',
    text: 'Votre code de connexion est {{code}}.\n\nIl expire dans {{expiresInMinutes}} minutes. Ne le communiquez jamais.',
    sms: '{{code}} est votre code {{tenantName}}. Il expire dans {{expiresInMinutes}} minutes.',
  },
  sms_otp: {
    subject: 'Votre code {{tenantName}} : {{code}}',
    text: 'Votre code de connexion est {{code}}.\n\nIl expire dans {{expiresInMinutes}} minutes. Ne le communiquez jamais.',
    sms: '{{code}} est votre code {{tenantName}}. Il expire dans {{expiresInMinutes}} minutes.',
  },
  phone_verification: {
    subject: 'Votre code de vérification {{tenantName}} : {{code}}',
    text: 'Votre code de vérification du téléphone est {{code}}.\n\nIl expire dans {{expiresInMinutes}} minutes.',
    sms: '{{code}} est votre code de vérification {{tenantName}}. Il expire dans {{expiresInMinutes}} minutes.',
  },
  passkey_added_notice: {
    subject: 'Une clé d’accès a été ajoutée à votre compte {{tenantName}}',
    text: 'Une clé d’accès a été ajoutée à votre compte. Vous pouvez désormais vous connecter avec.\n\nSi ce n’était pas vous, réinitialisez immédiatement votre mot de passe et supprimez la clé d’accès dans les paramètres de sécurité de votre compte.',
    sms: '{{tenantName}} : une clé d’accès a été ajoutée à votre compte. Pas vous ? Réinitialisez votre mot de passe.',
  },
  authenticator_added_notice: {
    subject: 'Une application d’authentification a été configurée pour votre compte {{tenantName}}',
    text: 'Une application d’authentification a été configurée comme second facteur pour votre compte, et de nouveaux codes de récupération ont été créés.\n\nSi ce n’était pas vous, réinitialisez immédiatement votre mot de passe et contactez le support.',
    sms: '{{tenantName}} : une application d’authentification a été configurée pour votre compte. Pas vous ? Réinitialisez votre mot de passe.',
  },
};
