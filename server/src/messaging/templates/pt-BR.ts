import type { DefaultCatalog } from './defaults.types.js';

export const ptBR: DefaultCatalog = {
  email_verification: {
    subject: 'Confirme seu endereço de e-mail para {{tenantName}}',
    text: 'Confirme seu endereço de e-mail abrindo este link:\n\n{{link}}\n\nO link expira em {{expiresInMinutes}} minutos. Se você não se cadastrou, ignore esta mensagem.',
    sms: '{{tenantName}}: confirme seu e-mail em {{link}}',
  },
  email_change_verification: {
    subject: 'Confirme seu novo endereço de e-mail para {{tenantName}}',
    text: 'Confirme {{newEmail}} como seu novo endereço de e-mail abrindo este link:\n\n{{link}}\n\nO link expira em {{expiresInMinutes}} minutos. Se você não pediu isso, ignore esta mensagem.',
    sms: '{{tenantName}}: confirme seu novo e-mail em {{link}}',
  },
  email_changed_notice: {
    subject: 'Seu e-mail de {{tenantName}} foi alterado',
    text: 'O e-mail da sua conta foi alterado de {{oldEmail}} para {{newEmail}}.\n\nSe não foi você, fale com o suporte imediatamente.',
    sms: '{{tenantName}}: seu e-mail agora é {{newEmail}}.',
  },
  password_reset: {
    subject: 'Redefina sua senha de {{tenantName}}',
    text: 'Alguém pediu para redefinir a senha da sua conta. Para escolher uma nova senha, abra este link:\n\n{{link}}\n\nO link expira em {{expiresInMinutes}} minutos. Se você não pediu isso, ignore esta mensagem.',
    sms: '{{tenantName}}: redefina sua senha em {{link}}',
  },
  password_changed_notice: {
    subject: 'Sua senha de {{tenantName}} foi alterada',
    text: 'A senha da sua conta foi alterada.\n\nSe não foi você, redefina sua senha e fale com o suporte imediatamente.',
    sms: '{{tenantName}}: sua senha foi alterada. Não foi você? Fale com o suporte.',
  },
  registration_existing_account: {
    subject: 'Você já tem uma conta de {{tenantName}}',
    text: 'Alguém tentou se cadastrar com este e-mail, mas você já tem uma conta. Para entrar ou redefinir sua senha, abra este link:\n\n{{link}}\n\nSe não foi você, ignore esta mensagem.',
    sms: '{{tenantName}}: você já tem uma conta. Entre em {{link}}',
  },
  magic_link: {
    subject: 'Seu link de acesso a {{tenantName}}',
    text: 'Abra este link para entrar:\n\n{{link}}\n\nO link expira em {{expiresInMinutes}} minutos e funciona uma vez. Se você não pediu, ignore esta mensagem.',
    sms: '{{tenantName}}: entre em {{link}}',
  },
  email_otp: {
    subject: 'Seu código de {{tenantName}}: {{code}}',
    text: 'Seu código de acesso é {{code}}.\n\nEle expira em {{expiresInMinutes}} minutos. Nunca o compartilhe.',
    sms: '{{code}} é seu código de {{tenantName}}. Expira em {{expiresInMinutes}} minutos.',
  },
  sms_otp: {
    subject: 'Seu código de {{tenantName}}: {{code}}',
    text: 'Seu código de acesso é {{code}}.\n\nEle expira em {{expiresInMinutes}} minutos. Nunca o compartilhe.',
    sms: '{{code}} é seu código de {{tenantName}}. Expira em {{expiresInMinutes}} minutos.',
  },
  phone_verification: {
    subject: 'Seu código de verificação de {{tenantName}}: {{code}}',
    text: 'Seu código para verificar o telefone é {{code}}.\n\nEle expira em {{expiresInMinutes}} minutos.',
    sms: '{{code}} é seu código de verificação de {{tenantName}}. Expira em {{expiresInMinutes}} minutos.',
  },
  passkey_added_notice: {
    subject: 'Uma chave de acesso foi adicionada à sua conta {{tenantName}}',
    text: 'Uma chave de acesso foi adicionada à sua conta. Agora você pode entrar com ela.\n\nSe não foi você, redefina sua senha imediatamente e remova a chave de acesso nas configurações de segurança da sua conta.',
    sms: '{{tenantName}}: uma chave de acesso foi adicionada à sua conta. Não foi você? Redefina sua senha.',
  },
  authenticator_added_notice: {
    subject: 'Um aplicativo autenticador foi configurado para sua conta {{tenantName}}',
    text: 'Um aplicativo autenticador foi configurado como segundo fator da sua conta, e novos códigos de recuperação foram criados.\n\nSe não foi você, redefina sua senha imediatamente e fale com o suporte.',
    sms: '{{tenantName}}: um aplicativo autenticador foi configurado para sua conta. Não foi você? Redefina sua senha.',
  },
};
