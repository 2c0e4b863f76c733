import type { DefaultCatalog } from './defaults.types.js';

export const es: DefaultCatalog = {
  email_verification: {
    subject: 'Confirma tu dirección de correo para {{tenantName}}',
    text: 'Confirma tu dirección de correo abriendo este enlace:\n\n{{link}}\n\nEl enlace caduca en {{expiresInMinutes}} minutos. Si no te registraste, ignora este mensaje.',
    sms: '{{tenantName}}: confirma tu correo en {{link}}',
  },
  email_change_verification: {
    subject: 'Confirma tu nueva dirección de correo para {{tenantName}}',
    text: 'Confirma {{newEmail}} como tu nueva dirección de correo abriendo este enlace:\n\n{{link}}\n\nEl enlace caduca en {{expiresInMinutes}} minutos. Si no lo pediste, ignora este mensaje.',
    sms: '{{tenantName}}: confirma tu nuevo correo en {{link}}',
  },
  email_changed_notice: {
    subject: 'Tu dirección de correo de {{tenantName}} ha cambiado',
    text: 'La dirección de correo de tu cuenta cambió de {{oldEmail}} a {{newEmail}}.\n\nSi no fuiste tú, contacta con soporte de inmediato.',
    sms: '{{tenantName}}: tu correo ahora es {{newEmail}}.',
  },
  password_reset: {
    subject: 'Restablece tu contraseña de {{tenantName}}',
    text: 'Alguien pidió restablecer la contraseña de tu cuenta. Para elegir una nueva, abre este enlace:\n\n{{link}}\n\nEl enlace caduca en {{expiresInMinutes}} minutos. Si no lo pediste, ignora este mensaje.',
    sms: '{{tenantName}}: restablece tu contraseña en {{link}}',
  },
  password_changed_notice: {
    subject: 'Tu contraseña de {{tenantName}} ha cambiado',
    text: 'La contraseña de tu cuenta ha cambiado.\n\nSi no fuiste tú, restablece tu contraseña y contacta con soporte de inmediato.',
    sms: '{{tenantName}}: tu contraseña ha cambiado. ¿No fuiste tú? Contacta con soporte.',
  },
  registration_existing_account: {
    subject: 'Ya tienes una cuenta de {{tenantName}}',
    text: 'Alguien intentó registrarse con esta dirección de correo, pero ya tienes una cuenta. Para iniciar sesión o restablecer tu contraseña, abre este enlace:\n\n{{link}}\n\nSi no fuiste tú, ignora este mensaje.',
    sms: '{{tenantName}}: ya tienes una cuenta. Inicia sesión en {{link}}',
  },
  magic_link: {
    subject: 'Tu enlace de acceso a {{tenantName}}',
    text: 'Abre este enlace para iniciar sesión:\n\n{{link}}\n\nEl enlace caduca en {{expiresInMinutes}} minutos y funciona una vez. Si no lo pediste, ignora este mensaje.',
    sms: '{{tenantName}}: inicia sesión en {{link}}',
  },
  email_otp: {
    subject: 'Tu código de {{tenantName}}: {{code}}',
    text: 'Tu código de acceso es {{code}}.\n\nCaduca en {{expiresInMinutes}} minutos. No lo compartas con nadie.',
    sms: '{{code}} es tu código de {{tenantName}}. Caduca en {{expiresInMinutes}} minutos.',
  },
  sms_otp: {
    subject: 'Tu código de {{tenantName}}: {{code}}',
    text: 'Tu código de acceso es {{code}}.\n\nCaduca en {{expiresInMinutes}} minutos. No lo compartas con nadie.',
    sms: '{{code}} es tu código de {{tenantName}}. Caduca en {{expiresInMinutes}} minutos.',
  },
  phone_verification: {
    subject: 'Tu código de verificación de {{tenantName}}: {{code}}',
    text: 'Tu código para verificar el teléfono es {{code}}.\n\nCaduca en {{expiresInMinutes}} minutos.',
    sms: '{{code}} es tu código de verificación de {{tenantName}}. Caduca en {{expiresInMinutes}} minutos.',
  },
  passkey_added_notice: {
    subject: 'Se añadió una llave de acceso a tu cuenta de {{tenantName}}',
    text: 'Se añadió una llave de acceso a tu cuenta. Ahora puedes iniciar sesión con ella.\n\nSi no fuiste tú, restablece tu contraseña de inmediato y elimina la llave de acceso en la configuración de seguridad de tu cuenta.',
    sms: '{{tenantName}}: se añadió una llave de acceso a tu cuenta. ¿No fuiste tú? Restablece tu contraseña.',
  },
  authenticator_added_notice: {
    subject: 'Se configuró una aplicación de autenticación para tu cuenta de {{tenantName}}',
    text: 'Se configuró una aplicación de autenticación como segundo factor para tu cuenta y se crearon nuevos códigos de recuperación.\n\nSi no fuiste tú, restablece tu contraseña de inmediato y contacta con soporte.',
    sms: '{{tenantName}}: se configuró una aplicación de autenticación para tu cuenta. ¿No fuiste tú? Restablece tu contraseña.',
  },
};
