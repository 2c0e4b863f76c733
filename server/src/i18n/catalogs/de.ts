import type { MessageCatalog } from './en.js';

/** Deutsch (formelle Anrede „Sie“). */
export const de: MessageCatalog = {
  'common.continue': 'Weiter',
  'common.optional': '(optional)',
  'common.required': '(erforderlich)',
  'common.forgotPassword': 'Passwort vergessen?',
  'common.backToSignIn': 'Zurück zur Anmeldung',
  'common.allow': 'Zulassen',
  'common.deny': 'Ablehnen',
  'common.closeWindow': 'Sie können dieses Fenster jetzt schließen.',
  'common.emailOrUsername': 'E-Mail-Adresse oder Benutzername',
  'common.password': 'Passwort',
  'layout.logoAlt': 'Logo',

  'identifier.title': 'Anmelden',
  'identifier.submit': 'Weiter',
  'identifier.noAccount': 'Neu hier?',
  'identifier.createAccount': 'Konto erstellen',
  'identifier.orDivider': 'oder',
  'identifier.passkey': 'Mit einem Passkey anmelden',

  'password.title': 'Passwort eingeben',
  'password.notYou': 'Nicht Sie?',
  'password.useAnotherAccount': 'Anderes Konto verwenden',
  'password.submit': 'Anmelden',

  'registration.title': 'Konto erstellen',
  'registration.email': 'E-Mail-Adresse',
  'registration.passwordHint': 'Verwenden Sie mindestens {minLength} Zeichen.',
  'registration.givenName': 'Vorname',
  'registration.familyName': 'Nachname',
  'registration.agreements': 'Einwilligungen',
  'registration.readDocument': 'Dokument lesen',
  'registration.submit': 'Konto erstellen',
  'registration.haveAccount': 'Sie haben bereits ein Konto?',
  'registration.signIn': 'Anmelden',

  'registrationSent.title': 'Prüfen Sie Ihr Postfach',
  'registrationSent.bodyWithEmail':
    'Wir haben eine E-Mail an {email} gesendet. Folgen Sie dem Link darin, um fortzufahren.',
  'registrationSent.body':
    'Wir haben Ihnen eine E-Mail gesendet. Folgen Sie dem Link darin, um fortzufahren.',
  'registrationSent.hint':
    'Keine E-Mail erhalten? Sehen Sie in Ihrem Spam-Ordner nach oder versuchen Sie es in ein paar Minuten erneut.',

  'consent.title': 'Zugriff erlauben?',
  'consent.heading': '{client} möchte auf Ihr Konto zugreifen',
  'consent.signedInAs': 'Angemeldet als {identifier}',
  'consent.scopesIntro': 'Damit darf {client}:',
  'consent.scope.openid': 'Ihre Identität bestätigen',
  'consent.scope.profile': 'Ihren Namen und grundlegende Profilangaben sehen',
  'consent.scope.email': 'Ihre E-Mail-Adresse sehen',
  'consent.scope.phone': 'Ihre Telefonnummer sehen',
  'consent.scope.address': 'Ihre Postanschrift sehen',
  'consent.scope.offline_access': 'Zugriff behalten, auch wenn Sie die App gerade nicht nutzen',
  'consent.otherScope': 'Weitere Berechtigung:',

  'logout.title': 'Abmelden?',
  'logout.questionWithClient': 'Möchten Sie sich von {client} abmelden?',
  'logout.question': 'Möchten Sie sich abmelden?',
  'logout.signOut': 'Abmelden',
  'logout.staySignedIn': 'Angemeldet bleiben',
  'loggedOut.title': 'Sie sind abgemeldet',
  'loggedOut.bodyWithClient': 'Sie haben sich von {client} abgemeldet.',
  'loggedOut.body': 'Sie haben sich abgemeldet.',

  'device.title': 'Gerät verbinden',
  'device.instructions': 'Geben Sie den Code ein, der auf Ihrem Gerät angezeigt wird.',
  'device.codeLabel': 'Gerätecode',
  'device.submit': 'Weiter',
  'deviceConfirm.title': 'Dieses Gerät verbinden?',
  'deviceConfirm.heading': '{client} möchte sich auf einem Gerät anmelden',
  'deviceConfirm.compare': 'Prüfen Sie, ob dieser Code mit dem auf Ihrem Gerät übereinstimmt:',
  'deviceConfirm.warning':
    'Wenn Sie diese Anfrage nicht gestartet haben oder die Codes nicht übereinstimmen, lehnen Sie sie ab.',
  'deviceDone.allowedTitle': 'Gerät verbunden',
  'deviceDone.allowedBodyWithClient': 'Sie sind jetzt auf Ihrem Gerät bei {client} angemeldet.',
  'deviceDone.allowedBody': 'Sie sind jetzt auf Ihrem Gerät angemeldet.',
  'deviceDone.deniedTitle': 'Anfrage abgelehnt',
  'deviceDone.deniedBody': 'Das Gerät wurde nicht mit Ihrem Konto verbunden.',

  'errorPage.title': 'Etwas ist schiefgelaufen',
  'errorPage.requestId': 'Anfrage-ID',
  'errorPage.errorCode': 'Fehlercode',

  'error.generic': 'Ihre Anfrage konnte nicht abgeschlossen werden. Bitte versuchen Sie es erneut.',
  'error.invalidCredentials': 'E-Mail-Adresse, Benutzername oder Passwort ist falsch.',
  'error.identifierRequired': 'Geben Sie Ihre E-Mail-Adresse oder Ihren Benutzernamen ein.',
  'error.passkeyFailed':
    'Die Anmeldung mit einem Passkey hat nicht funktioniert. Versuchen Sie es erneut oder wählen Sie eine andere Methode.',
  'error.emailInvalid': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  'error.passwordTooShort': 'Dieses Passwort ist zu kurz.',
  'error.passwordTooCommon': 'Dieses Passwort ist zu verbreitet. Wählen Sie ein anderes.',
  'error.consentRequired': 'Stimmen Sie den erforderlichen Einwilligungen zu, um fortzufahren.',
  'error.formExpired': 'Diese Seite ist abgelaufen. Bitte versuchen Sie es erneut.',
  'error.deviceCodeInvalid':
    'Dieser Code ist falsch oder abgelaufen. Überprüfen Sie ihn und versuchen Sie es erneut.',
  'error.deviceRequestAborted': 'Die Anmeldeanfrage wurde abgebrochen.',
  'error.sessionExpired':
    'Die Anmeldung hat zu lange gedauert und ist abgelaufen. Bitte starten Sie sie in der App erneut.',
  'error.invalidRequest':
    'Die App hat eine ungültige Anmeldeanfrage gesendet. Bitte wenden Sie sich an den Support der App.',
  'error.invalidRedirectUri':
    'Die App wollte zu einer Adresse zurückkehren, die sie nicht registriert hat. Deshalb wurde hier abgebrochen. Bitte wenden Sie sich an den Support der App.',
  'error.invalidClient': 'Diese App ist unbekannt oder darf hier keine Anmeldung durchführen.',
  'error.accessDenied': 'Der Zugriff wurde verweigert.',
  'error.notFound': 'Diese Seite existiert nicht.',
  'error.serverError': 'Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
};
