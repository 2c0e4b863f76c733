import type { DefaultCatalog } from './defaults.types.js';

export const de: DefaultCatalog = {
  email_verification: {
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{tenantName}}',
    text: 'Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:\n\n{{link}}\n\nDer Link läuft in {{expiresInMinutes}} Minuten ab. Wenn Sie sich nicht registriert haben, ignorieren Sie diese Nachricht.',
    sms: '{{tenantName}}: Bestätigen Sie Ihre E-Mail-Adresse unter {{link}}',
  },
  email_change_verification: {
    subject: 'Bestätigen Sie Ihre neue E-Mail-Adresse für {{tenantName}}',
    text: 'Bitte bestätigen Sie {{newEmail}} als Ihre neue E-Mail-Adresse über diesen Link:\n\n{{link}}\n\nDer Link läuft in {{expiresInMinutes}} Minuten ab. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.',
    sms: '{{tenantName}}: Bestätigen Sie Ihre neue E-Mail-Adresse unter {{link}}',
  },
  email_changed_notice: {
    subject: 'Ihre E-Mail-Adresse bei {{tenantName}} wurde geändert',
    text: 'Die E-Mail-Adresse Ihres Kontos wurde von {{oldEmail}} in {{newEmail}} geändert.\n\nWenn Sie das nicht waren, wenden Sie sich sofort an den Support.',
    sms: '{{tenantName}}: Ihre E-Mail-Adresse wurde in {{newEmail}} geändert.',
  },
  password_reset: {
    subject: 'Setzen Sie Ihr Passwort für {{tenantName}} zurück',
    text: 'Jemand hat angefordert, das Passwort Ihres Kontos zurückzusetzen. Über diesen Link wählen Sie ein neues Passwort:\n\n{{link}}\n\nDer Link läuft in {{expiresInMinutes}} Minuten ab. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.',
    sms: '{{tenantName}}: Setzen Sie Ihr Passwort unter {{link}} zurück',
  },
  password_changed_notice: {
    subject: 'Ihr Passwort bei {{tenantName}} wurde geändert',
    text: 'Das Passwort Ihres Kontos wurde geändert.\n\nWenn Sie das nicht waren, setzen Sie Ihr Passwort zurück und wenden Sie sich sofort an den Support.',
    sms: '{{tenantName}}: Ihr Passwort wurde geändert. Nicht Sie? Kontaktieren Sie den Support.',
  },
  registration_existing_account: {
    subject: 'Sie haben bereits ein Konto bei {{tenantName}}',
    text: 'Jemand wollte sich mit dieser E-Mail-Adresse registrieren, aber Sie haben bereits ein Konto. Über diesen Link melden Sie sich an oder setzen Ihr Passwort zurück:\n\n{{link}}\n\nWenn Sie das nicht waren, ignorieren Sie diese Nachricht.',
    sms: '{{tenantName}}: Sie haben bereits ein Konto. Anmelden unter {{link}}',
  },
  magic_link: {
    subject: 'Ihr Anmeldelink für {{tenantName}}',
    text: 'Öffnen Sie diesen Link, um sich anzumelden:\n\n{{link}}\n\nDer Link läuft in {{expiresInMinutes}} Minuten ab und funktioniert einmal. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.',
    sms: '{{tenantName}}: Anmelden unter {{link}}',
  },
  email_otp: {
    subject: 'Ihr Code für {{tenantName}}: {{code}}',
    text: 'Ihr Anmeldecode lautet {{code}}.\n\nEr läuft in {{expiresInMinutes}} Minuten ab. Geben Sie ihn niemals weiter.',
    sms: '{{code}} ist Ihr Code für {{tenantName}}. Er läuft in {{expiresInMinutes}} Minuten ab.',
  },
  sms_otp: {
    subject: 'Ihr Code für {{tenantName}}: {{code}}',
    text: 'Ihr Anmeldecode lautet {{code}}.\n\nEr läuft in {{expiresInMinutes}} Minuten ab. Geben Sie ihn niemals weiter.',
    sms: '{{code}} ist Ihr Code für {{tenantName}}. Er läuft in {{expiresInMinutes}} Minuten ab.',
  },
  phone_verification: {
    subject: 'Ihr Bestätigungscode für {{tenantName}}: {{code}}',
    text: 'Ihr Code zur Bestätigung Ihrer Telefonnummer lautet {{code}}.\n\nEr läuft in {{expiresInMinutes}} Minuten ab.',
    sms: '{{code}} ist Ihr Bestätigungscode für {{tenantName}}. Er läuft in {{expiresInMinutes}} Minuten ab.',
  },
  passkey_added_notice: {
    subject: 'Ihrem {{tenantName}}-Konto wurde ein Passkey hinzugefügt',
    text: 'Ihrem Konto wurde ein Passkey hinzugefügt. Sie können sich jetzt damit anmelden.\n\nWenn Sie das nicht waren, setzen Sie sofort Ihr Passwort zurück und entfernen Sie den Passkey in den Sicherheitseinstellungen Ihres Kontos.',
    sms: '{{tenantName}}: Ihrem Konto wurde ein Passkey hinzugefügt. Nicht Sie? Setzen Sie Ihr Passwort zurück.',
  },
  authenticator_added_notice: {
    subject: 'Für Ihr {{tenantName}}-Konto wurde eine Authenticator-App eingerichtet',
    text: 'Für Ihr Konto wurde eine Authenticator-App als zweiter Faktor eingerichtet, und es wurden neue Wiederherstellungscodes erstellt.\n\nWenn Sie das nicht waren, setzen Sie sofort Ihr Passwort zurück und wenden Sie sich an den Support.',
    sms: '{{tenantName}}: Für Ihr Konto wurde eine Authenticator-App eingerichtet. Nicht Sie? Setzen Sie Ihr Passwort zurück.',
  },
};
